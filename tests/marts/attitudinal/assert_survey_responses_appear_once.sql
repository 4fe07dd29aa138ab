-- Every staged survey response appears exactly once in fct_survey_responses, and nothing else does; the NPS
-- category follows the score.
with

responses as (
    select * from {{ ref('stg_surveys__responses') }}
),

survey_responses as (
    select * from {{ ref('fct_survey_responses') }}
),

fact_counts as (
    select
        response_id,
        count(*) as row_count
    from survey_responses
    group by response_id
),

final as (
    select
        coalesce(responses.response_id, fact_counts.response_id) as response_id,
        fact_counts.row_count
    from responses
    full outer join fact_counts
        on responses.response_id = fact_counts.response_id
    where responses.response_id is null or fact_counts.response_id is null or fact_counts.row_count != 1

    union all

    select
        response_id,
        1 as row_count
    from survey_responses
    where
        (survey_type = 'nps' and nps_category != case
            when score >= 9 then 'promoter' when score >= 7 then 'passive' else 'detractor'
        end)
        or (survey_type = 'csat' and (nps_category is not null or is_csat_satisfied != (score >= 4)))
)

select * from final
