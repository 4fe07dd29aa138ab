{#- One row per order of every channel (online, marketplace, pos) and status, with the resolved customer (NULL
    when the order resolved to no customer: kept, so channel totals reconcile), amounts in the order's currency
    and in the reporting currency, and the order's place in the customer's history. Incremental by customer on
    DuckDB (cdp_customer_incremental_config): a run rewrites every order of the customers the customer change
    feed lists since it last read it (a new or re-delivered order is a rewritten identity record, so its
    customer is listed; a merge lists both sides) and the unresolved orders; a table on Spark. -#}
{{ cdp_customer_incremental_config() }}
{%- set from_feed = not cdp_customer_changes_unreadable(ref('int_customer_ids')) %}
with

{{ cdp_changed_customers_cte(from_feed) }}

orders as (

    select * from {{ ref('stg_shop__orders') }}

),

order_lines as (

    select * from {{ ref('stg_shop__order_lines') }}

),

customer_ids as (

    select * from {{ ref('int_customer_ids') }}
    where source_table = 'shop_orders'

),

currency_rates as (

    select * from {{ ref('int_currency_rates_to_reporting') }}

),

order_items as (

    select
        order_id,
        count(*) as line_count,
        sum(quantity) as item_count
    from order_lines
    group by order_id

),

orders_resolved as (

    select
        orders.order_id,
        customer_ids.customer_id,
        orders.account_id,
        orders.store_id,
        orders.channel,
        orders.status,
        orders.currency_code,
        currency_rates.reporting_currency,
        orders.subtotal_amount,
        orders.discount_amount,
        orders.shipping_amount,
        orders.total_amount,
        currency_rates.rate_to_reporting,
        coalesce(order_items.line_count, 0) as line_count,
        coalesce(order_items.item_count, 0) as item_count,
        orders.status = 'completed' as is_revenue,
        orders.has_inconsistent_total,
        orders.ordered_at
    from orders
    left join customer_ids
        on orders.order_id = customer_ids.record_id
    left join order_items
        on orders.order_id = order_items.order_id
    left join currency_rates
        on orders.currency_code = currency_rates.currency_code
    where {{ cdp_in_changed_customers(from_feed, 'customer_ids.customer_id') }}

),

orders_sequenced as (

    select
        *,
        row_number() over (
            partition by customer_id
            order by ordered_at, order_id
        ) as customer_order_number,
        row_number() over (
            partition by customer_id, is_revenue
            order by ordered_at, order_id
        ) as customer_revenue_order_number
    from orders_resolved

),

final as (

    select
        cast(order_id as {{ dbt.type_string() }}) as order_id,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(store_id as {{ dbt.type_string() }}) as store_id,
        cast(channel as {{ dbt.type_string() }}) as channel,
        cast(status as {{ dbt.type_string() }}) as status,
        cast(currency_code as {{ dbt.type_string() }}) as currency,
        cast(reporting_currency as {{ dbt.type_string() }}) as reporting_currency,
        cast(subtotal_amount as decimal(18, 2)) as subtotal_amount,
        cast(discount_amount as decimal(18, 2)) as discount_amount,
        cast(shipping_amount as decimal(18, 2)) as shipping_amount,
        cast(total_amount as decimal(18, 2)) as total_amount,
        cast(case when is_revenue then total_amount else 0 end as decimal(18, 2)) as revenue_amount,
        cast(rate_to_reporting as double) as rate_to_reporting,
        {{ cdp_to_reporting_currency('total_amount', 'rate_to_reporting') }} as total_amount_reporting,
        case
            when is_revenue then {{ cdp_to_reporting_currency('total_amount', 'rate_to_reporting') }}
            else cast(0 as decimal(18, 2))
        end as revenue_amount_reporting,
        cast(line_count as bigint) as line_count,
        cast(item_count as bigint) as item_count,
        cast(case when customer_id is not null then customer_order_number end as integer) as customer_order_number,
        cast(
            case when customer_id is not null and is_revenue then customer_revenue_order_number end as integer
        ) as customer_revenue_order_number,
        cast(is_revenue as boolean) as is_revenue,
        cast(case when customer_id is not null then customer_order_number = 1 end as boolean) as is_first_order,
        cast(
            case when customer_id is not null then is_revenue and customer_revenue_order_number = 1 end as boolean
        ) as is_first_revenue_order,
        cast(has_inconsistent_total as boolean) as has_inconsistent_total,
        cast(ordered_at as date) as order_date,
        cast(ordered_at as timestamp) as ordered_at
    from orders_sequenced

)

select * from final
