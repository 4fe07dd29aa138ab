-- mart_customer_attitude adds up to the facts it rolls up: NPS responses, feedback items and complaints of
-- resolved customers.
with

attitude as (
    select
        sum(nps_response_count) as nps_response_count,
        sum(csat_response_count) as csat_response_count,
        sum(feedback_count) as feedback_count,
        sum(negative_feedback_count) as negative_feedback_count
    from {{ ref('mart_customer_attitude') }}
),

facts as (
    select
        (
            select count(*) from {{ ref('fct_survey_responses') }}
            where customer_id is not null and survey_type = 'nps'
        ) as nps_response_count,
        (
            select count(*) from {{ ref('fct_survey_responses') }}
            where customer_id is not null and survey_type = 'csat'
        ) as csat_response_count,
        (
            select count(*) from {{ ref('fct_feedback_texts') }}
            where customer_id is not null
        ) as feedback_count,
        (
            select count(*) from {{ ref('fct_feedback_texts') }}
            where customer_id is not null and sentiment_label = 'negative'
        ) as negative_feedback_count
),

final as (
    select
        attitude.*,
        facts.nps_response_count as expected_nps_response_count
    from attitude
    cross join facts
    where
        attitude.nps_response_count != facts.nps_response_count
        or attitude.csat_response_count != facts.csat_response_count
        or attitude.feedback_count != facts.feedback_count
        or attitude.negative_feedback_count != facts.negative_feedback_count
)

select * from final
