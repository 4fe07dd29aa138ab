{{
    config(
        materialized='incremental',
        unique_key='session_date',
        partition_by=['session_date'],
        on_schema_change='fail'
    )
}}

{#- One row per app session. The SDK's app_session_id delimits sessions (one device per id, a few minutes
    long in the data); an id silent for var('cdp__session_inactivity_minutes') minutes or more is split, and
    events without an id are sessionised by device with the same gap. No customer_id: the customer is attached
    downstream through identity_event_id (see int_engagement_sessions_attributed). -#}
{%- set session_key = "coalesce(app_session_id, 'device:' || device_id)" %}

with

app_events as (

    select * from {{ ref('stg_app__events') }}
    where {{ cdp_session_days_filter(ref('stg_app__events'), session_key) }}

),

{{ cdp_session_event_ctes('app_events', session_key) }}

sessions as (

    select
        session_key,
        session_number,
        max(app_session_id) as app_session_id,
        max(case when event_position = 1 then device_id end) as device_id,
        max(case when account_id is not null and reverse_position_by_sign_in = 1 then account_id end)
            as account_id,
        max(case when event_position = 1 then event_id end) as first_event_id,
        max(case when reverse_event_position = 1 then event_id end) as last_event_id,
        max(case when account_id is not null and reverse_position_by_sign_in = 1 then event_id end)
            as last_signed_in_event_id,
        max(case when event_position = 1 then platform end) as platform,
        max(case when event_position = 1 then app_version end) as app_version,
        count(*) as event_count,
        sum(case when event_type = 'feature_used' then 1 else 0 end) as feature_use_count,
        count(distinct feature) as distinct_feature_count,
        max(case when event_type = 'login' then 1 else 0 end) as login_flag,
        max(case when event_type = 'purchase' then 1 else 0 end) as purchase_flag,
        min(occurred_at) as started_at,
        max(occurred_at) as ended_at,
        max(loaded_at) as max_loaded_at
    from events_ranked
    group by session_key, session_number

),

rebuilt_sessions as (

    select * from sessions
    where {{ cdp_session_rebuilt_days(ref('stg_app__events'), session_key, 'cast(started_at as date)') }}

),

final as (

    select
        cast({{ dbt.hash("'app|' || first_event_id") }} as string) as session_id,
        cast(app_session_id as string) as app_session_id,
        cast(device_id as string) as device_id,
        cast(account_id as string) as account_id,
        cast(first_event_id as string) as first_event_id,
        cast(last_event_id as string) as last_event_id,
        cast(coalesce(last_signed_in_event_id, first_event_id) as string) as identity_event_id,
        cast(platform as string) as platform,
        cast(app_version as string) as app_version,
        cast(
            {{ dbt.datediff('started_at', 'ended_at', 'second') }}
            as bigint
        ) as duration_seconds,
        cast(event_count as bigint) as event_count,
        cast(feature_use_count as bigint) as feature_use_count,
        cast(distinct_feature_count as bigint) as distinct_feature_count,
        cast(login_flag = 1 as boolean) as has_login,
        cast(purchase_flag = 1 as boolean) as has_purchase,
        cast(started_at as timestamp) as started_at,
        cast(ended_at as timestamp) as ended_at,
        cast(max_loaded_at as timestamp) as max_loaded_at,
        cast(started_at as date) as session_date
    from rebuilt_sessions

)

select * from final
