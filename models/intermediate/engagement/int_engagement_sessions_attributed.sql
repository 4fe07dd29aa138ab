{#- Every web and app session with the customer it belongs to today: the customer (int_customer_ids) of the
    session's identity event, i.e. of its last signed-in event, else of its first event. Rebuilt every run, so
    a merge of two customers moves their old sessions too; customer_id is NULL when the event did not resolve. -#}
with

web_sessions as (

    select * from {{ ref('fct_web_sessions') }}

),

app_sessions as (

    select * from {{ ref('fct_app_sessions') }}

),

customer_ids as (

    select * from {{ ref('int_customer_ids') }}

),

web_sessions_attributed as (

    select
        web_sessions.session_id,
        customer_ids.customer_id,
        'web' as channel,
        web_sessions.traffic_source,
        web_sessions.duration_seconds,
        web_sessions.event_count,
        web_sessions.page_view_count,
        0 as feature_use_count,
        web_sessions.is_bounce,
        web_sessions.has_purchase,
        web_sessions.session_date,
        web_sessions.started_at,
        web_sessions.ended_at
    from web_sessions
    left join customer_ids
        on
            customer_ids.source_table = 'web_events'
            and web_sessions.identity_event_id = customer_ids.record_id

),

app_sessions_attributed as (

    select
        app_sessions.session_id,
        customer_ids.customer_id,
        'app' as channel,
        cast(null as {{ dbt.type_string() }}) as traffic_source,
        app_sessions.duration_seconds,
        app_sessions.event_count,
        0 as page_view_count,
        app_sessions.feature_use_count,
        false as is_bounce,
        app_sessions.has_purchase,
        app_sessions.session_date,
        app_sessions.started_at,
        app_sessions.ended_at
    from app_sessions
    left join customer_ids
        on
            customer_ids.source_table = 'app_events'
            and app_sessions.identity_event_id = customer_ids.record_id

),

final as (

    select * from web_sessions_attributed
    union all
    select * from app_sessions_attributed

)

select * from final
