{#- The features customer clustering runs on, one row per customer of mart_customer_behavior (every customer of
    the identity graph): seven behaviour and engagement measures, counts 0 when absent, skewed counts also
    log-scaled. Recency and open rate stay NULL (never bought, never mailed): the fit fills them with its median
    and standardises every feature (int_customer_cluster_fit). See doc block analyses_customer_clusters. -#}
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

final as (

    select
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(revenue as decimal(18, 2)) as revenue,
        cast(order_count as bigint) as order_count,
        cast(recency_days as integer) as recency_days,
        cast(session_count as bigint) as session_count,
        cast(email_open_rate as double) as email_open_rate,
        cast(engaged_days_30d as bigint) as engaged_days_30d,
        cast(support_ticket_count as bigint) as support_ticket_count,
        cast(ln(1 + greatest(cast(revenue as double), 0.0)) as double) as revenue_log,
        cast(ln(1 + cast(order_count as double)) as double) as order_count_log,
        cast(ln(1 + cast(session_count as double)) as double) as session_count_log,
        cast(ln(1 + cast(support_ticket_count as double)) as double) as support_ticket_count_log,
        cast(is_buyer as boolean) as is_buyer,
        cast(has_engagement as boolean) as has_engagement
    from features_raw

)

select * from final
