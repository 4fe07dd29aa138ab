{#- Baskets for market-basket analysis: the distinct items of every completed order, at two levels: `product`
    (product_id) and `category` (product category). Refunded and cancelled orders are no purchase decision kept;
    lines with no product id are left out, a product with no known category has no category item. -#}
with

order_lines as (

    select * from {{ ref('fct_order_lines') }}

),

completed_lines as (

    select
        order_id,
        customer_id,
        product_id,
        product_name,
        category,
        order_date
    from order_lines
    where
        status = 'completed'
        and order_id is not null
        and product_id is not null

),

product_items as (

    select
        'product' as item_level,
        order_id,
        product_id as item_id,
        max(product_name) as item_name,
        max(category) as item_category,
        max(customer_id) as customer_id,
        min(order_date) as order_date
    from completed_lines
    group by order_id, product_id

),

category_items as (

    select
        'category' as item_level,
        order_id,
        category as item_id,
        category as item_name,
        category as item_category,
        max(customer_id) as customer_id,
        min(order_date) as order_date
    from completed_lines
    where category is not null
    group by order_id, category

),

basket_items as (

    select * from product_items
    union all
    select * from category_items

),

final as (

    select
        cast(item_level as {{ dbt.type_string() }}) as item_level,
        cast(order_id as {{ dbt.type_string() }}) as order_id,
        cast(item_id as {{ dbt.type_string() }}) as item_id,
        cast(item_name as {{ dbt.type_string() }}) as item_name,
        cast(item_category as {{ dbt.type_string() }}) as item_category,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(order_date as date) as order_date
    from basket_items

)

select * from final
