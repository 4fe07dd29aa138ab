{{ cdp_demo_seed_dependency('privacy_consent_events') }}
{{ cdp_base_model_config('consent_event_id') }}
with

source as (

    select * from {{ source('privacy', 'consent_events') }}
    where {{ cdp_new_loads_filter('_loaded_at') }}

),

cleaned as (

    select
        {{ cdp_clean_text('consent_event_id') }} as consent_event_id,
        {{ cdp_clean_text('account_id') }} as account_id,
        {{ cdp_clean_text('email') }} as email_raw,
        {{ cdp_normalise_email('email') }} as email,
        {{ cdp_clean_text('phone') }} as phone_raw,
        lower({{ cdp_clean_text('channel') }}) as channel,
        lower({{ cdp_clean_text('status') }}) as status,
        lower({{ cdp_clean_text('collected_via') }}) as collected_via,
        {{ cdp_parse_timestamp('occurred_at') }} as occurred_at,
        {{ cdp_parse_timestamp('_loaded_at') }} as loaded_at

    from source

),

normalised as (

    select
        consent_event_id,
        account_id,
        email,
        {{ cdp_email_match_key('email') }} as email_match_key,
        {{ cdp_phone_to_e164('phone_raw') }} as phone_e164,
        channel,
        status,
        collected_via,
        email_raw is not null and email is null as has_invalid_email,
        email_raw,
        phone_raw,
        occurred_at,
        loaded_at

    from cleaned

),

validated as (

    select
        consent_event_id,
        account_id,
        email,
        email_match_key,
        phone_e164,
        channel,
        status,
        collected_via,
        has_invalid_email,
        phone_raw is not null and phone_e164 is null as has_invalid_phone,
        occurred_at,
        loaded_at,
        {{ cdp_dq_reason([
            ('consent_event_id is null', 'missing_key'),
            ('occurred_at is null', 'invalid_timestamp'),
            ('email_raw is null and phone_raw is null and account_id is null', 'missing_subject'),
        ]) }} as dq_reason

    from normalised

)

select
    *,
    {{ cdp_loaded_month('loaded_at') }} as loaded_month
from validated
