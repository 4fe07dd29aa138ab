{#- Aggregate: `value` of the row with the smallest `order_by` (a list of expressions compared left to right,
    none of them NULL), ignoring the rows where `where` (a condition, optional) is not true; NULL when no row
    is left. A NULL `value` is returned as it is. One pass of a GROUP BY instead of a window that ranks and
    sorts every row: `row_number() over (partition by k order by a, b) = 1` becomes
    `cdp_arg_min(x, ['a', 'b'])` grouped by k. Make the order unique (add a key at its end), as with row_number. -#}
{% macro cdp_arg_min(value, order_by, where=none) -%}
    {{ return(adapter.dispatch('cdp_arg_min', 'cdp')(value, order_by, where)) }}
{%- endmacro %}

{#- The order key of cdp_arg_min: a row of the `order_by` expressions, NULL where `where` is not true. -#}
{% macro cdp_arg_min_order(order_by, where, row_function) -%}
    {%- set key = row_function ~ '(' ~ order_by | join(', ') ~ ')' -%}
    {%- if where is none -%}
        {{ key }}
    {%- else -%}
        case when {{ where }} then {{ key }} end
    {%- endif -%}
{%- endmacro %}

{% macro duckdb__cdp_arg_min(value, order_by, where) -%}
    arg_min_null({{ value }}, {{ cdp_arg_min_order(order_by, where, 'row') }})
{%- endmacro %}

{% macro spark__cdp_arg_min(value, order_by, where) -%}
    min_by({{ value }}, {{ cdp_arg_min_order(order_by, where, 'struct') }})
{%- endmacro %}

{#- A struct of `fields` (a dict: field name -> expression, in order), read back with `<struct>.<name>`: to carry
    several columns through one cdp_arg_min. -#}
{% macro cdp_struct(fields) -%}
    {{ return(adapter.dispatch('cdp_struct', 'cdp')(fields)) }}
{%- endmacro %}

{% macro duckdb__cdp_struct(fields) -%}
    struct_pack(
    {%- for name, expr in fields.items() %}
        {{ name }} := {{ expr }}{{ ',' if not loop.last }}
    {%- endfor %}
    )
{%- endmacro %}

{% macro spark__cdp_struct(fields) -%}
    named_struct(
    {%- for name, expr in fields.items() %}
        '{{ name }}', {{ expr }}{{ ',' if not loop.last }}
    {%- endfor %}
    )
{%- endmacro %}
