{#- The select list of `model_name`'s documented columns (yml order), qualified by `relation_alias`, without
    `except` (or only those in `only`, when given), renamed by `rename` ({column: new_name}). Counts
    (`*_count`) of a left-joined mart are 0, not NULL, for a customer the mart has no row for. Wide marts built
    from narrower ones (mart_customer_360) stay in step with their parts' published contracts this way. -#}
{% macro cdp_documented_columns(model_name, relation_alias, except=[], rename={}, only=[]) -%}
    {%- if not execute -%}
        {{ return(relation_alias ~ '.*') }}
    {%- endif -%}
    {%- set node = cdp_model_node(model_name) -%}
    {%- if node is none -%}
        {{ exceptions.raise_compiler_error("cdp_documented_columns: no model " ~ model_name) }}
    {%- endif -%}
    {%- set columns = [] -%}
    {%- for column in node.columns.values()
        if column.name not in except and (not only or column.name in only) -%}
        {%- set column_sql = relation_alias ~ '.' ~ column.name -%}
        {%- if column.name.endswith('_count') -%}
            {%- set column_sql = 'coalesce(' ~ column_sql ~ ', 0)' -%}
        {%- endif -%}
        {%- do columns.append(column_sql ~ ' as ' ~ rename.get(column.name, column.name)) -%}
    {%- endfor -%}
    {{ return(columns | join(',\n        ')) }}
{%- endmacro %}
