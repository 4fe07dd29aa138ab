{#- One row per shopping cart with its resolved customer (NULL when unresolved) and outcome. A cart counts in
    abandonment when it is decided: `abandoned` or `converted`; an `open` cart is neither yet. Incremental by
    customer on DuckDB (cdp_customer_incremental_config): a run rewrites the carts of the customers the customer
    change feed lists since it last read it (a new or re-delivered cart is a rewritten identity record) and the
    unresolved carts; a table on Spark. -#}
{{ cdp_customer_incremental_config() }}
{%- set from_feed = not cdp_customer_changes_unreadable(ref('int_customer_ids')) %}
with

{{ cdp_changed_customers_cte(from_feed) }}

carts as (

    select * from {{ ref('stg_shop__carts') }}

),

customer_ids as (

    select * from {{ ref('int_customer_ids') }}
    where source_table = 'shop_carts'

),

currency_rates as (

    select * from {{ ref('int_currency_rates_to_reporting') }}

),

carts_resolved as (

    select
        carts.cart_id,
        customer_ids.customer_id,
        carts.account_id,
        carts.anonymous_id,
        carts.order_id,
        carts.status,
        carts.currency_code,
        currency_rates.reporting_currency,
        carts.item_count,
        carts.cart_value,
        currency_rates.rate_to_reporting,
        carts.created_at,
        carts.updated_at
    from carts
    left join customer_ids
        on carts.cart_id = customer_ids.record_id
    left join currency_rates
        on carts.currency_code = currency_rates.currency_code
    where {{ cdp_in_changed_customers(from_feed, 'customer_ids.customer_id') }}

),

final as (

    select
        cast(cart_id as {{ dbt.type_string() }}) as cart_id,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(anonymous_id as {{ dbt.type_string() }}) as anonymous_id,
        cast(order_id as {{ dbt.type_string() }}) as order_id,
        cast(status as {{ dbt.type_string() }}) as status,
        cast(currency_code as {{ dbt.type_string() }}) as currency,
        cast(reporting_currency as {{ dbt.type_string() }}) as reporting_currency,
        cast(item_count as integer) as item_count,
        cast(cart_value as decimal(18, 2)) as cart_value,
        {{ cdp_to_reporting_currency('cart_value', 'rate_to_reporting') }} as cart_value_reporting,
        cast(status = 'abandoned' as boolean) as is_abandoned,
        cast(status = 'converted' as boolean) as is_converted,
        cast(status in ('abandoned', 'converted') as boolean) as is_decided,
        cast(created_at as date) as created_date,
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at
    from carts_resolved

)

select * from final
