{#- One row per subscription: plan, lifecycle state on the as-of day (doc block `subscription_lifecycle`),
    start and end, current MRR, and the customer of the subscription's latest event. -#}
with

subscriptions as (

    select * from {{ ref('int_subscription_lifecycles') }}

),

customer_ids as (

    select * from {{ ref('int_customer_ids') }}

),

currency_rates as (

    select * from {{ ref('int_currency_rates_to_reporting') }}

),

subscriptions_resolved as (

    select
        subscriptions.*,
        customer_ids.customer_id,
        currency_rates.reporting_currency,
        currency_rates.rate_to_reporting
    from subscriptions
    left join customer_ids
        on
            customer_ids.source_table = 'billing_subscription_events'
            and subscriptions.last_event_id = customer_ids.record_id
    left join currency_rates
        on subscriptions.currency_code = currency_rates.currency_code

),

final as (

    select
        cast(subscription_id as {{ dbt.type_string() }}) as subscription_id,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(first_plan as {{ dbt.type_string() }}) as first_plan,
        cast(plan as {{ dbt.type_string() }}) as plan,
        cast(status as {{ dbt.type_string() }}) as status,
        cast(end_reason as {{ dbt.type_string() }}) as end_reason,
        cast(last_event_type as {{ dbt.type_string() }}) as last_event_type,
        cast(last_change_type as {{ dbt.type_string() }}) as last_change_type,
        cast(currency_code as {{ dbt.type_string() }}) as currency,
        cast(reporting_currency as {{ dbt.type_string() }}) as reporting_currency,
        cast(mrr_amount as decimal(18, 2)) as mrr_amount,
        {{ cdp_to_reporting_currency('mrr_amount', 'rate_to_reporting') }} as mrr_amount_reporting,
        cast(event_count as integer) as event_count,
        cast(renewal_count as integer) as renewal_count,
        cast(upgrade_count as integer) as upgrade_count,
        cast(downgrade_count as integer) as downgrade_count,
        cast(status in ('trial', 'active', 'upgraded', 'downgraded') as boolean) as is_live,
        cast(status in ('active', 'upgraded', 'downgraded') as boolean) as is_paying,
        cast(activated_at is not null as boolean) as has_converted_from_trial,
        cast(started_at as date) as started_date,
        cast(ended_at as date) as ended_date,
        cast(started_at as timestamp) as started_at,
        cast(trial_started_at as timestamp) as trial_started_at,
        cast(activated_at as timestamp) as activated_at,
        cast(last_billed_at as timestamp) as last_billed_at,
        cast(last_change_at as timestamp) as last_change_at,
        cast(last_event_at as timestamp) as last_event_at,
        cast(next_renewal_due_at as timestamp) as next_renewal_due_at,
        cast(ended_at as timestamp) as ended_at
    from subscriptions_resolved

)

select * from final
