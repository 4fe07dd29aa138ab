{#- cdp_kmeans with k = 3 on three well separated blobs (seeds/tests/analyses/analyses_kmeans_points.csv) must
    give back exactly the blobs: every expected group maps to one cluster, every cluster to one group, and every
    point gets one cluster. Returns the offending points (the test fails on any row). -#}
{%- set points_sql -%}
    select point_id, feature_x, feature_y, feature_z from {{ ref('analyses_kmeans_points') }}
{%- endset %}
with

points as (

    select * from {{ ref('analyses_kmeans_points') }}

),

clustered as (

    {{ cdp_kmeans(points_sql, 'point_id', ['feature_x', 'feature_y', 'feature_z'], k=3, iterations=5) }}

),

paired as (

    select
        points.point_id,
        points.expected_group,
        clustered.cluster_id
    from points
    left join clustered
        on points.point_id = clustered.point_id

),

point_rows as (

    select
        point_id,
        count(cluster_id) as cluster_rows
    from paired
    group by point_id

),

group_clusters as (

    select
        expected_group,
        count(distinct cluster_id) as clusters_of_group
    from paired
    group by expected_group

),

cluster_groups as (

    select
        cluster_id,
        count(distinct expected_group) as groups_of_cluster
    from paired
    group by cluster_id

),

compared as (

    select
        paired.point_id,
        paired.expected_group,
        paired.cluster_id,
        point_rows.cluster_rows,
        group_clusters.clusters_of_group,
        cluster_groups.groups_of_cluster
    from paired
    inner join point_rows
        on paired.point_id = point_rows.point_id
    inner join group_clusters
        on paired.expected_group = group_clusters.expected_group
    left join cluster_groups
        on paired.cluster_id = cluster_groups.cluster_id

),

final as (

    select *
    from compared
    where
        cluster_id is null
        or cluster_rows != 1
        or clusters_of_group != 1
        or groups_of_cluster != 1

)

select * from final
