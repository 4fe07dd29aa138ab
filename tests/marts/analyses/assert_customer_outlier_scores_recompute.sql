{#- The revenue robust z-score of int_customer_outlier_scores recomputed from mart_customer_behavior (median and
    MAD over buyers, 0.6745 * (x - median) / MAD), and every customer of mart_customer_outliers triggered by at
    least one metric whose |z| passes the threshold. Returns the offending customers. -#}
with

behavior as (

    select * from {{ ref('mart_customer_behavior') }}

),

scores as (

    select * from {{ ref('int_customer_outlier_scores') }}

),

outliers as (

    select * from {{ ref('mart_customer_outliers') }}

),

revenue_scores as (

    select * from scores
    where metric_name = 'revenue'

),

buyers as (

    select
        customer_id,
        cast(revenue as double) as revenue
    from behavior
    where order_count > 0

),

revenue_median as (

    select {{ cdp_median('revenue') }} as median_revenue from buyers

),

revenue_mad as (

    select {{ cdp_median('abs(buyers.revenue - revenue_median.median_revenue)') }} as mad_revenue
    from buyers
    cross join revenue_median

),

expected_revenue_scores as (

    select
        buyers.customer_id,
        0.6745 * (buyers.revenue - revenue_median.median_revenue) / nullif(revenue_mad.mad_revenue, 0) as expected_z
    from buyers
    cross join revenue_median
    cross join revenue_mad

),

score_problems as (

    select
        coalesce(expected_revenue_scores.customer_id, revenue_scores.customer_id) as customer_id,
        'revenue robust z differs' as problem
    from expected_revenue_scores
    full outer join revenue_scores
        on expected_revenue_scores.customer_id = revenue_scores.customer_id
    where
        expected_revenue_scores.customer_id is null
        or revenue_scores.customer_id is null
        or abs(expected_revenue_scores.expected_z - revenue_scores.robust_z) > 1e-6

),

outlier_problems as (

    select
        outliers.customer_id,
        'outlier without a metric beyond the threshold' as problem
    from outliers
    left join scores
        on
            outliers.customer_id = scores.customer_id
            and scores.is_outlier
            and abs(scores.robust_z) > {{ var('cdp__customer_outlier_z_threshold', 3.5) }}
    where scores.customer_id is null

),

final as (

    select * from score_problems
    union all
    select * from outlier_problems

)

select * from final
