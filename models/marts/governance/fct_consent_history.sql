{#- Consent history: one validity interval per consent signal of the ledger (int_consent_events), per customer
    and channel. An interval holds the state its signal set, from the signal (valid_from, inclusive) until the
    next signal of the same customer and channel (valid_to, exclusive; NULL for the current state): the
    intervals of a customer and channel are contiguous and never overlap. A signal that repeats the state
    (a second grant) opens a new interval, so every interval names the evidence behind it; two signals at the
    same instant leave the one that lost the tie (int_consent_events.signal_sequence) a zero-length interval.
    "Did we have consent to e-mail X on D?": the interval with valid_from <= D < coalesce(valid_to, infinity)
    (docs/governance/consent.md). Incremental by customer on DuckDB through the customer change feed, like the
    ledger; a table on Spark. -#}
{{ cdp_customer_incremental_config() }}
{%- set from_feed = not cdp_customer_changes_unreadable(ref('int_customer_ids')) %}

with

{{ cdp_changed_customers_cte(from_feed) }}

consent_signals as (

    select * from {{ cdp_changed_customer_rows(ref('int_consent_events'), from_feed) }}

),

intervals as (

    select
        record_key,
        customer_id,
        channel,
        signal_sequence,
        status,
        source_table,
        source_event_id,
        collected_via,
        occurred_at as valid_from,
        lead(occurred_at) over (
            partition by customer_id, channel order by signal_sequence
        ) as valid_to,
        lag(status) over (
            partition by customer_id, channel order by signal_sequence
        ) as previous_status
    from consent_signals
    where customer_id is not null

),

final as (

    select
        cast(record_key as {{ dbt.type_string() }}) as consent_signal_key,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(channel as {{ dbt.type_string() }}) as channel,
        cast(signal_sequence as integer) as interval_number,
        cast(status as {{ dbt.type_string() }}) as status,
        cast(status = 'granted' as boolean) as is_granted,
        cast(previous_status as {{ dbt.type_string() }}) as previous_status,
        cast(previous_status is null or previous_status != status as boolean) as is_status_change,
        cast(source_table as {{ dbt.type_string() }}) as source_table,
        cast(source_event_id as {{ dbt.type_string() }}) as source_event_id,
        cast(collected_via as {{ dbt.type_string() }}) as collected_via,
        cast(valid_from as {{ dbt.type_timestamp() }}) as valid_from,
        cast(valid_to as {{ dbt.type_timestamp() }}) as valid_to,
        cast(valid_to is null as boolean) as is_current
    from intervals

)

select * from final
