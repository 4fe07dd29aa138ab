{#- One row per customer: the k-means cluster, its label, the distance to its centroid, and the features the
    clustering saw (original units and z-scores). Method and assumptions: doc block analyses_customer_clusters. -#}
with

features as (

    select * from {{ ref('int_customer_cluster_features') }}

),

assignments as (

    select * from {{ ref('int_customer_clusters_assigned') }}

),

cluster_profiles as (

    select * from {{ ref('mart_cluster_profiles') }}

),

final as (

    select
        cast(assignments.customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(assignments.cluster_id as integer) as cluster_id,
        cast(cluster_profiles.cluster_label as {{ dbt.type_string() }}) as cluster_label,
        cast(assignments.distance_to_centroid as double) as distance_to_centroid,
        cast(features.revenue as decimal(18, 2)) as revenue,
        cast(features.order_count as bigint) as order_count,
        cast(features.recency_days as integer) as recency_days,
        cast(features.session_count as bigint) as session_count,
        cast(features.email_open_rate as double) as email_open_rate,
        cast(features.engaged_days_30d as bigint) as engaged_days_30d,
        cast(features.support_ticket_count as bigint) as support_ticket_count,
        {% for feature in cdp_cluster_features() -%}
            cast(assignments.{{ feature.name }} as double) as {{ feature.name }},
        {% endfor -%}
        cast(features.is_buyer as boolean) as is_buyer,
        cast(features.has_engagement as boolean) as has_engagement
    from assignments
    inner join features
        on assignments.customer_id = features.customer_id
    inner join cluster_profiles
        on assignments.cluster_id = cluster_profiles.cluster_id

)

select * from final
