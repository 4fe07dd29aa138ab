{#- One row per calendar month from the first subscription event to the as-of month: the MRR bridge in the
    reporting currency. starting + new + reactivation + expansion - contraction - churned = ending, and a
    month's starting MRR is the month before's ending MRR (tested). The as-of month is measured up to the as-of
    day (is_complete_month = false). -#}
with

subscription_months as (

    select * from {{ ref('int_subscription_mrr_by_month') }}

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

reporting as (

    select max(reporting_currency) as reporting_currency
    from currency_rates

),

month_bounds as (

    select
        min(subscription_months.month_date) as first_month_date,
        max(cast({{ dbt.date_trunc('month', 'as_of.as_of_date') }} as date)) as last_month_date
    from subscription_months
    cross join as_of

),

month_bounds_indexed as (

    select
        first_month_date,
        extract(year from first_month_date) * 12 + extract(month from first_month_date) as first_month_index,
        extract(year from last_month_date) * 12 + extract(month from last_month_date) as last_month_index
    from month_bounds

),

months as (

    select
        cast({{ dbt.dateadd('month', 'integers.n', 'month_bounds_indexed.first_month_date') }} as date) as month_date
    from month_bounds_indexed
    inner join integers
        on integers.n <= month_bounds_indexed.last_month_index - month_bounds_indexed.first_month_index

),

monthly_movements as (

    select
        month_date,
        sum(starting_mrr_reporting) as starting_mrr,
        sum(new_mrr_reporting) as new_mrr,
        sum(reactivation_mrr_reporting) as reactivation_mrr,
        sum(expansion_mrr_reporting) as expansion_mrr,
        sum(contraction_mrr_reporting) as contraction_mrr,
        sum(churned_mrr_reporting) as churned_mrr,
        sum(ending_mrr_reporting) as ending_mrr,
        sum(case when ending_mrr_reporting > 0 then 1 else 0 end) as paying_subscription_count,
        sum(case when new_mrr_reporting > 0 then 1 else 0 end) as new_subscription_count,
        sum(case when churned_mrr_reporting > 0 then 1 else 0 end) as churned_subscription_count,
        sum(case when last_event_type = 'trial_started' and not is_ended then 1 else 0 end)
            as trial_subscription_count
    from subscription_months
    group by month_date

),

final as (

    select
        cast(reporting.reporting_currency as {{ dbt.type_string() }}) as reporting_currency,
        cast(coalesce(monthly_movements.starting_mrr, 0) as decimal(18, 2)) as starting_mrr,
        cast(coalesce(monthly_movements.new_mrr, 0) as decimal(18, 2)) as new_mrr,
        cast(coalesce(monthly_movements.reactivation_mrr, 0) as decimal(18, 2)) as reactivation_mrr,
        cast(coalesce(monthly_movements.expansion_mrr, 0) as decimal(18, 2)) as expansion_mrr,
        cast(coalesce(monthly_movements.contraction_mrr, 0) as decimal(18, 2)) as contraction_mrr,
        cast(coalesce(monthly_movements.churned_mrr, 0) as decimal(18, 2)) as churned_mrr,
        cast(
            coalesce(monthly_movements.new_mrr, 0)
            + coalesce(monthly_movements.reactivation_mrr, 0)
            + coalesce(monthly_movements.expansion_mrr, 0)
            - coalesce(monthly_movements.contraction_mrr, 0)
            - coalesce(monthly_movements.churned_mrr, 0)
            as decimal(18, 2)
        ) as net_new_mrr,
        cast(coalesce(monthly_movements.ending_mrr, 0) as decimal(18, 2)) as ending_mrr,
        cast(coalesce(monthly_movements.paying_subscription_count, 0) as bigint) as paying_subscription_count,
        cast(coalesce(monthly_movements.new_subscription_count, 0) as bigint) as new_subscription_count,
        cast(coalesce(monthly_movements.churned_subscription_count, 0) as bigint) as churned_subscription_count,
        cast(coalesce(monthly_movements.trial_subscription_count, 0) as bigint) as trial_subscription_count,
        cast(
            cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'months.month_date')) }} as date)
            < as_of.as_of_date as boolean
        ) as is_complete_month,
        cast(months.month_date as date) as month_date
    from months
    cross join reporting
    cross join as_of
    left join monthly_movements
        on months.month_date = monthly_movements.month_date

)

select * from final
