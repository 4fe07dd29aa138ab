{#- One row per subscription and calendar month from the month it started to the month it ended (or the as-of
    month): its MRR at the end of the month (the as-of day for the current month) and the MRR movement against
    the month before (new, reactivation, expansion, contraction, churn). MRR at a day is the mrr_amount of the
    subscription's last event on or before that day, and 0 from the day the subscription ended
    (int_subscription_lifecycles.ended_at): a renewal that arrives late, after a gap, keeps the subscription
    continuous; only a subscription that never renews again churns, on its renewal due day. -#}
with

subscription_events as (

    select * from {{ ref('stg_billing__subscription_events') }}

),

subscriptions as (

    select * from {{ ref('int_subscription_lifecycles') }}

),

currency_rates as (

    select * from {{ ref('int_currency_rates_to_reporting') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

integers as (

    {{ cdp_integers(1200) }}

),

subscription_months_bounds as (

    select
        subscriptions.subscription_id,
        subscriptions.currency_code,
        cast(subscriptions.ended_at as date) as ended_date,
        cast({{ dbt.date_trunc('month', 'subscriptions.started_at') }} as date) as first_month_date,
        cast({{ dbt.date_trunc('month', 'coalesce(cast(subscriptions.ended_at as date), as_of.as_of_date)') }} as date)
            as last_month_date,
        as_of.as_of_date
    from subscriptions
    cross join as_of

),

subscription_months_indexed as (

    select
        *,
        extract(year from first_month_date) * 12 + extract(month from first_month_date) as first_month_index,
        extract(year from last_month_date) * 12 + extract(month from last_month_date) as last_month_index
    from subscription_months_bounds

),

subscription_months as (

    select
        subscription_months_indexed.subscription_id,
        subscription_months_indexed.currency_code,
        subscription_months_indexed.ended_date,
        cast({{ dbt.dateadd('month', 'integers.n', 'subscription_months_indexed.first_month_date') }} as date)
            as month_date,
        subscription_months_indexed.as_of_date
    from subscription_months_indexed
    inner join integers
        on integers.n <= subscription_months_indexed.last_month_index - subscription_months_indexed.first_month_index

),

subscription_snapshots as (

    select
        subscription_id,
        currency_code,
        ended_date,
        month_date,
        least(
            cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'month_date')) }} as date),
            as_of_date
        ) as snapshot_date
    from subscription_months

),

event_intervals as (

    select
        subscription_id,
        plan,
        event_type,
        mrr_amount,
        cast(occurred_at as date) as valid_from_date,
        lead(cast(occurred_at as date)) over (
            partition by subscription_id
            order by occurred_at, subscription_event_id
        ) as valid_until_date
    from subscription_events

),

snapshots_valued as (

    select
        subscription_snapshots.subscription_id,
        subscription_snapshots.month_date,
        subscription_snapshots.snapshot_date,
        event_intervals.plan,
        event_intervals.event_type,
        coalesce(subscription_snapshots.ended_date <= subscription_snapshots.snapshot_date, false) as is_ended,
        case
            when subscription_snapshots.ended_date <= subscription_snapshots.snapshot_date then 0
            else coalesce(event_intervals.mrr_amount, 0)
        end as mrr_amount,
        subscription_snapshots.currency_code,
        currency_rates.reporting_currency,
        currency_rates.rate_to_reporting
    from subscription_snapshots
    left join event_intervals
        on
            subscription_snapshots.subscription_id = event_intervals.subscription_id
            and subscription_snapshots.snapshot_date >= event_intervals.valid_from_date
            and (
                event_intervals.valid_until_date is null
                or subscription_snapshots.snapshot_date < event_intervals.valid_until_date
            )
    left join currency_rates
        on subscription_snapshots.currency_code = currency_rates.currency_code

),

snapshots_converted as (

    select
        subscription_id,
        month_date,
        snapshot_date,
        plan,
        event_type,
        is_ended,
        currency_code,
        reporting_currency,
        mrr_amount,
        {{ cdp_to_reporting_currency('mrr_amount', 'rate_to_reporting') }} as mrr_amount_reporting
    from snapshots_valued

),

snapshots_compared as (

    select
        *,
        coalesce(
            lag(mrr_amount_reporting) over (partition by subscription_id order by month_date),
            cast(0 as decimal(18, 2))
        ) as previous_mrr_amount_reporting,
        coalesce(
            max(case when mrr_amount_reporting > 0 then 1 else 0 end) over (
                partition by subscription_id
                order by month_date
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) as was_paying_before
    from snapshots_converted

),

final as (

    select
        cast(subscription_id as {{ dbt.type_string() }}) as subscription_id,
        cast(plan as {{ dbt.type_string() }}) as plan,
        cast(event_type as {{ dbt.type_string() }}) as last_event_type,
        cast(currency_code as {{ dbt.type_string() }}) as currency_code,
        cast(reporting_currency as {{ dbt.type_string() }}) as reporting_currency,
        cast(mrr_amount as decimal(18, 2)) as mrr_amount,
        cast(previous_mrr_amount_reporting as decimal(18, 2)) as starting_mrr_reporting,
        cast(mrr_amount_reporting as decimal(18, 2)) as ending_mrr_reporting,
        cast(
            case
                when previous_mrr_amount_reporting = 0 and mrr_amount_reporting > 0 and was_paying_before = 0
                    then mrr_amount_reporting
                else 0
            end as decimal(18, 2)
        ) as new_mrr_reporting,
        cast(
            case
                when previous_mrr_amount_reporting = 0 and mrr_amount_reporting > 0 and was_paying_before = 1
                    then mrr_amount_reporting
                else 0
            end as decimal(18, 2)
        ) as reactivation_mrr_reporting,
        cast(
            case
                when previous_mrr_amount_reporting > 0 and mrr_amount_reporting > previous_mrr_amount_reporting
                    then mrr_amount_reporting - previous_mrr_amount_reporting
                else 0
            end as decimal(18, 2)
        ) as expansion_mrr_reporting,
        cast(
            case
                when mrr_amount_reporting > 0 and mrr_amount_reporting < previous_mrr_amount_reporting
                    then previous_mrr_amount_reporting - mrr_amount_reporting
                else 0
            end as decimal(18, 2)
        ) as contraction_mrr_reporting,
        cast(
            case
                when previous_mrr_amount_reporting > 0 and mrr_amount_reporting = 0
                    then previous_mrr_amount_reporting
                else 0
            end as decimal(18, 2)
        ) as churned_mrr_reporting,
        cast(is_ended as boolean) as is_ended,
        cast(month_date as date) as month_date,
        cast(snapshot_date as date) as snapshot_date
    from snapshots_compared

)

select * from final
