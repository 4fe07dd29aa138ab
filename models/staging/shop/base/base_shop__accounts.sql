{{ cdp_demo_seed_dependency('shop_accounts') }}
{{ cdp_base_model_config('account_id', 'loaded_at desc, last_login_at desc') }}
with

source as (

    select * from {{ source('shop', 'accounts') }}
    where {{ cdp_new_loads_filter('_loaded_at') }}

),

cleaned as (

    select
        {{ cdp_clean_text('account_id') }} as account_id,
        {{ cdp_clean_text('email') }} as email_raw,
        {{ cdp_normalise_email('email') }} as email,
        {{ cdp_normalise_name('first_name') }} as first_name,
        {{ cdp_normalise_name('last_name') }} as last_name,
        {{ cdp_clean_text('phone') }} as phone_raw,
        {{ cdp_clean_text('date_of_birth') }} as date_of_birth_raw,
        {{ cdp_parse_date('date_of_birth', ['MM/DD/YYYY']) }} as date_of_birth,
        {{ cdp_normalise_country('country') }} as country_code,
        upper({{ cdp_clean_text('loyalty_card_id') }}) as loyalty_card_id,
        {{ cdp_parse_timestamp('created_at') }} as created_at,
        {{ cdp_parse_timestamp('last_login_at') }} as last_login_at,
        {{ cdp_parse_timestamp('_loaded_at') }} as loaded_at

    from source

),

normalised as (

    select
        account_id,
        email,
        {{ cdp_email_match_key('email') }} as email_match_key,
        first_name,
        last_name,
        {{ cdp_fold_name('first_name') }} as first_name_folded,
        {{ cdp_fold_name('last_name') }} as last_name_folded,
        {{ cdp_phone_to_e164('phone_raw', 'country_code') }} as phone_e164,
        date_of_birth,
        country_code,
        loyalty_card_id,
        email_raw is not null and email is null as has_invalid_email,
        phone_raw,
        date_of_birth_raw is not null and date_of_birth is null as has_invalid_date_of_birth,
        created_at,
        last_login_at,
        loaded_at

    from cleaned

),

validated as (

    select
        account_id,
        email,
        email_match_key,
        first_name,
        last_name,
        first_name_folded,
        last_name_folded,
        phone_e164,
        date_of_birth,
        country_code,
        loyalty_card_id,
        has_invalid_email,
        phone_raw is not null and phone_e164 is null as has_invalid_phone,
        has_invalid_date_of_birth,
        created_at,
        last_login_at,
        loaded_at,
        {{ cdp_dq_reason([
            ('account_id is null', 'missing_key'),
            ('created_at is null', 'invalid_timestamp'),
        ]) }} as dq_reason

    from normalised

)

select
    *,
    {{ cdp_loaded_month('loaded_at') }} as loaded_month
from validated
