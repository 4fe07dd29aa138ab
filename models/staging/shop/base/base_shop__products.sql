{{ cdp_demo_seed_dependency('shop_products') }}
{{ cdp_base_model_config('product_id') }}
with

source as (

    select * from {{ source('shop', 'products') }}
    where {{ cdp_new_loads_filter('_loaded_at') }}

),

cleaned as (

    select
        {{ cdp_clean_text('product_id') }} as product_id,
        upper({{ cdp_clean_text('sku') }}) as sku,
        {{ cdp_clean_text('product_name') }} as product_name,
        lower({{ cdp_clean_text('category') }}) as category,
        {{ cdp_clean_text('brand') }} as brand,
        try_cast(trim(unit_price) as decimal(18, 2)) as unit_price,
        upper({{ cdp_clean_text('currency') }}) as currency_code,
        {{ cdp_parse_timestamp('created_at') }} as created_at,
        {{ cdp_parse_timestamp('_loaded_at') }} as loaded_at

    from source

),

normalised as (

    select
        product_id,
        sku,
        product_name,
        category,
        brand,
        unit_price,
        currency_code,
        created_at,
        loaded_at

    from cleaned

),

validated as (

    select
        product_id,
        sku,
        product_name,
        category,
        brand,
        unit_price,
        currency_code,
        created_at,
        loaded_at,
        {{ cdp_dq_reason([
            ('product_id is null', 'missing_key'),
            ('created_at is null', 'invalid_timestamp'),
            ('unit_price < 0', 'negative_amount'),
        ]) }} as dq_reason

    from normalised

)

select
    *,
    {{ cdp_loaded_month('loaded_at') }} as loaded_month
from validated
