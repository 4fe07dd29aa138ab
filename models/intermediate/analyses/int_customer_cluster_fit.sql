{#- The customer clustering model, one row per cluster, fitted on a schedule (cdp_analysis_fit_config): the
    medians that fill missing recency / open rate, the mean and sd that standardise each feature, and the k-means
    centroids (cdp_kmeans over every customer of int_customer_cluster_features), numbered by size at the fit.
    A run that keeps the fit reads no customer and appends nothing. See doc blocks analyses_customer_clusters
    and analyses_fit_schedule. -#}
{%- set features = cdp_cluster_features() -%}
{%- set fit_fingerprint = cdp_analysis_fit_fingerprint({
    'k': var('cdp__cluster_k', 5),
    'iterations': var('cdp__cluster_iterations', 15),
    'init_trim': var('cdp__cluster_init_trim', 0.95),
    'features': features,
}) -%}
{{ cdp_analysis_fit_config(fit_fingerprint) }}
{%- set fitting = cdp_analysis_fitting(fit_fingerprint) %}

with

cluster_features as (

    select * from {{ ref('int_customer_cluster_features') }}
    where {{ fitting }}

),

{# Missing is not zero for recency (never bought) and open rate (never mailed): the median keeps them neutral. -#}
fills as (

    select
        {% for feature in features if feature.fill == 'median' -%}
            {{ cdp_median(feature.source) }} as fill_{{ feature.unit }},
        {% endfor -%}
        count(*) as customer_count
    from cluster_features

),

scaling as (

    select
        {% for feature in features -%}
            round(avg({{ cdp_cluster_feature_value(feature, 'cluster_features', 'fills') }}), 12)
                as scale_mean_{{ feature.unit }},
            round(stddev_pop({{ cdp_cluster_feature_value(feature, 'cluster_features', 'fills') }}), 12)
                as scale_sd_{{ feature.unit }},
        {% endfor -%}
        {% for feature in features if feature.fill == 'median' -%}
            max(fills.fill_{{ feature.unit }}) as fill_{{ feature.unit }},
        {% endfor -%}
        count(*) as customer_count
    from cluster_features
    cross join fills

),

standardised as (

    select
        {% for feature in features -%}
            {{ cdp_cluster_z_score(feature, 'cluster_features', 'scaling') }} as {{ feature.name }},
        {% endfor -%}
        cluster_features.customer_id
    from cluster_features
    cross join scaling

),

kmeans_clusters as (

    {{ cdp_kmeans(
        'select * from standardised',
        'customer_id',
        features | map(attribute='name') | list,
        k=var('cdp__cluster_k', 5),
        iterations=var('cdp__cluster_iterations', 15),
        init_trim=var('cdp__cluster_init_trim', 0.95)
    ) }}

),

{# The final centroids: the mean of each cluster's customers after the last iteration. -#}
centroids as (

    select
        cluster_id as kmeans_cluster_id,
        count(*) as customer_count,
        {% for feature in features -%}
            avg({{ feature.name }}) as centroid_{{ feature.name }},
        {% endfor -%}
        max(centroid_shift) as last_iteration_centroid_shift
    from kmeans_clusters
    group by cluster_id

),

centroids_numbered as (

    select
        centroids.*,
        row_number() over (order by centroids.customer_count desc, centroids.kmeans_cluster_id asc) as cluster_id
    from centroids

),

final as (

    select
        cast(centroids_numbered.cluster_id as integer) as cluster_id,
        cast(centroids_numbered.kmeans_cluster_id as integer) as kmeans_cluster_id,
        cast(centroids_numbered.customer_count as bigint) as fitted_customer_count,
        {% for feature in features -%}
            cast(round(centroids_numbered.centroid_{{ feature.name }}, 9) as double) as centroid_{{ feature.name }},
        {% endfor -%}
        {% for feature in features if feature.fill == 'median' -%}
            cast(scaling.fill_{{ feature.unit }} as double) as fill_{{ feature.unit }},
        {% endfor -%}
        {% for feature in features -%}
            cast(scaling.scale_mean_{{ feature.unit }} as double) as scale_mean_{{ feature.unit }},
            cast(scaling.scale_sd_{{ feature.unit }} as double) as scale_sd_{{ feature.unit }},
        {% endfor -%}
        cast(round(centroids_numbered.last_iteration_centroid_shift, 9) as double) as last_iteration_centroid_shift,
        {{ cdp_analysis_fit_columns(fit_fingerprint) }}
    from centroids_numbered
    cross join scaling

)

select * from final
