{{ cdp_demo_seed_dependency('shop_order_lines') }}
{{ cdp_base_model_config('order_line_id') }}
with

source as (

    select * from {{ source('shop', 'order_lines') }}
    where {{ cdp_new_loads_filter('_loaded_at') }}

),

cleaned as (

    select
        {{ cdp_clean_text('order_line_id') }} as order_line_id,
        {{ cdp_clean_text('order_id') }} as order_id,
        {{ cdp_clean_text('product_id') }} as product_id,
        try_cast(trim(quantity) as int) as quantity,
        try_cast(trim(unit_price) as decimal(18, 2)) as unit_price,
        try_cast(trim(discount_amount) as decimal(18, 2)) as discount_amount,
        {{ cdp_parse_timestamp('_loaded_at') }} as loaded_at

    from source

),

normalised as (

    select
        order_line_id,
        order_id,
        product_id,
        quantity,
        unit_price,
        discount_amount,
        try_cast(quantity * unit_price - coalesce(discount_amount, 0) as decimal(18, 2)) as line_amount,
        loaded_at

    from cleaned

),

validated as (

    select
        order_line_id,
        order_id,
        product_id,
        quantity,
        unit_price,
        discount_amount,
        line_amount,
        loaded_at,
        {{ cdp_dq_reason([
            ('order_line_id is null', 'missing_key'),
            ('loaded_at is null', 'invalid_timestamp'),
            ('order_id is null', 'missing_order_id'),
            ('quantity is null or quantity <= 0', 'invalid_quantity'),
            ('unit_price < 0 or discount_amount < 0', 'negative_amount'),
        ]) }} as dq_reason

    from normalised

)

select
    *,
    {{ cdp_loaded_month('loaded_at') }} as loaded_month
from validated
