{{ cdp_demo_seed_dependency('shop_carts') }}
{{ cdp_base_model_config('cart_id', 'loaded_at desc, updated_at desc') }}
with

source as (

    select * from {{ source('shop', 'carts') }}
    where {{ cdp_new_loads_filter('_loaded_at') }}

),

cleaned as (

    select
        {{ cdp_clean_text('cart_id') }} as cart_id,
        {{ cdp_clean_text('account_id') }} as account_id,
        {{ cdp_clean_text('anonymous_id') }} as anonymous_id,
        lower({{ cdp_clean_text('status') }}) as status,
        {{ cdp_clean_text('order_id') }} as order_id,
        try_cast(trim(item_count) as int) as item_count,
        try_cast(trim(cart_value) as decimal(18, 2)) as cart_value,
        upper({{ cdp_clean_text('currency') }}) as currency_code,
        {{ cdp_parse_timestamp('created_at') }} as created_at,
        {{ cdp_parse_timestamp('updated_at') }} as updated_at,
        {{ cdp_parse_timestamp('_loaded_at') }} as loaded_at

    from source

),

normalised as (

    select
        cart_id,
        account_id,
        anonymous_id,
        status,
        order_id,
        item_count,
        cart_value,
        currency_code,
        created_at,
        updated_at,
        loaded_at

    from cleaned

),

validated as (

    select
        cart_id,
        account_id,
        anonymous_id,
        status,
        order_id,
        item_count,
        cart_value,
        currency_code,
        created_at,
        updated_at,
        loaded_at,
        {{ cdp_dq_reason([
            ('cart_id is null', 'missing_key'),
            ('created_at is null', 'invalid_timestamp'),
            ('item_count is null or item_count <= 0', 'invalid_quantity'),
            ('cart_value < 0', 'negative_amount'),
        ]) }} as dq_reason

    from normalised

)

select
    *,
    {{ cdp_loaded_month('loaded_at') }} as loaded_month
from validated
