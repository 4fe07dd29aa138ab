{#- Current consent per customer and channel: the latest consent event wins (ties: the later event id). The one
    place marts and audiences read consent from. A channel without any event is absent here (unknown, which
    every consumer must treat as not granted). Incremental by customer on DuckDB: a run rewrites the customers
    whose records changed since it last read the customer change feed (cdp_customer_changes); a table on
    Spark. -#}
{{ cdp_customer_incremental_config() }}
{%- set from_feed = not cdp_customer_changes_unreadable(ref('int_customer_ids')) %}

with

{{ cdp_changed_customers_cte(from_feed) }}

consent_events as (

    select * from {{ ref('stg_privacy__consent_events') }}

),

customer_ids as (

    select * from {{ cdp_changed_customer_rows(ref('int_customer_ids'), from_feed) }}

),

resolved_events as (

    select
        customer_ids.customer_id,
        consent_events.channel,
        consent_events.status,
        consent_events.collected_via,
        consent_events.consent_event_id,
        consent_events.occurred_at,
        row_number() over (
            partition by customer_ids.customer_id, consent_events.channel
            order by consent_events.occurred_at desc, consent_events.consent_event_id desc
        ) as recency_rank,
        count(*) over (
            partition by customer_ids.customer_id, consent_events.channel
        ) as event_count
    from consent_events
    inner join customer_ids
        on
            customer_ids.source_table = 'privacy_consent_events'
            and consent_events.consent_event_id = customer_ids.record_id

),

final as (

    select
        customer_id,
        channel,
        status as consent_status,
        status = 'granted' as is_granted,
        collected_via,
        consent_event_id,
        event_count,
        occurred_at as consent_updated_at
    from resolved_events
    where recency_rank = 1

)

select * from final
