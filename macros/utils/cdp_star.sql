{#- The comma-separated, quoted column list of `relation` without the columns in `except`
    (our dbt_utils.star). Renders `*` before execution (parsing, docs) and when the relation does not exist yet
    (linting): a query selecting from a missing relation fails anyway, so `*` never reaches a real run. -#}
{% macro cdp_star(relation, except=[]) -%}
    {%- if not execute -%}
        {{ return('*') }}
    {%- endif -%}
    {%- set excluded = except | map('lower') | list -%}
    {%- set columns = [] -%}
    {%- for column in adapter.get_columns_in_relation(relation) -%}
        {%- if column.name | lower not in excluded -%}
            {%- do columns.append(adapter.quote(column.name)) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(columns | join(', ') if columns else '*') }}
{%- endmacro %}
