{#- Every customer of mart_customer_behavior has exactly one row in mart_customer_clusters, in a cluster of
    mart_cluster_profiles whose customer_count matches the rows (0 for a cluster of the fit left without
    customers), and cluster ids run 1..k. Returns the offending
    customers or clusters. -#}
with

behavior as (

    select * from {{ ref('mart_customer_behavior') }}

),

clusters as (

    select * from {{ ref('mart_customer_clusters') }}

),

profiles as (

    select * from {{ ref('mart_cluster_profiles') }}

),

customer_rows as (

    select
        behavior.customer_id,
        count(clusters.customer_id) as cluster_row_count
    from behavior
    left join clusters
        on behavior.customer_id = clusters.customer_id
    group by behavior.customer_id

),

clustered_customers as (

    select distinct customer_id from clusters

),

profile_count as (

    select count(*) as cluster_count from profiles

),

cluster_rows as (

    select
        cluster_id,
        count(*) as customer_count
    from clusters
    group by cluster_id

),

customer_problems as (

    select
        coalesce(customer_rows.customer_id, clustered_customers.customer_id) as problem_key,
        'customer not clustered exactly once' as problem
    from customer_rows
    full outer join clustered_customers
        on customer_rows.customer_id = clustered_customers.customer_id
    where
        customer_rows.customer_id is null
        or clustered_customers.customer_id is null
        or customer_rows.cluster_row_count != 1

),

cluster_problems as (

    select
        cast(coalesce(profiles.cluster_id, cluster_rows.cluster_id) as {{ dbt.type_string() }}) as problem_key,
        'cluster size differs from its profile' as problem
    from profiles
    cross join profile_count
    full outer join cluster_rows
        on profiles.cluster_id = cluster_rows.cluster_id
    where
        profiles.cluster_id is null
        or profiles.customer_count != coalesce(cluster_rows.customer_count, 0)
        or profiles.cluster_id < 1
        or profiles.cluster_id > profile_count.cluster_count

),

final as (

    select * from customer_problems
    union all
    select * from cluster_problems

)

select * from final
