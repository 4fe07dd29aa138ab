{#- `dbt run-operation cdp_retention_dry_run --args '{source_table: web_events, days: 90}'`: what a retention
    window would expire now, without changing anything. Logs, per month, the staged rows of the raw table whose
    event time is before the cutoff that window gives (cdp_retention_cutoff with `days`: the as-of day minus
    `days`, never earlier than a cutoff already recorded), and returns their total. `days` defaults to the
    table's window in var('cdp__retention'). -#}
{% macro cdp_retention_dry_run(source_table, days=none) -%}
    {%- set configured = cdp_retention_rule(source_table) -%}
    {%- set defaults = cdp_retention_table_defaults().get(source_table, {}) -%}
    {%- set timestamp = (configured or {}).get('timestamp') or defaults.get('timestamp') -%}
    {%- set days = days if days is not none else (configured or {}).get('days') -%}
    {%- if days is none or not timestamp -%}
        {{ exceptions.raise_compiler_error(
            'cdp_retention_dry_run: ' ~ source_table ~ ' needs `days` (argument or var cdp__retention) and an '
            ~ 'event-time column (a default in cdp_retention_table_defaults or `timestamp` in the var)') }}
    {%- endif -%}
    {%- set staged = ref(cdp_retention_model_name(source_table, 'stg')) -%}
    {%- set cutoff = cdp_retention_cutoff(source_table, staged, days=days) -%}
    {%- if cutoff is none -%}
        {%- do log(source_table ~ ': no as-of day (no load has passed data quality), nothing would expire',
            info=true) -%}
        {{ return(0) }}
    {%- endif -%}
    {%- set months_sql -%}
        select
            cast({{ dbt.date_trunc('month', timestamp) }} as date) as event_month,
            count(*) as rows_to_expire
        from {{ staged }}
        where {{ timestamp }} < cast('{{ cutoff }}' as {{ dbt.type_timestamp() }})
        group by cast({{ dbt.date_trunc('month', timestamp) }} as date)
        order by event_month
    {%- endset -%}
    {%- set months = run_query(months_sql).rows -%}
    {%- set total = months | map(attribute=1) | sum -%}
    {%- do log(source_table ~ ': a ' ~ days ~ '-day window expires the rows before ' ~ cutoff ~ ': ' ~ total
        ~ ' staged rows would leave ' ~ staged, info=true) -%}
    {%- for month in months -%}
        {%- do log('  ' ~ month[0] ~ '  ' ~ month[1], info=true) -%}
    {%- endfor -%}
    {{ return(total) }}
{%- endmacro %}
