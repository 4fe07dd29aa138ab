{#- Daily completed orders and revenue, all channels (`all`) and per channel, each scored against its own
    trailing baseline with a robust z-score (median / MAD of the previous days, on the square-root scale) and
    flagged high or low beyond var('cdp__sales_outlier_z_threshold'). Method and assumptions: doc block
    analyses_daily_sales_outliers. -#}
{%- set threshold = var('cdp__sales_outlier_z_threshold', 3.5) -%}
{%- set series_sql -%}
    select channel, 'order_count' as metric_name, order_date, sqrt(order_count) as metric_value
    from {{ ref('int_daily_sales') }}
    union all
    select channel, 'revenue' as metric_name, order_date, sqrt(greatest(revenue, 0)) as metric_value
    from {{ ref('int_daily_sales') }}
{%- endset %}
with

daily_sales as (

    select * from {{ ref('int_daily_sales') }}

),

scored_series as (

    {{ cdp_trailing_robust_z_scores(
        series_sql,
        ['channel', 'metric_name'],
        'order_date',
        'metric_value',
        window_days=var('cdp__sales_outlier_window_days', 28),
        min_baseline_points=var('cdp__sales_outlier_min_baseline_days', 14),
        same_weekday=var('cdp__sales_outlier_same_weekday', false),
        scale_floor="case when series.metric_name = 'order_count' then 0.5 end"
    ) }}

),

scores_pivoted as (

    select
        channel,
        order_date,
        {% for metric in ['order_count', 'revenue'] -%}
            max(case when metric_name = '{{ metric }}' then baseline_median end) as {{ metric }}_baseline_median,
            max(case when metric_name = '{{ metric }}' then robust_z end) as {{ metric }}_robust_z,
        {% endfor -%}
        max(baseline_point_count) as baseline_day_count
    from scored_series
    group by channel, order_date

),

days_flagged as (

    select
        daily_sales.order_date,
        daily_sales.channel,
        daily_sales.order_count,
        daily_sales.revenue,
        {#- the median commutes with the square root: squared back to original units #}
        {% for metric in ['order_count', 'revenue'] -%}
            scores_pivoted.{{ metric }}_baseline_median * scores_pivoted.{{ metric }}_baseline_median
                as {{ metric }}_baseline_median,
            scores_pivoted.{{ metric }}_robust_z,
            case
                when scores_pivoted.{{ metric }}_robust_z > {{ threshold }} then 'high'
                when scores_pivoted.{{ metric }}_robust_z < -{{ threshold }} then 'low'
            end as {{ metric }}_outlier_direction,
        {% endfor -%}
        scores_pivoted.baseline_day_count
    from daily_sales
    inner join scores_pivoted
        on
            daily_sales.channel = scores_pivoted.channel
            and daily_sales.order_date = scores_pivoted.order_date

),

final as (

    select
        cast(order_date as date) as order_date,
        cast(channel as {{ dbt.type_string() }}) as channel,
        cast(order_count as bigint) as order_count,
        cast(revenue as decimal(18, 2)) as revenue,
        cast(baseline_day_count as integer) as baseline_day_count,
        cast(order_count_baseline_median as double) as order_count_baseline_median,
        cast(order_count_robust_z as double) as order_count_robust_z,
        cast(order_count_outlier_direction as {{ dbt.type_string() }}) as order_count_outlier_direction,
        cast(revenue_baseline_median as double) as revenue_baseline_median,
        cast(revenue_robust_z as double) as revenue_robust_z,
        cast(revenue_outlier_direction as {{ dbt.type_string() }}) as revenue_outlier_direction,
        cast(
            order_count_outlier_direction is not null or revenue_outlier_direction is not null as boolean
        ) as is_outlier
    from days_flagged

)

select * from final
