{#- What the retention windows (var('cdp__retention'), docs/governance/retention.md) took out of staging: per
    raw table and event day, the count of expired rows, by event type and subject for `action: aggregate`. Each
    build appends what expired since the last one; the record keys it counted go to its ledger work table
    (`fct_retention_expired_daily__expired_keys`), so a row is never counted twice. Never rebuilt (append-only,
    full_refresh: false), so the totals outlive the rows even when raw data is pruned. The staged models apply
    the cutoffs first (their refs below order the build). -#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=false,
    on_schema_change='fail',
    post_hook=["{{ cdp_retention_record_expired_keys() }}"]
) }}
{%- set source_tables = cdp_retention_tables() %}
{%- for source_table in source_tables %}
-- depends_on: {{ ref(cdp_retention_model_name(source_table, 'stg')) }}
{%- endfor %}

with

expired_rows as (

    {%- for source_table in source_tables %}
        {{ cdp_retention_expired_rows(source_table) }}
        union all
    {%- endfor %}
    {{ cdp_retention_expired_rows(none) }}

),

final as (

    select
        cast({{ dbt.hash(
            "source_table || '|' || cast(event_date as " ~ dbt.type_string() ~ ") || '|' || coalesce(event_type, '')"
            ~ " || '|' || coalesce(subject_type, '') || '|' || coalesce(subject_id, '') || '|' || '"
            ~ run_started_at.strftime('%Y-%m-%dT%H:%M:%S.%f') ~ "'"
        ) }} as {{ dbt.type_string() }}) as retention_expired_key,
        source_table,
        event_date,
        event_type,
        subject_type,
        subject_id,
        retention_action,
        event_count,
        retention_cutoff,
        loaded_until,
        cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as {{ dbt.type_timestamp() }}) as expired_at
    from expired_rows

)

select * from final
