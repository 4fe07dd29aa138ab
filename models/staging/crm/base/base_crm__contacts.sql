{{ cdp_demo_seed_dependency('crm_contacts') }}
{{ cdp_base_model_config('contact_id', 'loaded_at desc, updated_at desc') }}
with

source as (

    select * from {{ source('crm', 'contacts') }}
    where {{ cdp_new_loads_filter('_loaded_at') }}

),

cleaned as (

    select
        {{ cdp_clean_text('contact_id') }} as contact_id,
        {{ cdp_normalise_name('first_name') }} as first_name,
        {{ cdp_normalise_name('last_name') }} as last_name,
        {{ cdp_clean_text('email') }} as email_raw,
        {{ cdp_normalise_email('email') }} as email,
        {{ cdp_clean_text('phone') }} as phone_raw,
        {{ cdp_normalise_gender('gender') }} as gender,
        {{ cdp_clean_text('street') }} as street,
        {{ cdp_clean_text('city') }} as city,
        {{ cdp_normalise_postcode('postcode') }} as postcode,
        {{ cdp_normalise_country('country') }} as country_code,
        {{ cdp_clean_text('job_title') }} as job_title,
        {{ cdp_clean_text('company') }} as company,
        {{ cdp_normalise_handle('twitter_handle') }} as twitter_handle,
        {{ cdp_parse_date('date_of_birth', ['YYYY-MM-DD', 'DD/MM/YYYY']) }} as date_of_birth,
        {{ cdp_parse_timestamp('created_at') }} as created_at,
        {{ cdp_parse_timestamp('updated_at') }} as updated_at,
        {{ cdp_parse_timestamp('_loaded_at') }} as loaded_at

    from source

),

normalised as (

    select
        contact_id,
        first_name,
        last_name,
        {{ cdp_fold_name('first_name') }} as first_name_folded,
        {{ cdp_fold_name('last_name') }} as last_name_folded,
        email,
        {{ cdp_email_match_key('email') }} as email_match_key,
        {{ cdp_phone_to_e164('phone_raw', 'country_code') }} as phone_e164,
        gender,
        street,
        {{ cdp_address_match_key('street') }} as street_match_key,
        city,
        postcode,
        country_code,
        job_title,
        company,
        twitter_handle,
        email_raw is not null and email is null as has_invalid_email,
        phone_raw,
        date_of_birth,
        created_at,
        updated_at,
        loaded_at

    from cleaned

),

validated as (

    select
        contact_id,
        first_name,
        last_name,
        first_name_folded,
        last_name_folded,
        email,
        email_match_key,
        phone_e164,
        gender,
        street,
        street_match_key,
        city,
        postcode,
        country_code,
        job_title,
        company,
        twitter_handle,
        has_invalid_email,
        phone_raw is not null and phone_e164 is null as has_invalid_phone,
        date_of_birth,
        created_at,
        updated_at,
        loaded_at,
        {{ cdp_dq_reason([
            ('contact_id is null', 'missing_key'),
            ('created_at is null', 'invalid_timestamp'),
        ]) }} as dq_reason

    from normalised

)

select
    *,
    {{ cdp_loaded_month('loaded_at') }} as loaded_month
from validated
