{#- Replace every match of `pattern` in `expr` with the literal `replacement` (no back-references). -#}
{% macro cdp_regexp_replace_all(expr, pattern, replacement) -%}
    {{ return(adapter.dispatch('cdp_regexp_replace_all', 'cdp')(expr, pattern, replacement)) }}
{%- endmacro %}

{% macro default__cdp_regexp_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, '{{ pattern }}', '{{ replacement }}')
{%- endmacro %}

{% macro duckdb__cdp_regexp_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, '{{ pattern }}', '{{ replacement }}', 'g')
{%- endmacro %}
