{{ cdp_demo_seed_dependency('web_events') }}
{{ cdp_base_model_config('event_id', 'loaded_at desc, occurred_at desc') }}
with

source as (

    select * from {{ source('web', 'events') }}
    where {{ cdp_new_loads_filter('_loaded_at') }}

),

cleaned as (

    select
        {{ cdp_clean_text('event_id') }} as event_id,
        lower({{ cdp_trim_text('event_type') }}) as event_type,
        {{ cdp_trim_text('anonymous_id') }} as anonymous_id,
        {{ cdp_trim_text('user_id') }} as account_id,
        {{ cdp_trim_text('session_hint') }} as session_hint,
        {{ cdp_clean_text('page_url') }} as page_url,
        {{ cdp_clean_text('page_title') }} as page_title,
        {{ cdp_clean_text('referrer') }} as referrer_url,
        lower({{ cdp_clean_text('utm_source') }}) as utm_source,
        lower({{ cdp_clean_text('utm_medium') }}) as utm_medium,
        lower({{ cdp_clean_text('utm_campaign') }}) as utm_campaign,
        lower({{ cdp_trim_text('device_type') }}) as device_type,
        lower({{ cdp_trim_text('browser') }}) as browser,
        lower({{ cdp_trim_text('os') }}) as os,
        lower({{ cdp_trim_text('ip_address') }}) as ip_address_raw,
        case when length(trim(occurred_at)) = 13 then trim(occurred_at) end as occurred_at_epoch_ms,
        {{ cdp_parse_timestamp('_loaded_at') }} as loaded_at

    from source

),

normalised as (

    select
        event_id,
        event_type,
        anonymous_id,
        account_id,
        session_hint,
        page_url,
        {{ cdp_url_host('page_url') }} as page_host,
        {{ cdp_url_path('page_url') }} as page_path,
        page_title,
        referrer_url,
        {{ cdp_url_host('referrer_url') }} as referrer_host,
        utm_source,
        utm_medium,
        utm_campaign,
        device_type,
        browser,
        os,
        case when {{ cdp_is_valid_ip_address('ip_address_raw') }} then ip_address_raw end as ip_address,
        ip_address_raw,
        {{ cdp_epoch_to_timestamp('occurred_at_epoch_ms', 'ms') }} as occurred_at,
        loaded_at

    from cleaned

),

validated as (

    select
        event_id,
        event_type,
        anonymous_id,
        account_id,
        session_hint,
        page_url,
        page_host,
        page_path,
        page_title,
        referrer_url,
        referrer_host,
        utm_source,
        utm_medium,
        utm_campaign,
        device_type,
        browser,
        os,
        ip_address,
        ip_address_raw is not null and ip_address is null as has_invalid_ip_address,
        occurred_at,
        loaded_at,
        {{ cdp_dq_reason([
            ('event_id is null', 'missing_key'),
            ('occurred_at is null', 'invalid_timestamp'),
            ('event_type is null', 'missing_event_type'),
            ('anonymous_id is null and account_id is null', 'missing_identifier'),
        ]) }} as dq_reason

    from normalised

)

select
    *,
    {{ cdp_loaded_month('loaded_at') }} as loaded_month
from validated
