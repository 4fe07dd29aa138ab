{{
    config(
        materialized='incremental',
        unique_key='session_date',
        partition_by=['session_date'],
        on_schema_change='fail'
    )
}}

{#- One row per web session: the events of one cookie (or, without a cookie, one signed-in account) with no
    gap of var('cdp__session_inactivity_minutes') minutes or more between consecutive events. No customer_id:
    the customer is attached downstream through identity_event_id (see int_engagement_sessions_attributed). -#}
{%- set session_key = "coalesce(anonymous_id, 'account:' || account_id)" %}

with

web_events as (

    select * from {{ ref('stg_web__events') }}
    where {{ cdp_session_days_filter(ref('stg_web__events'), session_key) }}

),

{{ cdp_session_event_ctes('web_events', session_key) }}

sessions as (

    select
        session_key,
        session_number,
        max(anonymous_id) as anonymous_id,
        max(case when account_id is not null and reverse_position_by_sign_in = 1 then account_id end)
            as account_id,
        max(case when event_position = 1 then event_id end) as first_event_id,
        max(case when reverse_event_position = 1 then event_id end) as last_event_id,
        max(case when account_id is not null and reverse_position_by_sign_in = 1 then event_id end)
            as last_signed_in_event_id,
        max(case when event_position = 1 then page_host end) as landing_page_host,
        max(case when event_position = 1 then page_path end) as landing_page_path,
        max(case when reverse_event_position = 1 then page_path end) as exit_page_path,
        max(case when event_position = 1 then utm_source end) as utm_source,
        max(case when event_position = 1 then utm_medium end) as utm_medium,
        max(case when event_position = 1 then utm_campaign end) as utm_campaign,
        max(case when event_position = 1 then referrer_host end) as referrer_host,
        max(case when event_position = 1 then device_type end) as device_type,
        sum(case when event_type = 'page_view' then 1 else 0 end) as page_view_count,
        count(*) as event_count,
        max(case when event_type = 'purchase' then 1 else 0 end) as purchase_flag,
        min(occurred_at) as started_at,
        max(occurred_at) as ended_at,
        max(loaded_at) as max_loaded_at
    from events_ranked
    group by session_key, session_number

),

rebuilt_sessions as (

    select * from sessions
    where {{ cdp_session_rebuilt_days(ref('stg_web__events'), session_key, 'cast(started_at as date)') }}

),

final as (

    select
        cast({{ dbt.hash("'web|' || first_event_id") }} as string) as session_id,
        cast(anonymous_id as string) as anonymous_id,
        cast(account_id as string) as account_id,
        cast(first_event_id as string) as first_event_id,
        cast(last_event_id as string) as last_event_id,
        cast(coalesce(last_signed_in_event_id, first_event_id) as string) as identity_event_id,
        cast(landing_page_path as string) as landing_page_path,
        cast(exit_page_path as string) as exit_page_path,
        cast(utm_source as string) as utm_source,
        cast(utm_medium as string) as utm_medium,
        cast(utm_campaign as string) as utm_campaign,
        cast(referrer_host as string) as referrer_host,
        cast({{ cdp_traffic_source('utm_source', 'utm_medium', 'referrer_host', 'landing_page_host') }} as string)
            as traffic_source,
        cast(device_type as string) as device_type,
        cast(
            {{ dbt.datediff('started_at', 'ended_at', 'second') }}
            as bigint
        ) as duration_seconds,
        cast(page_view_count as bigint) as page_view_count,
        cast(event_count as bigint) as event_count,
        cast(page_view_count = 1 and event_count = 1 as boolean) as is_bounce,
        cast(purchase_flag = 1 as boolean) as has_purchase,
        cast(started_at as timestamp) as started_at,
        cast(ended_at as timestamp) as ended_at,
        cast(max_loaded_at as timestamp) as max_loaded_at,
        cast(started_at as date) as session_date
    from rebuilt_sessions

)

select * from final
