{{ cdp_demo_seed_dependency('privacy_erasure_requests') }}
{{ cdp_base_model_config('request_id') }}
with

source as (

    select * from {{ source('privacy', 'erasure_requests') }}
    where {{ cdp_new_loads_filter('_loaded_at') }}

),

cleaned as (

    select
        {{ cdp_clean_text('request_id') }} as request_id,
        {{ cdp_clean_text('account_id') }} as account_id,
        {{ cdp_clean_text('email') }} as email_raw,
        {{ cdp_normalise_email('email') }} as email,
        {{ cdp_clean_text('phone') }} as phone_raw,
        lower({{ cdp_clean_text('status') }}) as status,
        {{ cdp_parse_timestamp('requested_at') }} as requested_at,
        {{ cdp_parse_timestamp('_loaded_at') }} as loaded_at

    from source

),

normalised as (

    select
        request_id,
        account_id,
        email,
        {{ cdp_email_match_key('email') }} as email_match_key,
        {{ cdp_phone_to_e164('phone_raw') }} as phone_e164,
        status,
        email_raw is not null and email is null as has_invalid_email,
        email_raw,
        phone_raw,
        requested_at,
        loaded_at

    from cleaned

),

validated as (

    select
        request_id,
        account_id,
        email,
        email_match_key,
        phone_e164,
        status,
        has_invalid_email,
        phone_raw is not null and phone_e164 is null as has_invalid_phone,
        requested_at,
        loaded_at,
        {{ cdp_dq_reason([
            ('request_id is null', 'missing_key'),
            ('requested_at is null', 'invalid_timestamp'),
            ('email_raw is null and phone_raw is null and account_id is null', 'missing_subject'),
        ]) }} as dq_reason

    from normalised

)

select
    *,
    {{ cdp_loaded_month('loaded_at') }} as loaded_month
from validated
