{#- The stamp of this dbt invocation: its start (run_started_at) as a timestamp literal. The customer change
    feed's changed_at and its readers' marks, an analysis fit's fitted_at, and the written_at of the rows an
    incremental model rewrites. -#}
{% macro cdp_run_stamp() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp)
{%- endmacro %}

{#- The stamp of the last run that wrote rows of `relation` (their newest written_at, a cdp_run_stamp) as a
    scalar subquery; 1900-01-01 when it holds no rows. -#}
{% macro cdp_last_run_stamp(relation) -%}
    (select coalesce(max(written_at), cast('1900-01-01' as {{ dbt.type_timestamp() }})) from {{ relation }})
{%- endmacro %}

{#- A condition on the rows of `relation` that keeps the rows its last run wrote: those whose written_at (a
    cdp_run_stamp) is the newest. A full build stamps every row alike, so it keeps them all. With
    var('cdp__test_whole_tables') the condition keeps every row ('true'). -#}
{% macro cdp_written_by_last_run(relation) -%}
    {%- if var('cdp__test_whole_tables') -%}
        true
    {%- else -%}
        written_at = {{ cdp_last_run_stamp(relation) }}
    {%- endif -%}
{%- endmacro %}
