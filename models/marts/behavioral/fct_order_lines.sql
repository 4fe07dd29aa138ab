{#- One row per order line with the product (name, category, brand), the order's channel, status, time and
    currency, and the resolved customer. Every staged line is kept: a line whose order or product is
    quarantined has NULL order or product attributes. Incremental by customer on DuckDB
    (cdp_customer_incremental_config): a run rewrites every line of the customers the customer change feed lists
    since it last read it (a line, and its order, are identity records of one customer: a new line or a
    re-delivered order lists it) and the unresolved lines, and every line of the products loaded since its last
    build (new, or re-delivered with new attributes: cdp_loaded_since_last_build); a table on Spark. -#}
{{ cdp_customer_incremental_config(reloaded_inputs={'stg_shop__products': 'product_id'}) }}
{%- set from_feed = not cdp_customer_changes_unreadable(ref('int_customer_ids')) %}
with

{{ cdp_changed_customers_cte(from_feed) }}

order_lines as (

    select * from {{ ref('stg_shop__order_lines') }}

),

orders as (

    select * from {{ ref('stg_shop__orders') }}

),

products as (

    select * from {{ ref('stg_shop__products') }}

),

customer_ids as (

    select * from {{ ref('int_customer_ids') }}
    where source_table = 'shop_order_lines'

),

currency_rates as (

    select * from {{ ref('int_currency_rates_to_reporting') }}

),

lines_enriched as (

    select
        order_lines.order_line_id,
        order_lines.order_id,
        customer_ids.customer_id,
        order_lines.product_id,
        products.product_name,
        products.category,
        products.brand,
        orders.channel,
        orders.status,
        orders.currency_code,
        currency_rates.reporting_currency,
        order_lines.quantity,
        order_lines.unit_price,
        order_lines.discount_amount,
        order_lines.line_amount,
        currency_rates.rate_to_reporting,
        coalesce(orders.status = 'completed', false) as is_revenue,
        orders.ordered_at
    from order_lines
    left join orders
        on order_lines.order_id = orders.order_id
    left join products
        on order_lines.product_id = products.product_id
    left join customer_ids
        on order_lines.order_line_id = customer_ids.record_id
    left join currency_rates
        on orders.currency_code = currency_rates.currency_code
    {%- if from_feed %}
    where
        {{ cdp_in_changed_customers(from_feed, 'customer_ids.customer_id') }}
        or order_lines.product_id in ({{ cdp_loaded_since_last_build(ref('stg_shop__products'), 'product_id') }})
    {%- endif %}

),

final as (

    select
        cast(order_line_id as {{ dbt.type_string() }}) as order_line_id,
        cast(order_id as {{ dbt.type_string() }}) as order_id,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(product_id as {{ dbt.type_string() }}) as product_id,
        cast(product_name as {{ dbt.type_string() }}) as product_name,
        cast(category as {{ dbt.type_string() }}) as category,
        cast(brand as {{ dbt.type_string() }}) as brand,
        cast(channel as {{ dbt.type_string() }}) as channel,
        cast(status as {{ dbt.type_string() }}) as status,
        cast(currency_code as {{ dbt.type_string() }}) as currency,
        cast(reporting_currency as {{ dbt.type_string() }}) as reporting_currency,
        cast(quantity as integer) as quantity,
        cast(unit_price as decimal(18, 2)) as unit_price,
        cast(discount_amount as decimal(18, 2)) as discount_amount,
        cast(line_amount as decimal(18, 2)) as line_amount,
        {{ cdp_to_reporting_currency('line_amount', 'rate_to_reporting') }} as line_amount_reporting,
        cast(is_revenue as boolean) as is_revenue,
        cast(ordered_at as date) as order_date,
        cast(ordered_at as timestamp) as ordered_at
    from lines_enriched

)

select * from final
