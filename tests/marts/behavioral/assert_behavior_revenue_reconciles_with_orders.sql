{#- Customer revenue and order counts + those of unresolved orders = completed orders of stg_shop__orders, in the
    reporting currency (converted order by order, as fct_orders does). Returns a row when they differ. -#}
with

staged_orders as (

    select * from {{ ref('stg_shop__orders') }}

),

currency_rates as (

    select * from {{ ref('int_currency_rates_to_reporting') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

customers as (

    select * from {{ ref('mart_customer_behavior') }}

),

staged_totals as (

    select
        count(*) as order_count,
        sum({{ cdp_to_reporting_currency('staged_orders.total_amount', 'currency_rates.rate_to_reporting') }})
            as revenue
    from staged_orders
    left join currency_rates
        on staged_orders.currency_code = currency_rates.currency_code
    where staged_orders.status = 'completed'

),

customer_totals as (

    select
        sum(order_count) as order_count,
        sum(revenue) as revenue
    from customers

),

unresolved_totals as (

    select
        sum(case when is_revenue then 1 else 0 end) as order_count,
        sum(revenue_amount_reporting) as revenue
    from orders
    where customer_id is null

)

select
    staged_totals.order_count as staged_order_count,
    staged_totals.revenue as staged_revenue,
    customer_totals.order_count as customer_order_count,
    customer_totals.revenue as customer_revenue,
    unresolved_totals.order_count as unresolved_order_count,
    unresolved_totals.revenue as unresolved_revenue
from staged_totals
cross join customer_totals
cross join unresolved_totals
where
    staged_totals.order_count != customer_totals.order_count + coalesce(unresolved_totals.order_count, 0)
    or staged_totals.revenue != customer_totals.revenue + coalesce(unresolved_totals.revenue, 0)
