{#- Seed loading on Spark. dbt-spark's session connection pastes each value into an INSERT as '<value>' without
    escaping: a name like O'Brien breaks the statement, a NULL becomes the string 'None', and 25,000 rows take
    a minute of SQL parsing. Instead, read the seed file with Spark's own CSV reader (RFC 4180 quoting, every
    column a string, empty = NULL) and insert it in one statement. Overrides the dbt namespace's macro: dbt looks
    in the root project first. -#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set path = model['root_path'] ~ '/' ~ model['original_file_path'] -%}
    {%- set view = 'cdp_seed_' ~ model['name'] -%}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set create_view -%}
        create or replace temporary view {{ view }}
        using csv
        options (path '{{ path }}', header 'true', multiLine 'true', quote '"', escape '"', encoding 'UTF-8',
                 delimiter '{{ model['config'].get('delimiter', ',') }}')
    {%- endset -%}
    {%- set insert -%}
        insert into {{ this.render() }}
        select
        {%- for column in agate_table.column_names %}
            cast(`{{ column }}` as {{ column_override.get(column, adapter.convert_type(agate_table, loop.index0)) }})
            {{- ',' if not loop.last }}
        {%- endfor %}
        from {{ view }}
    {%- endset -%}
    {%- do adapter.add_query(create_view, abridge_sql_log=True) -%}
    {%- do adapter.add_query(insert, abridge_sql_log=True) -%}
    {{ return(insert) }}
{% endmacro %}
