{#- True when `expr` contains a match of the regular expression `pattern` (anchor it for a full match).
    Write patterns portably: `[.]` not `\.`, no back-references, no POSIX classes. -#}
{% macro cdp_regexp_matches(expr, pattern) -%}
    {{ return(adapter.dispatch('cdp_regexp_matches', 'cdp')(expr, pattern)) }}
{%- endmacro %}

{% macro default__cdp_regexp_matches(expr, pattern) -%}
    regexp_like({{ expr }}, '{{ pattern }}')
{%- endmacro %}

{% macro duckdb__cdp_regexp_matches(expr, pattern) -%}
    regexp_matches({{ expr }}, '{{ pattern }}')
{%- endmacro %}

{% macro spark__cdp_regexp_matches(expr, pattern) -%}
    ({{ expr }} rlike '{{ pattern }}')
{%- endmacro %}
