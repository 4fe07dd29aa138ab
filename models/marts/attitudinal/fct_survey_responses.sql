{#- One row per valid survey response (NPS or CSAT) with its customer, the NPS category (promoter 9-10,
    passive 7-8, detractor 0-6) or the CSAT satisfied flag (4-5), and the sentiment of the free-text answer. -#}
with

survey_responses as (

    select * from {{ ref('stg_surveys__responses') }}

),

customer_ids as (

    select * from {{ ref('int_customer_ids') }}

),

feedback_texts as (

    select * from {{ ref('fct_feedback_texts') }}

),

final as (

    select
        cast(survey_responses.response_id as {{ dbt.type_string() }}) as response_id,
        cast(customer_ids.customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(survey_responses.survey_type as {{ dbt.type_string() }}) as survey_type,
        cast(survey_responses.locale_code as {{ dbt.type_string() }}) as locale_code,
        cast(lower({{ dbt.split_part('survey_responses.locale_code', "'-'", 1) }}) as {{ dbt.type_string() }})
            as language_code,
        cast(case
            when survey_responses.survey_type != 'nps' then null
            when survey_responses.score >= 9 then 'promoter'
            when survey_responses.score >= 7 then 'passive'
            else 'detractor'
        end as {{ dbt.type_string() }}) as nps_category,
        cast(feedback_texts.sentiment_label as {{ dbt.type_string() }}) as answer_sentiment_label,
        cast(survey_responses.score as integer) as score,
        cast(case when survey_responses.survey_type = 'nps' then survey_responses.score end as integer)
            as nps_score,
        cast(case when survey_responses.survey_type = 'csat' then survey_responses.score end as integer)
            as csat_score,
        cast(feedback_texts.sentiment_score as double) as answer_sentiment_score,
        cast(case when survey_responses.survey_type = 'csat' then survey_responses.score >= 4 end as boolean)
            as is_csat_satisfied,
        cast(survey_responses.answer_text is not null as boolean) as has_answer_text,
        cast(survey_responses.purchase_criteria is not null as boolean) as has_purchase_criteria,
        cast({{ dbt.date_trunc('month', 'survey_responses.submitted_at') }} as date) as submitted_month,
        cast(survey_responses.submitted_at as timestamp) as submitted_at
    from survey_responses
    left join customer_ids
        on
            customer_ids.source_table = 'surveys_responses'
            and survey_responses.response_id = customer_ids.record_id
    left join feedback_texts
        on
            feedback_texts.source_table = 'surveys_responses'
            and survey_responses.response_id = feedback_texts.source_record_id

)

select * from final
