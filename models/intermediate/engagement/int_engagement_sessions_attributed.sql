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

web_sessions as {{ cdp_not_materialized() }} (

    select
        session_id,
        'web_events' as source_table,
        identity_event_id,
        'web' as channel,
        traffic_source,
        duration_seconds,
        event_count,
        page_view_count,
        0 as feature_use_count,
        is_bounce,
        has_purchase,
        session_date,
        started_at,
        ended_at
    from {{ ref('fct_web_sessions') }}

),

app_sessions as {{ cdp_not_materialized() }} (

    select
        session_id,
        'app_events' as source_table,
        identity_event_id,
        'app' as channel,
        cast(null as {{ dbt.type_string() }}) as traffic_source,
        duration_seconds,
        event_count,
        0 as page_view_count,
        feature_use_count,
        false as is_bounce,
        has_purchase,
        session_date,
        started_at,
        ended_at
    from {{ ref('fct_app_sessions') }}

),

sessions as {{ cdp_not_materialized() }} (

    select * from web_sessions
    union all
    select * from app_sessions

),

customer_ids as (

    select * from {{ ref('int_customer_ids') }}

),
{%- if from_feed %}

{#- The sessions of the rebuilt days and the stored sessions of a listed customer (before) or of none: their
    identity events' customers are looked up. #}
sessions_looked_up as (

    {{ cdp_sessions_of_rebuilt_days() }}
    union
    select session_id from {{ cdp_changed_customer_rows(this, from_feed) }}

),

{#- One scan of int_customer_ids reads both the records of the listed customers (after) and the identity events
    looked up. #}
customer_ids_read as (

    select customer_ids.*
    from customer_ids
    where
        customer_ids.source_table in ('web_events', 'app_events')
        and (
            customer_ids.customer_id in (select changed_customers.customer_id from changed_customers)
            or customer_ids.record_id in (
                select sessions.identity_event_id
                from sessions
                inner join sessions_looked_up on sessions.session_id = sessions_looked_up.session_id
            )
        )

),

sessions_rewritten as (

    select session_id from sessions_looked_up
    union
    select sessions.session_id
    from sessions
    inner join customer_ids_read
        on
            sessions.source_table = customer_ids_read.source_table
            and sessions.identity_event_id = customer_ids_read.record_id
    inner join changed_customers
        on customer_ids_read.customer_id = changed_customers.customer_id

),
{%- endif %}

sessions_written as (

    select sessions.*
    from sessions
    {%- if from_feed %}
    inner join sessions_rewritten
        on sessions.session_id = sessions_rewritten.session_id
    {%- endif %}

),

final as (

    select
        sessions_written.session_id,
        customer_ids.customer_id,
        sessions_written.channel,
        sessions_written.traffic_source,
        sessions_written.duration_seconds,
        sessions_written.event_count,
        sessions_written.page_view_count,
        sessions_written.feature_use_count,
        sessions_written.is_bounce,
        sessions_written.has_purchase,
        sessions_written.session_date,
        sessions_written.started_at,
        sessions_written.ended_at,
        {{ cdp_run_stamp() }} as written_at
    from sessions_written
    left join {{ 'customer_ids_read' if from_feed else 'customer_ids' }} as customer_ids
        on
            sessions_written.source_table = customer_ids.source_table
            and sessions_written.identity_event_id = customer_ids.record_id

)

select * from final
