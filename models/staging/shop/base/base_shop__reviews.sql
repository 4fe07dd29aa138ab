{{ cdp_demo_seed_dependency('shop_reviews') }}
{{ cdp_base_model_config('review_id') }}
with

source as (

    select * from {{ source('shop', 'reviews') }}
    where {{ cdp_new_loads_filter('_loaded_at') }}

),

cleaned as (

    select
        {{ cdp_clean_text('review_id') }} as review_id,
        {{ cdp_clean_text('product_id') }} as product_id,
        {{ cdp_clean_text('account_id') }} as account_id,
        {{ cdp_normalise_full_name('reviewer_name') }} as reviewer_name,
        {{ cdp_clean_text('reviewer_email') }} as reviewer_email_raw,
        {{ cdp_normalise_email('reviewer_email') }} as reviewer_email,
        try_cast(trim(rating) as int) as rating,
        {{ cdp_clean_text('title') }} as title,
        {{ cdp_clean_text('body') }} as body,
        {{ cdp_clean_text('locale') }} as locale_code,
        {{ cdp_parse_timestamp('created_at') }} as created_at,
        {{ cdp_parse_timestamp('_loaded_at') }} as loaded_at

    from source

),

normalised as (

    select
        review_id,
        product_id,
        account_id,
        reviewer_name,
        {{ cdp_fold_name('reviewer_name') }} as reviewer_name_folded,
        reviewer_email,
        {{ cdp_email_match_key('reviewer_email') }} as reviewer_email_match_key,
        reviewer_email_raw is not null and reviewer_email is null as has_invalid_reviewer_email,
        rating,
        title,
        body,
        locale_code,
        lower({{ dbt.split_part('locale_code', "'-'", 1) }}) as language_code,
        created_at,
        loaded_at

    from cleaned

),

validated as (

    select
        review_id,
        product_id,
        account_id,
        reviewer_name,
        reviewer_name_folded,
        reviewer_email,
        reviewer_email_match_key,
        has_invalid_reviewer_email,
        rating,
        title,
        body,
        locale_code,
        language_code,
        created_at,
        loaded_at,
        {{ cdp_dq_reason([
            ('review_id is null', 'missing_key'),
            ('created_at is null', 'invalid_timestamp'),
            ('rating is null or rating < 1 or rating > 5', 'invalid_rating'),
        ]) }} as dq_reason

    from normalised

)

select
    *,
    {{ cdp_loaded_month('loaded_at') }} as loaded_month
from validated
