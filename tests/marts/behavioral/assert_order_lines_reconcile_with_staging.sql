{#- fct_order_lines has exactly the rows of stg_shop__order_lines, with the same quantities and line amounts, and
    the lines of each order add up to the order's item_count in fct_orders. Returns a row per broken check. -#}
with

staged_lines as (

    select * from {{ ref('stg_shop__order_lines') }}

),

order_lines as (

    select * from {{ ref('fct_order_lines') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

staged_totals as (

    select
        count(*) as line_count,
        sum(quantity) as quantity,
        sum(line_amount) as line_amount
    from staged_lines

),

fact_totals as (

    select
        count(*) as line_count,
        sum(quantity) as quantity,
        sum(line_amount) as line_amount
    from order_lines

),

totals_compared as (

    select 'line totals differ from staging' as failure
    from staged_totals
    cross join fact_totals
    where
        staged_totals.line_count != fact_totals.line_count
        or staged_totals.quantity != fact_totals.quantity
        or staged_totals.line_amount != fact_totals.line_amount

),

items_by_order as (

    select
        order_id,
        sum(quantity) as item_count
    from order_lines
    group by order_id

),

items_compared as (

    select 'item_count of an order differs from its lines' as failure
    from orders
    left join items_by_order
        on orders.order_id = items_by_order.order_id
    where orders.item_count != coalesce(items_by_order.item_count, 0)

)

select failure from totals_compared
union all
select failure from items_compared
