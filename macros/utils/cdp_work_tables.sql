{#- Work tables: the tables a model keeps beside itself between runs (snapshots, change logs, high-water marks),
    named `<prefix>__<suffix>` in the model's schema. -#}

{#- The work table `<work_prefix>__<suffix>` next to `work_relation` (default: the calling model). -#}
{% macro cdp_work_relation(work_prefix, suffix, work_relation=none) -%}
    {%- set base_relation = work_relation if work_relation is not none else this -%}
    {{ return(api.Relation.create(
        database=base_relation.database, schema=base_relation.schema,
        identifier=work_prefix ~ '__' ~ suffix, type='table')) }}
{%- endmacro %}

{#- Drop `relation` if it exists and create it as the result of `sql`, at once (run_query). -#}
{% macro cdp_replace_work_table(relation, sql) -%}
    {%- do run_query('drop table if exists ' ~ relation) -%}
    {%- do run_query(create_table_as(false, relation, sql)) -%}
{%- endmacro %}

{#- SQL (re)writing a one-row work table of a model: create `relation` (one `column` of type timestamp) if it
    does not exist, and make the result of `value_sql` its only row. Nothing while parsing. -#}
{% macro cdp_one_row_work_table(relation, column, value_sql) -%}
    {%- if execute -%}
        {%- do adapter.cache_added(relation) %}
    create table if not exists {{ relation }} ({{ column }} {{ dbt.type_timestamp() }});
    delete from {{ relation }};
    insert into {{ relation }} ({{ column }}) {{ value_sql }}
    {%- endif -%}
{%- endmacro %}
