{{ cdp_demo_seed_dependency('esp_email_events') }}
{{ cdp_base_model_config('email_event_id', 'loaded_at desc, occurred_at desc') }}
with

source as (

    select * from {{ source('esp', 'email_events') }}
    where {{ cdp_new_loads_filter('_loaded_at') }}

),

cleaned as (

    select
        {{ cdp_clean_text('email_event_id') }} as email_event_id,
        {{ cdp_clean_text('recipient_email') }} as recipient_email_raw,
        {{ cdp_normalise_email('recipient_email') }} as recipient_email,
        {{ cdp_trim_text('campaign_id') }} as campaign_id,
        {{ cdp_clean_text('campaign_name') }} as campaign_name,
        lower({{ cdp_trim_text('event_type') }}) as event_type,
        {{ cdp_clean_text('link_url') }} as link_url,
        lower({{ cdp_trim_text('bounce_type') }}) as bounce_type,
        case when length(trim(occurred_at)) = 10 then trim(occurred_at) end as occurred_at_epoch_s,
        {{ cdp_parse_timestamp('_loaded_at') }} as loaded_at

    from source

),

normalised as (

    select
        email_event_id,
        recipient_email_raw,
        recipient_email,
        {{ cdp_email_match_key('recipient_email') }} as recipient_email_match_key,
        recipient_email_raw is not null and recipient_email is null as has_invalid_recipient_email,
        campaign_id,
        campaign_name,
        event_type,
        link_url,
        bounce_type,
        {{ cdp_epoch_to_timestamp('occurred_at_epoch_s', 's') }} as occurred_at,
        loaded_at

    from cleaned

),

validated as (

    select
        email_event_id,
        recipient_email,
        recipient_email_match_key,
        has_invalid_recipient_email,
        campaign_id,
        campaign_name,
        event_type,
        link_url,
        bounce_type,
        occurred_at,
        loaded_at,
        {{ cdp_dq_reason([
            ('email_event_id is null', 'missing_key'),
            ('occurred_at is null', 'invalid_timestamp'),
            ('event_type is null', 'missing_event_type'),
            ('recipient_email_raw is null', 'missing_recipient'),
        ]) }} as dq_reason

    from normalised

)

select
    *,
    {{ cdp_loaded_month('loaded_at') }} as loaded_month
from validated
