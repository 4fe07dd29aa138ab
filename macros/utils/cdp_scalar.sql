{#- The one value a query returns (first column of its first row; none when it returns no row): how a macro or
    model reads a count, a mark or a cutoff at run time. Call it only while executing (`execute`). -#}
{% macro cdp_scalar(sql) -%}
    {%- set rows = run_query(sql).rows -%}
    {{ return(rows[0][0] if rows else none) }}
{%- endmacro %}
