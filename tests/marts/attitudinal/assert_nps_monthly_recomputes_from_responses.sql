-- Company NPS recomputed straight from the staged responses: every month, count and NPS must match
-- fct_nps_monthly (and no month may be missing or extra).
with

responses as (
    select * from {{ ref('stg_surveys__responses') }}
),

nps_monthly as (
    select * from {{ ref('fct_nps_monthly') }}
),

recomputed as (
    select
        cast({{ dbt.date_trunc('month', 'submitted_at') }} as date) as response_month,
        sum(case when survey_type = 'nps' then 1 else 0 end) as nps_response_count,
        sum(case when survey_type = 'nps' and score >= 9 then 1 else 0 end) as promoter_count,
        sum(case when survey_type = 'nps' and score <= 6 then 1 else 0 end) as detractor_count,
        sum(case when survey_type = 'csat' then 1 else 0 end) as csat_response_count,
        avg(case when survey_type = 'csat' then cast(score as double) end) as avg_csat_score
    from responses
    group by cast({{ dbt.date_trunc('month', 'submitted_at') }} as date)
),

expected as (
    select
        *,
        case
            when nps_response_count > 0
                then 100.0 * promoter_count / nps_response_count - 100.0 * detractor_count / nps_response_count
        end as nps
    from recomputed
),

final as (
    select
        coalesce(expected.response_month, nps_monthly.response_month) as response_month,
        expected.nps as expected_nps,
        nps_monthly.nps as actual_nps
    from expected
    full outer join nps_monthly
        on expected.response_month = nps_monthly.response_month
    where
        expected.response_month is null
        or nps_monthly.response_month is null
        or expected.nps_response_count != nps_monthly.nps_response_count
        or expected.csat_response_count != nps_monthly.csat_response_count
        or abs(coalesce(expected.nps, 0) - coalesce(nps_monthly.nps, 0)) > 0.000001
        or (expected.nps is null) != (nps_monthly.nps is null)
        or nps_monthly.nps < -100
        or nps_monthly.nps > 100
        or abs(coalesce(expected.avg_csat_score, 0) - coalesce(nps_monthly.avg_csat_score, 0)) > 0.000001
)

select * from final
