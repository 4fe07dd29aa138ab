{{ cdp_demo_seed_dependency('ads_ad_events') }}
{{ cdp_base_model_config('ad_event_id', 'loaded_at desc, occurred_at desc') }}
with

source as (

    select * from {{ source('ads', 'ad_events') }}
    where {{ cdp_new_loads_filter('_loaded_at') }}

),

cleaned as (

    select
        {{ cdp_clean_text('ad_event_id') }} as ad_event_id,
        lower({{ cdp_trim_text('platform') }}) as platform,
        {{ cdp_trim_text('campaign_id') }} as campaign_id,
        {{ cdp_clean_text('campaign_name') }} as campaign_name,
        {{ cdp_trim_text('ad_id') }} as ad_id,
        lower({{ cdp_trim_text('event_type') }}) as event_type,
        {{ cdp_trim_text('anonymous_id') }} as anonymous_id,
        {{ cdp_trim_text('click_id') }} as click_id,
        {{ cdp_trim_text('cost_amount') }} as cost_amount_text,
        upper({{ cdp_trim_text('currency') }}) as currency_code,
        {{ cdp_trim_text('conversion_value') }} as conversion_value_text,
        occurred_at as occurred_at_text,
        {{ cdp_parse_timestamp('_loaded_at') }} as loaded_at

    from source

),

normalised as (

    select
        ad_event_id,
        platform,
        campaign_id,
        campaign_name,
        ad_id,
        event_type,
        anonymous_id,
        click_id,
        cost_amount_text,
        try_cast(cost_amount_text as decimal(18, 2)) as cost_amount,
        conversion_value_text,
        try_cast(conversion_value_text as decimal(18, 2)) as conversion_value,
        currency_code,
        {{ cdp_parse_timestamp('occurred_at_text') }} as occurred_at,
        loaded_at

    from cleaned

),

validated as (

    select
        ad_event_id,
        platform,
        campaign_id,
        campaign_name,
        ad_id,
        event_type,
        anonymous_id,
        click_id,
        cost_amount,
        conversion_value,
        currency_code,
        cost_amount_text is not null and cost_amount is null as has_invalid_cost_amount,
        conversion_value_text is not null and conversion_value is null as has_invalid_conversion_value,
        occurred_at,
        loaded_at,
        {{ cdp_dq_reason([
            ('ad_event_id is null', 'missing_key'),
            ('occurred_at is null', 'invalid_timestamp'),
            ('event_type is null', 'missing_event_type'),
            ("cost_amount_text like '-%' or conversion_value_text like '-%'", 'negative_amount'),
        ]) }} as dq_reason

    from normalised

)

select
    *,
    {{ cdp_loaded_month('loaded_at') }} as loaded_month
from validated
