{#- Baskets for market-basket analysis: the distinct items of every completed order, at two levels: `product`
    (product_id) and `category` (product category). Refunded and cancelled orders are no purchase decision kept;
    lines with no product id are left out, a product with no known category has no category item.
    Incremental by order on DuckDB (cdp_customer_incremental_config): a run writes again every order with a line
    of a customer the customer change feed lists since it last read it (a new, re-delivered, refunded, moved
    or purged order lists its customers, before and after) or of no customer, and every order holding a
    product loaded since its last build (a re-delivered product may have a new name or category); its pre-hooks
    delete those orders' rows and the rows of the listed customers (cdp_basket_items_incremental_config). A
    table on Spark. -#}
{{ cdp_basket_items_incremental_config() }}
-- depends_on: {{ ref('stg_shop__products') }}
{%- set from_feed = not cdp_customer_changes_unreadable(ref('int_customer_ids')) %}
with

{{ cdp_changed_customers_cte(from_feed) }}

order_lines as (

    select * from {{ ref('fct_order_lines') }}

),
{%- if from_feed %}

orders_rewritten as (

    select order_id from {{ cdp_changed_customer_rows(ref('fct_order_lines'), from_feed) }}
    union
    {{ cdp_basket_orders_of_reloaded_products() }}

),
{%- endif %}

completed_lines as (

    select
        order_lines.order_id,
        order_lines.customer_id,
        order_lines.product_id,
        order_lines.product_name,
        order_lines.category,
        order_lines.order_date
    from order_lines
    {%- if from_feed %}
    inner join orders_rewritten
        on order_lines.order_id = orders_rewritten.order_id
    {%- endif %}
    where
        order_lines.status = 'completed'
        and order_lines.order_id is not null
        and order_lines.product_id is not null

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
