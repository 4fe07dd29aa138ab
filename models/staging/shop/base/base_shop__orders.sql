{{ cdp_demo_seed_dependency('shop_orders') }}
{{ cdp_base_model_config('order_id', 'loaded_at desc, ordered_at desc') }}
with

source as (

    select * from {{ source('shop', 'orders') }}
    where {{ cdp_new_loads_filter('_loaded_at') }}

),

cleaned as (

    select
        {{ cdp_clean_text('order_id') }} as order_id,
        lower({{ cdp_clean_text('channel') }}) as channel,
        {{ cdp_clean_text('account_id') }} as account_id,
        {{ cdp_clean_text('customer_email') }} as customer_email_raw,
        {{ cdp_normalise_email('customer_email') }} as customer_email,
        {{ cdp_clean_text('customer_phone') }} as customer_phone_raw,
        upper({{ cdp_clean_text('loyalty_card_id') }}) as loyalty_card_id,
        {{ cdp_normalise_full_name('customer_name') }} as customer_name,
        upper({{ cdp_clean_text('store_id') }}) as store_id,
        case
            when {{ cdp_regexp_matches('upper(trim(store_id))', '^[A-Z]{2}-') }}
                then upper(substr(trim(store_id), 1, 2))
        end as store_country_code,
        lower({{ cdp_clean_text('status') }}) as status,
        upper({{ cdp_clean_text('currency') }}) as currency_code,
        try_cast(trim(subtotal_amount) as decimal(18, 2)) as subtotal_amount,
        try_cast(trim(discount_amount) as decimal(18, 2)) as discount_amount,
        try_cast(trim(shipping_amount) as decimal(18, 2)) as shipping_amount,
        try_cast(trim(total_amount) as decimal(18, 2)) as total_amount,
        {{ cdp_clean_text('shipping_street') }} as shipping_street,
        {{ cdp_clean_text('shipping_city') }} as shipping_city,
        {{ cdp_normalise_postcode('shipping_postcode') }} as shipping_postcode,
        {{ cdp_normalise_country('shipping_country') }} as shipping_country_code,
        {{ cdp_parse_timestamp('ordered_at') }} as ordered_at,
        {{ cdp_parse_timestamp('_loaded_at') }} as loaded_at

    from source

),

normalised as (

    select
        order_id,
        channel,
        account_id,
        customer_email,
        {{ cdp_email_match_key('customer_email') }} as customer_email_match_key,
        channel = 'marketplace' and customer_email is not null as is_relay_email,
        {{ cdp_phone_to_e164('customer_phone_raw', 'coalesce(shipping_country_code, store_country_code)') }}
            as customer_phone_e164,
        loyalty_card_id,
        customer_name,
        {{ cdp_fold_name('customer_name') }} as customer_name_folded,
        store_id,
        store_country_code,
        status,
        currency_code,
        subtotal_amount,
        discount_amount,
        shipping_amount,
        total_amount,
        coalesce(
            subtotal_amount - coalesce(discount_amount, 0) + coalesce(shipping_amount, 0) <> total_amount,
            false
        ) as has_inconsistent_total,
        shipping_street,
        {{ cdp_address_match_key('shipping_street') }} as shipping_street_match_key,
        shipping_city,
        shipping_postcode,
        shipping_country_code,
        customer_email_raw is not null and customer_email is null as has_invalid_customer_email,
        customer_phone_raw,
        ordered_at,
        loaded_at

    from cleaned

),

validated as (

    select
        order_id,
        channel,
        account_id,
        customer_email,
        customer_email_match_key,
        is_relay_email,
        customer_phone_e164,
        loyalty_card_id,
        customer_name,
        customer_name_folded,
        store_id,
        store_country_code,
        status,
        currency_code,
        subtotal_amount,
        discount_amount,
        shipping_amount,
        total_amount,
        has_inconsistent_total,
        shipping_street,
        shipping_street_match_key,
        shipping_city,
        shipping_postcode,
        shipping_country_code,
        has_invalid_customer_email,
        customer_phone_raw is not null and customer_phone_e164 is null as has_invalid_customer_phone,
        ordered_at,
        loaded_at,
        {{ cdp_dq_reason([
            ('order_id is null', 'missing_key'),
            ('ordered_at is null', 'invalid_timestamp'),
            ('subtotal_amount < 0 or discount_amount < 0 or shipping_amount < 0 or total_amount < 0',
             'negative_amount'),
        ]) }} as dq_reason

    from normalised

)

select
    *,
    {{ cdp_loaded_month('loaded_at') }} as loaded_month
from validated
