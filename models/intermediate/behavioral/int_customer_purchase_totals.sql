{#- The per-customer purchase part of mart_customer_behavior, one row per customer with a resolved order or cart:
    orders placed, completed (revenue), refunded and cancelled, revenue in the reporting currency, first and last
    completed order, and cart outcomes. Nothing here depends on the as-of day or on other customers (the mart
    scores recency and RFM over the population itself), so it is incremental by customer on DuckDB: a run
    rewrites the customers whose records changed since it last read the customer change feed
    (cdp_customer_changes); a table on Spark. -#}
{{ cdp_customer_incremental_config() }}
{%- set from_feed = not cdp_customer_changes_unreadable(ref('int_customer_ids')) %}

with

{{ cdp_changed_customers_cte(from_feed) }}

orders as (

    select * from {{ cdp_changed_customer_rows(ref('fct_orders'), from_feed) }}
    where customer_id is not null

),

carts as (

    select * from {{ cdp_changed_customer_rows(ref('fct_carts'), from_feed) }}
    where customer_id is not null

),

{# Purchases: completed orders only. A refunded order was paid back in full and a cancelled one never paid, so
    neither counts in revenue, order count, recency or frequency (they are counted apart). -#}

customer_orders as (

    select
        customer_id,
        count(*) as orders_placed_count,
        sum(case when is_revenue then 1 else 0 end) as order_count,
        sum(case when status = 'refunded' then 1 else 0 end) as refunded_order_count,
        sum(case when status = 'cancelled' then 1 else 0 end) as cancelled_order_count,
        sum(revenue_amount_reporting) as revenue,
        min(case when is_revenue then ordered_at end) as first_order_at,
        max(case when is_revenue then ordered_at end) as last_order_at
    from orders
    group by customer_id

),

customer_carts as (

    select
        customer_id,
        count(*) as cart_count,
        sum(case when is_abandoned then 1 else 0 end) as abandoned_cart_count,
        sum(case when is_converted then 1 else 0 end) as converted_cart_count
    from carts
    group by customer_id

),

customers as (

    select customer_id from customer_orders
    union
    select customer_id from customer_carts

),

final as (

    select
        customers.customer_id,
        cast(coalesce(customer_orders.orders_placed_count, 0) as bigint) as orders_placed_count,
        cast(coalesce(customer_orders.order_count, 0) as bigint) as order_count,
        cast(coalesce(customer_orders.refunded_order_count, 0) as bigint) as refunded_order_count,
        cast(coalesce(customer_orders.cancelled_order_count, 0) as bigint) as cancelled_order_count,
        customer_orders.revenue,
        customer_orders.first_order_at,
        customer_orders.last_order_at,
        cast(coalesce(customer_carts.cart_count, 0) as bigint) as cart_count,
        cast(coalesce(customer_carts.abandoned_cart_count, 0) as bigint) as abandoned_cart_count,
        cast(coalesce(customer_carts.converted_cart_count, 0) as bigint) as converted_cart_count
    from customers
    left join customer_orders on customers.customer_id = customer_orders.customer_id
    left join customer_carts on customers.customer_id = customer_carts.customer_id

)

select * from final
