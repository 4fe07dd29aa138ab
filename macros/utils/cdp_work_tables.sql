{#- Work tables: the tables a model keeps beside itself between runs (snapshots, change logs, high-water marks),
    named `<prefix>__<suffix>` in the model's schema. -#}

{#- The work table `<work_prefix>__<suffix>` next to `work_relation` (default: the calling model). -#}
{% macro cdp_work_relation(work_prefix, suffix, work_relation=none) -%}
    {%- set base_relation = work_relation if work_relation is not none else this -%}
    {{ return(api.Relation.create(
        database=base_relation.database, schema=base_relation.schema,
        identifier=work_prefix ~ '__' ~ suffix, type='table')) }}
{%- endmacro %}

{#- The calling model's work tables `<model>__<suffix>` for each of `suffixes`, as a dict from suffix to
    relation: one run's transient tables, written by a pre-hook, read by the model, dropped by a post-hook
    (cdp_drop_work_tables_sql). -#}
{% macro cdp_work_relations(suffixes) -%}
    {%- set relations = {} -%}
    {%- for suffix in suffixes -%}
        {%- do relations.update({suffix: cdp_work_relation(this.identifier, suffix)}) -%}
    {%- endfor -%}
    {{ return(relations) }}
{%- endmacro %}

{#- SQL dropping each of `relations` (a list of relations) if it exists, statements separated by `;`. -#}
{% macro cdp_drop_work_tables_sql(relations) -%}
    {%- for relation in relations %}
    drop table if exists {{ relation }}{{ ';' if not loop.last }}
    {%- endfor -%}
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
