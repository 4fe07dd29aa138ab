{{ cdp_demo_seed_dependency('social_engagements') }}
{{ cdp_base_model_config('engagement_id', 'loaded_at desc, occurred_at desc') }}
with

source as (

    select * from {{ source('social', 'engagements') }}
    where {{ cdp_new_loads_filter('_loaded_at') }}

),

cleaned as (

    select
        {{ cdp_clean_text('engagement_id') }} as engagement_id,
        lower({{ cdp_trim_text('platform') }}) as platform,
        {{ cdp_normalise_handle('handle') }} as handle,
        {{ cdp_trim_text('post_id') }} as post_id,
        lower({{ cdp_trim_text('engagement_type') }}) as engagement_type,
        {{ cdp_clean_text('comment_text') }} as comment_text,
        occurred_at as occurred_at_text,
        {{ cdp_parse_timestamp('_loaded_at') }} as loaded_at

    from source

),

normalised as (

    select
        engagement_id,
        platform,
        handle,
        post_id,
        engagement_type,
        comment_text,
        {{ cdp_parse_timestamp('occurred_at_text') }} as occurred_at,
        loaded_at

    from cleaned

),

validated as (

    select
        engagement_id,
        platform,
        handle,
        post_id,
        engagement_type,
        comment_text,
        occurred_at,
        loaded_at,
        {{ cdp_dq_reason([
            ('engagement_id is null', 'missing_key'),
            ('occurred_at is null', 'invalid_timestamp'),
            ('engagement_type is null', 'missing_event_type'),
            ('handle is null', 'missing_handle'),
        ]) }} as dq_reason

    from normalised

)

select
    *,
    {{ cdp_loaded_month('loaded_at') }} as loaded_month
from validated
