{#- dbt's `where` config of a data test, with one placeholder (dbt's documented way to give `where` logic the
    .yml context cannot express): `__written_by_last_run__` stands for cdp_written_by_last_run on the tested
    relation, so that a key test of an incremental model checks the rows its last run rewrote instead of the
    whole table. Sound where the model replaces rows by the tested key (delete+insert), or deletes every row of
    a customer in the key before appending its rows again: a duplicate key can only arise among the rows one
    run writes. var('cdp__test_whole_tables'): true checks every row again. -#}
{% macro default__get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- set where = where | replace('__written_by_last_run__', cdp_written_by_last_run(relation)) -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}
