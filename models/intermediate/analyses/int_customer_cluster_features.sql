{#- The features customer clustering runs on, one row per customer of mart_customer_behavior (every customer of
    the identity graph): six behaviour and engagement measures, gaps filled (counts 0, recency and open rate the
    median), skewed counts log-scaled, then standardised to z-scores over all customers. Doubles derived from
    sums are rounded to 9 decimals: summation order differs between runs and engines, rounding keeps rebuilds
    identical. See doc block analyses_customer_clusters. -#}
with

behavior as (

    select * from {{ ref('mart_customer_behavior') }}

),

engagement as (

    select * from {{ ref('mart_customer_engagement') }}

),

features_raw as (

    select
        behavior.customer_id,
        coalesce(behavior.revenue, 0) as revenue,
        coalesce(behavior.order_count, 0) as order_count,
        behavior.recency_days,
        coalesce(engagement.web_session_count, 0) + coalesce(engagement.app_session_count, 0) as session_count,
        engagement.email_open_rate,
        coalesce(engagement.engaged_days_30d, 0) as engaged_days_30d,
        coalesce(engagement.support_ticket_count, 0) as support_ticket_count,
        coalesce(behavior.order_count, 0) > 0 as is_buyer,
        engagement.customer_id is not null as has_engagement
    from behavior
    left join engagement
        on behavior.customer_id = engagement.customer_id

),

{# Missing is not zero for recency (never bought) and open rate (never mailed): the median keeps them neutral. -#}
feature_medians as (

    select
        {{ cdp_median('recency_days') }} as median_recency_days,
        {{ cdp_median('email_open_rate') }} as median_email_open_rate
    from features_raw

),

features_filled as (

    select
        features_raw.customer_id,
        features_raw.revenue,
        features_raw.order_count,
        features_raw.recency_days,
        features_raw.session_count,
        features_raw.email_open_rate,
        features_raw.engaged_days_30d,
        features_raw.is_buyer,
        features_raw.has_engagement,
        ln(1 + greatest(cast(features_raw.revenue as double), 0.0)) as revenue_log,
        ln(1 + cast(features_raw.order_count as double)) as order_count_log,
        cast(coalesce(features_raw.recency_days, feature_medians.median_recency_days, 0) as double)
            as recency_days_filled,
        ln(1 + cast(features_raw.session_count as double)) as session_count_log,
        cast(coalesce(features_raw.email_open_rate, feature_medians.median_email_open_rate, 0) as double)
            as email_open_rate_filled,
        cast(features_raw.engaged_days_30d as double) as engaged_days_30d_filled,
        ln(1 + cast(features_raw.support_ticket_count as double)) as support_ticket_count_log,
        features_raw.support_ticket_count
    from features_raw
    cross join feature_medians

),

feature_moments as (

    select
        {% for feature in cdp_cluster_features() -%}
            avg({{ feature.source }}) as mean_{{ feature.name }},
            stddev_pop({{ feature.source }}) as sd_{{ feature.name }},
        {% endfor -%}
        count(*) as customer_count
    from features_filled

),

final as (

    select
        cast(features_filled.customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(features_filled.revenue as decimal(18, 2)) as revenue,
        cast(features_filled.order_count as bigint) as order_count,
        cast(features_filled.recency_days as integer) as recency_days,
        cast(features_filled.session_count as bigint) as session_count,
        cast(features_filled.email_open_rate as double) as email_open_rate,
        cast(features_filled.engaged_days_30d as bigint) as engaged_days_30d,
        cast(features_filled.support_ticket_count as bigint) as support_ticket_count,
        {% for feature in cdp_cluster_features() -%}
            cast(
                round(
                    coalesce(
                        (features_filled.{{ feature.source }} - feature_moments.mean_{{ feature.name }})
                        / nullif(feature_moments.sd_{{ feature.name }}, 0),
                        0
                    ),
                    9
                ) as double
            ) as {{ feature.name }},
        {% endfor -%}
        cast(features_filled.is_buyer as boolean) as is_buyer,
        cast(features_filled.has_engagement as boolean) as has_engagement
    from features_filled
    cross join feature_moments

)

select * from final
