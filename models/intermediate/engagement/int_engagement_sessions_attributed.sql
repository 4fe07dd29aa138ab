{#- Every web and app session with the customer it belongs to today: the customer (int_customer_ids) of the
    session's identity event, i.e. of its last signed-in event, else of its first event; customer_id is NULL
    when the event did not resolve. Incremental by session on DuckDB (cdp_sessions_attributed_incremental_config):
    a run writes again the sessions of the days the session facts rebuilt since its last run, the sessions whose
    customer the customer change feed lists, before (stored here) or after (through the identity event), so a
    merge of two customers moves their old sessions too, and the unresolved sessions. A table on Spark. -#}
{{ cdp_sessions_attributed_incremental_config() }}
{%- set from_feed = not cdp_sessions_attributed_unreadable() %}
with

{{ cdp_changed_customers_cte(from_feed) }}

web_sessions as (

    select * from {{ ref('fct_web_sessions') }}

),

app_sessions as (

    select * from {{ ref('fct_app_sessions') }}

),

customer_ids as (

    select * from {{ ref('int_customer_ids') }}

),
{%- if from_feed %}

changed_customer_ids as (

    select * from {{ cdp_changed_customer_rows(ref('int_customer_ids'), from_feed) }}

),

sessions_rewritten as (

    {{ cdp_sessions_of_rebuilt_days() }}
    union
    select session_id from {{ cdp_changed_customer_rows(this, from_feed) }}
    union
    select web_sessions.session_id
    from web_sessions
    inner join changed_customer_ids
        on
            changed_customer_ids.source_table = 'web_events'
            and web_sessions.identity_event_id = changed_customer_ids.record_id
    union
    select app_sessions.session_id
    from app_sessions
    inner join changed_customer_ids
        on
            changed_customer_ids.source_table = 'app_events'
            and app_sessions.identity_event_id = changed_customer_ids.record_id

),
{%- endif %}

web_sessions_rewritten as (

    select web_sessions.*
    from web_sessions
    {%- if from_feed %}
    inner join sessions_rewritten
        on web_sessions.session_id = sessions_rewritten.session_id
    {%- endif %}

),

app_sessions_rewritten as (

    select app_sessions.*
    from app_sessions
    {%- if from_feed %}
    inner join sessions_rewritten
        on app_sessions.session_id = sessions_rewritten.session_id
    {%- endif %}

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
    from web_sessions_rewritten as web_sessions
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
    from app_sessions_rewritten as app_sessions
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
