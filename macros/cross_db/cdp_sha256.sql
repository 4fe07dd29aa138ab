{#- Lower-case hex SHA-256 of a string expression (the hash ad platforms match on). -#}
{% macro cdp_sha256(expr) -%}
    {{ return(adapter.dispatch('cdp_sha256', 'cdp')(expr)) }}
{%- endmacro %}

{% macro default__cdp_sha256(expr) -%}
    sha256({{ expr }})
{%- endmacro %}

{% macro spark__cdp_sha256(expr) -%}
    sha2({{ expr }}, 256)
{%- endmacro %}
