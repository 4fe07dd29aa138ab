{#- One row per subscription: its event history summed up and its lifecycle state on the as-of day, by the rules
    of the doc block `subscription_lifecycle` (models/marts/behavioral/_behavioral__docs.md). -#}
{%- set trial_days = var('cdp__subscription_trial_days', 14) -%}
{%- set period_days = var('cdp__subscription_billing_period_days', 30) -%}
{%- set grace_days = var('cdp__subscription_grace_days', 7) -%}

with

subscription_events as (

    select * from {{ ref('stg_billing__subscription_events') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

events_ranked as (

    select
        *,
        row_number() over (
            partition by subscription_id
            order by occurred_at desc, subscription_event_id desc
        ) as recency_rank,
        row_number() over (
            partition by subscription_id
            order by occurred_at, subscription_event_id
        ) as sequence_number,
        row_number() over (
            partition by subscription_id, event_type = 'renewed'
            order by occurred_at desc, subscription_event_id desc
        ) as change_recency_rank
    from subscription_events

),

subscription_summaries as (

    select
        subscription_id,
        count(*) as event_count,
        sum(case when event_type = 'renewed' then 1 else 0 end) as renewal_count,
        sum(case when event_type = 'upgraded' then 1 else 0 end) as upgrade_count,
        sum(case when event_type = 'downgraded' then 1 else 0 end) as downgrade_count,
        min(occurred_at) as started_at,
        min(case when event_type = 'trial_started' then occurred_at end) as trial_started_at,
        min(case when event_type = 'activated' then occurred_at end) as activated_at,
        max(case when event_type in ('activated', 'renewed') then occurred_at end) as last_billed_at
    from subscription_events
    group by subscription_id

),

first_events as (

    select
        subscription_id,
        plan as first_plan
    from events_ranked
    where sequence_number = 1

),

last_events as (

    select
        subscription_id,
        subscription_event_id as last_event_id,
        account_id,
        plan,
        currency_code,
        event_type as last_event_type,
        mrr_amount as last_mrr_amount,
        occurred_at as last_event_at
    from events_ranked
    where recency_rank = 1

),

last_changes as (

    select
        subscription_id,
        event_type as last_change_type,
        occurred_at as last_change_at
    from events_ranked
    where event_type != 'renewed' and change_recency_rank = 1

),

subscriptions_joined as (

    select
        last_events.subscription_id,
        last_events.last_event_id,
        last_events.account_id,
        first_events.first_plan,
        last_events.plan,
        last_events.currency_code,
        last_events.last_event_type,
        last_changes.last_change_type,
        last_events.last_mrr_amount,
        subscription_summaries.event_count,
        subscription_summaries.renewal_count,
        subscription_summaries.upgrade_count,
        subscription_summaries.downgrade_count,
        subscription_summaries.started_at,
        subscription_summaries.trial_started_at,
        subscription_summaries.activated_at,
        subscription_summaries.last_billed_at,
        last_events.last_event_at,
        last_changes.last_change_at,
        {{ dbt.dateadd('day', trial_days, 'last_events.last_event_at') }} as trial_ends_at,
        {{ dbt.dateadd('day', period_days, 'subscription_summaries.last_billed_at') }} as renewal_due_at,
        as_of.as_of_date
    from last_events
    inner join subscription_summaries
        on last_events.subscription_id = subscription_summaries.subscription_id
    inner join first_events
        on last_events.subscription_id = first_events.subscription_id
    left join last_changes
        on last_events.subscription_id = last_changes.subscription_id
    cross join as_of

),

subscriptions_classified as (

    select
        *,
        case
            when last_event_type = 'cancelled' then 'cancelled'
            when last_event_type = 'expired' then 'trial_expired'
            when last_event_type = 'trial_started'
                and as_of_date > cast({{ dbt.dateadd('day', grace_days, 'trial_ends_at') }} as date)
                then 'trial_not_converted'
            when last_event_type in ('activated', 'renewed', 'upgraded', 'downgraded')
                and as_of_date > cast({{ dbt.dateadd('day', grace_days, 'renewal_due_at') }} as date)
                then 'not_renewed'
        end as end_reason
    from subscriptions_joined

),

final as (

    select
        subscription_id,
        last_event_id,
        account_id,
        first_plan,
        plan,
        currency_code,
        case
            when end_reason = 'cancelled' then 'cancelled'
            when end_reason is not null then 'churned'
            when last_event_type = 'trial_started' then 'trial'
            when last_change_type in ('upgraded', 'downgraded') then last_change_type
            else 'active'
        end as status,
        end_reason,
        last_event_type,
        last_change_type,
        case when end_reason is null then last_mrr_amount else 0 end as mrr_amount,
        event_count,
        renewal_count,
        upgrade_count,
        downgrade_count,
        started_at,
        trial_started_at,
        activated_at,
        last_billed_at,
        last_change_at,
        last_event_at,
        case when end_reason is null and last_event_type != 'trial_started' then renewal_due_at end
            as next_renewal_due_at,
        case
            when end_reason in ('cancelled', 'trial_expired') then last_event_at
            when end_reason = 'trial_not_converted' then trial_ends_at
            when end_reason = 'not_renewed' then renewal_due_at
        end as ended_at
    from subscriptions_classified

)

select * from final
