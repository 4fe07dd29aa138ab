{{ cdp_demo_seed_dependency('surveys_responses') }}
{{ cdp_base_model_config('response_id') }}
with

source as (

    select * from {{ source('surveys', 'responses') }}
    where {{ cdp_new_loads_filter('_loaded_at') }}

),

cleaned as (

    select
        {{ cdp_clean_text('response_id') }} as response_id,
        {{ cdp_clean_text('account_id') }} as account_id,
        lower({{ cdp_clean_text('survey_type') }}) as survey_type,
        {{ cdp_clean_text('respondent_email') }} as respondent_email_raw,
        {{ cdp_normalise_email('respondent_email') }} as respondent_email,
        {{ cdp_clean_text('score') }} as score_raw,
        {{ cdp_clean_text('answer_text') }} as answer_text,
        {{ cdp_clean_text('purchase_criteria') }} as purchase_criteria,
        {{ cdp_clean_text('locale') }} as locale_code,
        {{ cdp_parse_timestamp('submitted_at') }} as submitted_at,
        {{ cdp_parse_timestamp('_loaded_at') }} as loaded_at

    from source

),

normalised as (

    select
        response_id,
        account_id,
        survey_type,
        respondent_email,
        {{ cdp_email_match_key('respondent_email') }} as respondent_email_match_key,
        case
            when {{ cdp_regexp_matches('score_raw', '^[0-9]{1,2}$') }}
                then try_cast(score_raw as {{ dbt.type_int() }})
        end as score,
        answer_text,
        purchase_criteria,
        locale_code,
        respondent_email_raw is not null and respondent_email is null as has_invalid_respondent_email,
        submitted_at,
        loaded_at

    from cleaned

),

validated as (

    select
        response_id,
        account_id,
        survey_type,
        respondent_email,
        respondent_email_match_key,
        answer_text,
        purchase_criteria,
        locale_code,
        score,
        has_invalid_respondent_email,
        submitted_at,
        loaded_at,
        {{ cdp_dq_reason([
            ('response_id is null', 'missing_key'),
            ('submitted_at is null', 'invalid_timestamp'),
            ("not coalesce((survey_type = 'nps' and score between 0 and 10)
                or (survey_type = 'csat' and score between 1 and 5), false)", 'invalid_score'),
        ]) }} as dq_reason

    from normalised

)

select
    *,
    {{ cdp_loaded_month('loaded_at') }} as loaded_month
from validated
