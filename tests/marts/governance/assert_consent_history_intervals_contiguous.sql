{#- The intervals of fct_consent_history, per customer and channel, are numbered 1..n without a gap, each one
    starts where the previous one ended (contiguous, never overlapping, never going back in time), only the last
    one is open (valid_to NULL, is_current), and that one holds the state of int_consent_current. Returns one row
    per broken interval or mismatched current state. -#}
with

history as (

    select * from {{ ref('fct_consent_history') }}

),

consent_current as (

    select * from {{ ref('int_consent_current') }}

),

intervals_checked as (

    select
        customer_id,
        channel,
        interval_number,
        valid_from,
        valid_to,
        is_current,
        lag(valid_to) over (partition by customer_id, channel order by interval_number) as previous_valid_to,
        lag(interval_number) over (partition by customer_id, channel order by interval_number)
            as previous_interval_number,
        max(interval_number) over (partition by customer_id, channel) as last_interval_number
    from history

),

broken_intervals as (

    select
        customer_id,
        channel,
        interval_number,
        'interval' as failure
    from intervals_checked
    where
        coalesce(previous_interval_number, 0) != interval_number - 1
        or (previous_interval_number is not null and previous_valid_to != valid_from)
        or valid_to < valid_from
        or (interval_number = last_interval_number) != (valid_to is null)
        or is_current != (valid_to is null)

),

current_intervals as (

    select * from history
    where is_current

),

current_mismatches as (

    select
        coalesce(history.customer_id, consent_current.customer_id) as customer_id,
        coalesce(history.channel, consent_current.channel) as channel,
        history.interval_number,
        'current_state' as failure
    from current_intervals as history
    full outer join consent_current
        on
            history.customer_id = consent_current.customer_id
            and history.channel = consent_current.channel
    where
        history.customer_id is null
        or consent_current.customer_id is null
        or history.status != consent_current.consent_status
        or history.valid_from != consent_current.consent_updated_at
        or history.source_table != consent_current.source_table
        or history.source_event_id != consent_current.consent_event_id
        or history.interval_number != consent_current.event_count

)

select * from broken_intervals
union all
select * from current_mismatches
