{#- Current consent per customer and channel: the last signal of the consent ledger (int_consent_events, in its
    signal_sequence: by time; at the same instant a withdrawal wins, then the consent platform, then the larger
    event id). The one place marts and audiences read consent from. A channel without any signal is absent here
    (unknown, which every consumer must treat as not granted). Incremental by customer on DuckDB: a run
    rewrites the customers whose records changed since it last read the customer change feed
    (cdp_customer_changes), the same customers whose ledger rows the ledger rewrote; a table on Spark. -#}
{{ cdp_customer_incremental_config() }}
{%- set from_feed = not cdp_customer_changes_unreadable(ref('int_customer_ids')) %}

with

{{ cdp_changed_customers_cte(from_feed) }}

consent_signals as (

    select * from {{ cdp_changed_customer_rows(ref('int_consent_events'), from_feed) }}

),

signals_ranked as (

    select
        customer_id,
        channel,
        status,
        collected_via,
        source_table,
        source_event_id,
        occurred_at,
        signal_sequence,
        max(signal_sequence) over (partition by customer_id, channel) as event_count
    from consent_signals
    where customer_id is not null

),

final as (

    select
        customer_id,
        channel,
        status as consent_status,
        status = 'granted' as is_granted,
        collected_via,
        source_event_id as consent_event_id,
        source_table,
        cast(event_count as {{ dbt.type_bigint() }}) as event_count,
        occurred_at as consent_updated_at
    from signals_ranked
    where signal_sequence = event_count

)

select * from final
