{#- The comma-separated, quoted column list of `relation` without the columns in `except`
    (our dbt_utils.star). Before execution (parsing, docs) it renders `*`. -#}
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
    {%- if columns | length == 0 -%}
        {{ exceptions.raise_compiler_error("cdp_star: no columns found in " ~ relation ~ "; is it built?") }}
    {%- endif -%}
    {{ return(columns | join(', ')) }}
{%- endmacro %}
