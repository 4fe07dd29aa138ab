{{
    config(
        materialized='incremental',
        unique_key='activity_date',
        partition_by=['activity_date'],
        on_schema_change='fail'
    )
}}

{#- App usage per day: one row per device, account (NULL before login), hour of the day (UTC), event type and
    feature (feature_used events only). Incremental by whole days (macros/marts/cdp_incremental_days.sql); no
    customer_id is stored (identity merges would leave it stale): int_app_identities_resolved attaches the
    customer downstream from (device_id, account_id). -#}
with

app_events as (

    select * from {{ ref('stg_app__events') }}
    where {{ cdp_incremental_days_filter(ref('stg_app__events'), 'cast(occurred_at as date)') }}

),

usage_aggregated as (

    select
        device_id,
        account_id,
        event_type,
        feature,
        cast(occurred_at as date) as activity_date,
        extract(hour from occurred_at) as activity_hour,
        max(platform) as platform,
        count(*) as event_count,
        count(distinct app_session_id) as session_count,
        min(occurred_at) as first_event_at,
        max(occurred_at) as last_event_at,
        max(loaded_at) as max_loaded_at
    from app_events
    group by
        device_id,
        account_id,
        event_type,
        feature,
        cast(occurred_at as date),
        extract(hour from occurred_at)

),

final as (

    select
        cast(device_id as {{ dbt.type_string() }}) as device_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(event_type as {{ dbt.type_string() }}) as event_type,
        cast(feature as {{ dbt.type_string() }}) as feature,
        cast(platform as {{ dbt.type_string() }}) as platform,
        cast(activity_hour as integer) as activity_hour,
        cast(event_count as bigint) as event_count,
        cast(session_count as bigint) as session_count,
        cast(first_event_at as timestamp) as first_event_at,
        cast(last_event_at as timestamp) as last_event_at,
        cast(max_loaded_at as timestamp) as max_loaded_at,
        cast(activity_date as date) as activity_date
    from usage_aggregated

)

select * from final
