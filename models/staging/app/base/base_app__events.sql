{{ cdp_demo_seed_dependency('app_events') }}
{{ cdp_base_model_config('event_id', 'loaded_at desc, occurred_at desc') }}
with

source as (

    select * from {{ source('app', 'events') }}
    where {{ cdp_new_loads_filter('_loaded_at') }}

),

cleaned as (

    select
        {{ cdp_clean_text('event_id') }} as event_id,
        {{ cdp_trim_text('device_id') }} as device_id,
        {{ cdp_trim_text('user_id') }} as account_id,
        {{ cdp_trim_text('app_session_id') }} as app_session_id,
        lower({{ cdp_trim_text('event_name') }}) as event_type,
        lower({{ cdp_trim_text('feature') }}) as feature,
        lower({{ cdp_trim_text('platform') }}) as platform,
        {{ cdp_trim_text('app_version') }} as app_version,
        occurred_at as occurred_at_text,
        {{ cdp_parse_timestamp('_loaded_at') }} as loaded_at

    from source

),

normalised as (

    select
        event_id,
        device_id,
        account_id,
        app_session_id,
        event_type,
        feature,
        platform,
        app_version,
        {{ cdp_parse_timestamp('occurred_at_text') }} as occurred_at,
        loaded_at

    from cleaned

),

validated as (

    select
        event_id,
        device_id,
        account_id,
        app_session_id,
        event_type,
        feature,
        platform,
        app_version,
        occurred_at,
        loaded_at,
        {{ cdp_dq_reason([
            ('event_id is null', 'missing_key'),
            ('occurred_at is null', 'invalid_timestamp'),
            ('event_type is null', 'missing_event_type'),
            ('device_id is null and account_id is null', 'missing_identifier'),
        ]) }} as dq_reason

    from normalised

)

select
    *,
    {{ cdp_loaded_month('loaded_at') }} as loaded_month
from validated
