{#- Select-list items that turn one row into one row per part of the delimited string `expr` (a NULL string
    gives no rows): the part as `value_alias` (untrimmed) and its 0-based position as `position_alias`. Use in a
    select list with the other columns of the row:
        select response_id, {{ cdp_split_to_rows('purchase_criteria', ',', 'criterion', 'criterion_index') }}
    DuckDB: unnest(string_split(..)) zipped with generate_subscripts; Spark: posexplode(split(..)) (Spark's
    split takes a regular expression: `delimiter` must be one character without a regex meaning, checked at
    compile time); default: Postgres' string_to_array. -#}
{% macro cdp_split_to_rows(expr, delimiter, value_alias, position_alias) -%}
    {%- if delimiter | length != 1 or delimiter in '\\^$.|?*+()[]{}\'' -%}
        {{ exceptions.raise_compiler_error("cdp_split_to_rows: delimiter must be one plain character, got '"
            ~ delimiter ~ "'") }}
    {%- endif -%}
    {{ return(adapter.dispatch('cdp_split_to_rows', 'cdp')(expr, delimiter, value_alias, position_alias)) }}
{%- endmacro %}

{% macro default__cdp_split_to_rows(expr, delimiter, value_alias, position_alias) -%}
    unnest(string_to_array({{ expr }}, '{{ delimiter }}')) as {{ value_alias }},
    generate_subscripts(string_to_array({{ expr }}, '{{ delimiter }}'), 1) - 1 as {{ position_alias }}
{%- endmacro %}

{% macro duckdb__cdp_split_to_rows(expr, delimiter, value_alias, position_alias) -%}
    unnest(string_split({{ expr }}, '{{ delimiter }}')) as {{ value_alias }},
    generate_subscripts(string_split({{ expr }}, '{{ delimiter }}'), 1) - 1 as {{ position_alias }}
{%- endmacro %}

{% macro spark__cdp_split_to_rows(expr, delimiter, value_alias, position_alias) -%}
    posexplode(split({{ expr }}, '{{ delimiter }}')) as ({{ position_alias }}, {{ value_alias }})
{%- endmacro %}
