{#- The monthly MRR bridge holds: starting + new + reactivation + expansion - contraction - churned = ending, a
    month starts where the month before ended, and the as-of month ends at the current MRR of fct_subscriptions.
    Returns the months (or the current-MRR check) that break. -#}
with

mrr_monthly as (

    select * from {{ ref('fct_mrr_monthly') }}

),

subscriptions as (

    select * from {{ ref('fct_subscriptions') }}

),

months_compared as (

    select
        month_date,
        starting_mrr,
        ending_mrr,
        starting_mrr + new_mrr + reactivation_mrr + expansion_mrr - contraction_mrr - churned_mrr
            as bridged_ending_mrr,
        lag(ending_mrr) over (order by month_date) as previous_ending_mrr,
        row_number() over (order by month_date desc) as month_recency_rank
    from mrr_monthly

),

current_mrr as (

    select sum(mrr_amount_reporting) as mrr_amount
    from subscriptions

)

select
    months_compared.month_date,
    months_compared.starting_mrr,
    months_compared.ending_mrr,
    months_compared.bridged_ending_mrr,
    months_compared.previous_ending_mrr,
    current_mrr.mrr_amount as current_mrr
from months_compared
cross join current_mrr
where
    months_compared.bridged_ending_mrr != months_compared.ending_mrr
    or months_compared.starting_mrr != coalesce(months_compared.previous_ending_mrr, 0)
    or (months_compared.month_recency_rank = 1 and months_compared.ending_mrr != coalesce(current_mrr.mrr_amount, 0))
