{#- fct_orders keeps every staged order: same rows, and the same amount paid per channel, status and currency.
    Returns the groups that differ. -#}
with

staged_orders as (

    select * from {{ ref('stg_shop__orders') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

staged_totals as (

    select
        channel,
        status,
        currency_code as currency,
        count(*) as order_count,
        sum(total_amount) as total_amount
    from staged_orders
    group by channel, status, currency_code

),

fact_totals as (

    select
        channel,
        status,
        currency,
        count(*) as order_count,
        sum(total_amount) as total_amount
    from orders
    group by channel, status, currency

)

select
    coalesce(staged_totals.channel, fact_totals.channel) as channel,
    coalesce(staged_totals.status, fact_totals.status) as status,
    coalesce(staged_totals.currency, fact_totals.currency) as currency,
    staged_totals.order_count as staged_order_count,
    fact_totals.order_count as fact_order_count,
    staged_totals.total_amount as staged_total_amount,
    fact_totals.total_amount as fact_total_amount
from staged_totals
full outer join fact_totals
    on
        staged_totals.channel = fact_totals.channel
        and staged_totals.status = fact_totals.status
        and staged_totals.currency = fact_totals.currency
where
    staged_totals.order_count is null
    or fact_totals.order_count is null
    or staged_totals.order_count != fact_totals.order_count
    or coalesce(staged_totals.total_amount, 0) != coalesce(fact_totals.total_amount, 0)
