{#- Exact percentile (linear interpolation between the two nearest ranks, as percentile_cont) of a numeric
    expression, as a double, in an aggregate context (group by). DuckDB calls it quantile_cont, Spark percentile
    (exact; percentile_approx would differ between engines); both ignore NULLs and return NULL on no rows. -#}
{% macro cdp_percentile(expr, percentile) -%}
    {{ return(adapter.dispatch('cdp_percentile', 'cdp')(expr, percentile)) }}
{%- endmacro %}

{% macro default__cdp_percentile(expr, percentile) -%}
    percentile_cont({{ percentile }}) within group (order by cast({{ expr }} as double precision))
{%- endmacro %}

{% macro duckdb__cdp_percentile(expr, percentile) -%}
    quantile_cont(cast({{ expr }} as double), {{ percentile }})
{%- endmacro %}

{% macro spark__cdp_percentile(expr, percentile) -%}
    percentile(cast({{ expr }} as double), {{ percentile }})
{%- endmacro %}

{#- Exact median of a numeric expression, as a double (cdp_percentile at 0.5). -#}
{% macro cdp_median(expr) -%}
    {{ cdp_percentile(expr, 0.5) }}
{%- endmacro %}
