{#- k-means (cdp_kmeans) over the standardised features of int_customer_cluster_features: one row per customer
    with its cluster and distance to the cluster centroid. Clusters are numbered by size (1 = largest). -#}
{%- set feature_names = cdp_cluster_features() | map(attribute='name') | list -%}
{%- set points_sql -%}
    select
        customer_id,
        {{ feature_names | join(', ') }}
    from {{ ref('int_customer_cluster_features') }}
{%- endset %}
with

kmeans_clusters as (

    {{ cdp_kmeans(
        points_sql,
        'customer_id',
        feature_names,
        k=var('cdp__cluster_k', 5),
        iterations=var('cdp__cluster_iterations', 15),
        init_trim=var('cdp__cluster_init_trim', 0.95)
    ) }}

),

cluster_sizes as (

    select
        cluster_id as kmeans_cluster_id,
        count(*) as customer_count
    from kmeans_clusters
    group by cluster_id

),

clusters_numbered as (

    select
        kmeans_cluster_id,
        row_number() over (order by customer_count desc, kmeans_cluster_id asc) as cluster_id
    from cluster_sizes

),

final as (

    select
        cast(kmeans_clusters.customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(clusters_numbered.cluster_id as integer) as cluster_id,
        cast(kmeans_clusters.cluster_id as integer) as kmeans_cluster_id,
        cast(round(kmeans_clusters.distance_to_centroid, 9) as double) as distance_to_centroid,
        cast(round(kmeans_clusters.centroid_shift, 9) as double) as centroid_shift
    from kmeans_clusters
    inner join clusters_numbered
        on kmeans_clusters.cluster_id = clusters_numbered.kmeans_cluster_id

)

select * from final
