{#- Carts per customer + unresolved carts = staged carts, in total and abandoned. Returns a row when they differ. -#}
with

staged_carts as (

    select * from {{ ref('stg_shop__carts') }}

),

carts as (

    select * from {{ ref('fct_carts') }}

),

customers as (

    select * from {{ ref('mart_customer_behavior') }}

),

staged_totals as (

    select
        count(*) as cart_count,
        sum(case when status = 'abandoned' then 1 else 0 end) as abandoned_cart_count
    from staged_carts

),

customer_totals as (

    select
        sum(cart_count) as cart_count,
        sum(abandoned_cart_count) as abandoned_cart_count
    from customers

),

unresolved_totals as (

    select
        count(*) as cart_count,
        sum(case when is_abandoned then 1 else 0 end) as abandoned_cart_count
    from carts
    where customer_id is null

)

select
    staged_totals.cart_count as staged_cart_count,
    customer_totals.cart_count as customer_cart_count,
    unresolved_totals.cart_count as unresolved_cart_count
from staged_totals
cross join customer_totals
cross join unresolved_totals
where
    staged_totals.cart_count != customer_totals.cart_count + unresolved_totals.cart_count
    or staged_totals.abandoned_cart_count
    != customer_totals.abandoned_cart_count + coalesce(unresolved_totals.abandoned_cart_count, 0)
