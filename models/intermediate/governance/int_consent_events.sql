{#- The consent ledger: one row per consent signal of any source, resolved to its customer, in the one shape every
    consent consumer reads (int_consent_current, fct_consent_history). Sources and their mapping
    (docs/governance/consent.md):
      * privacy_consent_events (the consent platform): every event, its own channel, status and collected_via;
      * esp_email_events: an `unsubscribe` withdraws the `email` channel (collected_via `esp_unsubscribe`); a
        bounce, hard or soft, is deliverability, not consent, and is left out, as are the other event types.
    `signal_sequence` orders the signals of one customer and channel, the last one being the current state:
    by occurred_at; at the same instant a withdrawal comes after a grant (it wins: when in doubt, no
    consent), then the consent platform after the ESP, then the larger source event id.
    Incremental by customer on DuckDB (cdp_customer_incremental_config): a run rewrites the signals of the
    customers the customer change feed lists since it last read it. Both sources are identity sources
    (int_identity_records / int_customer_ids), so a new or re-delivered signal is a rewritten identity record
    and its customer is listed; a table on Spark. -#}
{{ cdp_customer_incremental_config() }}
{%- set from_feed = not cdp_customer_changes_unreadable(ref('int_customer_ids')) %}

with

{{ cdp_changed_customers_cte(from_feed) }}

consent_events as (

    select * from {{ ref('stg_privacy__consent_events') }}

),

email_events as (

    select * from {{ ref('stg_esp__email_events') }}
    where event_type = 'unsubscribe'

),

customer_ids as (

    select * from {{ cdp_changed_customer_rows(ref('int_customer_ids'), from_feed) }}
    where source_table in ('privacy_consent_events', 'esp_email_events')

),

signals_stacked as (

    select
        'privacy_consent_events' as source_table,
        cast(consent_event_id as {{ dbt.type_string() }}) as source_event_id,
        channel,
        status,
        collected_via,
        occurred_at,
        2 as source_precedence
    from consent_events

    union all

    select
        'esp_email_events' as source_table,
        cast(email_event_id as {{ dbt.type_string() }}) as source_event_id,
        'email' as channel,
        'withdrawn' as status,
        'esp_unsubscribe' as collected_via,
        occurred_at,
        1 as source_precedence
    from email_events

),

signals_resolved as (

    select
        customer_ids.record_key,
        customer_ids.customer_id,
        signals_stacked.channel,
        signals_stacked.status,
        signals_stacked.source_table,
        signals_stacked.source_event_id,
        signals_stacked.collected_via,
        signals_stacked.occurred_at,
        signals_stacked.source_precedence
    from signals_stacked
    inner join customer_ids
        on
            signals_stacked.source_table = customer_ids.source_table
            and signals_stacked.source_event_id = customer_ids.record_id
    where customer_ids.customer_id is not null

),

final as (

    select
        record_key,
        customer_id,
        channel,
        status,
        status = 'granted' as is_granted,
        source_table,
        source_event_id,
        collected_via,
        cast(occurred_at as {{ dbt.type_timestamp() }}) as occurred_at,
        cast(row_number() over (
            partition by customer_id, channel
            order by
                occurred_at,
                case when status = 'withdrawn' then 1 else 0 end,
                source_precedence,
                source_event_id
        ) as integer) as signal_sequence
    from signals_resolved

)

select * from final
