{#- Company NPS and CSAT over time: one row per calendar month with at least one survey response.
    NPS = % promoters - % detractors of the month's NPS responses (-100..100); the rolling NPS pools the
    responses of the last var('cdp__nps_rolling_months') months (this one included) to smooth small months. -#}
{%- set rolling_months = var('cdp__nps_rolling_months', 3) -%}

with

survey_responses as (

    select * from {{ ref('fct_survey_responses') }}

),

monthly as (

    select
        submitted_month as response_month,
        sum(case when survey_type = 'nps' then 1 else 0 end) as nps_response_count,
        sum(case when nps_category = 'promoter' then 1 else 0 end) as promoter_count,
        sum(case when nps_category = 'passive' then 1 else 0 end) as passive_count,
        sum(case when nps_category = 'detractor' then 1 else 0 end) as detractor_count,
        sum(case when survey_type = 'csat' then 1 else 0 end) as csat_response_count,
        sum(case when is_csat_satisfied then 1 else 0 end) as csat_satisfied_count,
        avg(cast(csat_score as double)) as avg_csat_score
    from survey_responses
    group by submitted_month

),

rolling as (

    select
        this_month.response_month,
        sum(window_month.nps_response_count) as rolling_nps_response_count,
        sum(window_month.promoter_count) as rolling_promoter_count,
        sum(window_month.detractor_count) as rolling_detractor_count
    from monthly as this_month
    inner join monthly as window_month
        on
            this_month.response_month >= window_month.response_month
            and window_month.response_month
            > cast({{ dbt.dateadd('month', -1 * rolling_months, 'this_month.response_month') }} as date)
    group by this_month.response_month

),

final as (

    select
        cast(monthly.response_month as date) as response_month,
        cast(monthly.nps_response_count as bigint) as nps_response_count,
        cast(monthly.promoter_count as bigint) as promoter_count,
        cast(monthly.passive_count as bigint) as passive_count,
        cast(monthly.detractor_count as bigint) as detractor_count,
        cast(
            100.0 * (monthly.promoter_count - monthly.detractor_count)
            / nullif(monthly.nps_response_count, 0) as double
        ) as nps,
        cast(monthly.promoter_count / nullif(cast(monthly.nps_response_count as double), 0) as double)
            as promoter_share,
        cast(monthly.detractor_count / nullif(cast(monthly.nps_response_count as double), 0) as double)
            as detractor_share,
        cast(rolling.rolling_nps_response_count as bigint) as rolling_nps_response_count,
        cast(
            100.0 * (rolling.rolling_promoter_count - rolling.rolling_detractor_count)
            / nullif(rolling.rolling_nps_response_count, 0) as double
        ) as rolling_nps,
        cast(monthly.csat_response_count as bigint) as csat_response_count,
        cast(monthly.csat_satisfied_count as bigint) as csat_satisfied_count,
        cast(monthly.avg_csat_score as double) as avg_csat_score,
        cast(monthly.csat_satisfied_count / nullif(cast(monthly.csat_response_count as double), 0) as double)
            as csat_satisfied_share,
        cast(monthly.response_month = cast({{ dbt.date_trunc('month', cdp_as_of_date()) }} as date) as boolean)
            as is_month_to_date
    from monthly
    inner join rolling
        on monthly.response_month = rolling.response_month

)

select * from final
