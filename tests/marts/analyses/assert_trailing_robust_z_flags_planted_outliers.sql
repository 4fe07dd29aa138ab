{#- cdp_trailing_robust_z_scores over the fixture series (seeds/tests/analyses/analyses_daily_series.csv) flags
    exactly the planted spike, dip and burst, in the right direction, with the default window (28 days, at least
    7 baseline points, |z| > 3.5): neither the weekly wobble of `noisy` nor the regular ones of the mostly-zero
    `sparse` series (MAD 0, standard deviation fallback) may be flagged. Returns the days that disagree. -#}
{%- set series_sql -%}
    select series_id, series_date, series_value from {{ ref('analyses_daily_series') }}
{%- endset %}
with

series as (

    select * from {{ ref('analyses_daily_series') }}

),

scored as (

    {{ cdp_trailing_robust_z_scores(series_sql, ['series_id'], 'series_date', 'series_value') }}

),

compared as (

    select
        series.series_id,
        series.series_date,
        series.expected_direction,
        scored.robust_z,
        case
            when scored.robust_z > 3.5 then 'high'
            when scored.robust_z < -3.5 then 'low'
        end as flagged_direction
    from series
    left join scored
        on
            series.series_id = scored.series_id
            and series.series_date = scored.series_date

),

final as (

    select *
    from compared
    where
        coalesce(expected_direction, 'none') != coalesce(flagged_direction, 'none')

)

select * from final
