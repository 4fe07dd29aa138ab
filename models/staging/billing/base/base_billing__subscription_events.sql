{{ cdp_demo_seed_dependency('billing_subscription_events') }}
{{ cdp_base_model_config('subscription_event_id') }}
with

source as (

    select * from {{ source('billing', 'subscription_events') }}
    where {{ cdp_new_loads_filter('_loaded_at') }}

),

cleaned as (

    select
        {{ cdp_clean_text('subscription_event_id') }} as subscription_event_id,
        {{ cdp_clean_text('subscription_id') }} as subscription_id,
        {{ cdp_clean_text('account_id') }} as account_id,
        lower({{ cdp_clean_text('plan') }}) as plan,
        lower({{ cdp_clean_text('event_type') }}) as event_type,
        try_cast(trim(mrr_amount) as decimal(18, 2)) as mrr_amount,
        upper({{ cdp_clean_text('currency') }}) as currency_code,
        {{ cdp_parse_timestamp('occurred_at') }} as occurred_at,
        {{ cdp_parse_timestamp('_loaded_at') }} as loaded_at

    from source

),

normalised as (

    select
        subscription_event_id,
        subscription_id,
        account_id,
        plan,
        event_type,
        mrr_amount,
        currency_code,
        occurred_at,
        loaded_at

    from cleaned

),

validated as (

    select
        subscription_event_id,
        subscription_id,
        account_id,
        plan,
        event_type,
        mrr_amount,
        currency_code,
        occurred_at,
        loaded_at,
        {{ cdp_dq_reason([
            ('subscription_event_id is null', 'missing_key'),
            ('occurred_at is null', 'invalid_timestamp'),
            ('subscription_id is null', 'missing_subscription_id'),
            ('mrr_amount < 0', 'negative_amount'),
        ]) }} as dq_reason

    from normalised

)

select
    *,
    {{ cdp_loaded_month('loaded_at') }} as loaded_month
from validated
