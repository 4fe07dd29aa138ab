{#- True when `expr` contains a match of the regular expression held in the SQL expression `pattern_expr`
    (a column, unlike cdp_regexp_matches whose pattern is a literal). Portable patterns only. -#}
{% macro cdp_regexp_matches_column(expr, pattern_expr) -%}
    {{ return(adapter.dispatch('cdp_regexp_matches_column', 'cdp')(expr, pattern_expr)) }}
{%- endmacro %}

{% macro default__cdp_regexp_matches_column(expr, pattern_expr) -%}
    regexp_like({{ expr }}, {{ pattern_expr }})
{%- endmacro %}

{% macro duckdb__cdp_regexp_matches_column(expr, pattern_expr) -%}
    regexp_matches({{ expr }}, {{ pattern_expr }})
{%- endmacro %}

{% macro spark__cdp_regexp_matches_column(expr, pattern_expr) -%}
    ({{ expr }} rlike {{ pattern_expr }})
{%- endmacro %}
