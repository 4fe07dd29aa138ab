{#- Every customer of int_customer_cluster_features scored against the clustering model int_customer_cluster_fit:
    features filled and standardised with the fit's medians, means and sds, then the nearest centroid (ties: the
    lowest cluster id). One pass over the customers every run, whether or not the run refitted. The centroids
    travel as one row (as in cdp_kmeans), so no customer is repeated k times. -#}
{%- set features = cdp_cluster_features() -%}
{%- set feature_names = features | map(attribute='name') | list -%}
{%- set clusters = range(1, var('cdp__cluster_k', 5) + 1) | list -%}
{%- set centroid_columns = [] -%}
{%- set distance_columns = [] -%}
{%- for cluster in clusters -%}
    {%- do distance_columns.append('squared_distance_' ~ cluster) -%}
    {%- for feature in features -%}
        {%- do centroid_columns.append({'cluster': cluster, 'feature': feature.name}) -%}
    {%- endfor -%}
{%- endfor -%}
with

cluster_features as (

    select * from {{ ref('int_customer_cluster_features') }}

),

cluster_fit as (

    select * from {{ ref('int_customer_cluster_fit') }}

),

fit_rows as (

    select
        *,
        1 as centroid_row
    from cluster_fit

),

{# The fit as one row: its scaling (the same on every cluster row) and centroid_<cluster>_<feature>. -#}
fit_row as (

    select
        {% for feature in features if feature.fill == 'median' -%}
            max(fill_{{ feature.unit }}) as fill_{{ feature.unit }},
        {% endfor -%}
        {% for feature in features -%}
            max(scale_mean_{{ feature.unit }}) as scale_mean_{{ feature.unit }},
            max(scale_sd_{{ feature.unit }}) as scale_sd_{{ feature.unit }},
        {% endfor -%}
        {% for column in centroid_columns -%}
            max(case when cluster_id = {{ column.cluster }} then centroid_{{ column.feature }} end)
                as centroid_{{ column.cluster }}_{{ column.feature }},
        {% endfor -%}
        max(centroid_row) as centroid_row
    from fit_rows
    {{ cdp_single_row_group_by('centroid_row') }}

),

standardised as (

    select
        {% for feature in features -%}
            {{ cdp_cluster_z_score(feature, 'cluster_features', 'fit_row') }} as {{ feature.name }},
        {% endfor -%}
        {% for column in centroid_columns -%}
            fit_row.centroid_{{ column.cluster }}_{{ column.feature }},
        {% endfor -%}
        cluster_features.customer_id
    from cluster_features
    cross join fit_row

),

{# A cluster the fit does not have (fewer distinct customers than k) has NULL centroids: never the nearest. -#}
distances as (

    select
        {% for cluster in clusters -%}
            coalesce(
                {{ cdp_squared_distance('standardised', 'standardised', feature_names, 'centroid_' ~ cluster ~ '_') }},
                cast('Infinity' as double)
            ) as squared_distance_{{ cluster }},
        {% endfor -%}
        {% for feature in features -%}
            standardised.{{ feature.name }},
        {% endfor -%}
        standardised.customer_id
    from standardised

),

nearest as (

    select
        *,
        {{ cdp_nearest_of(distance_columns) }} as cluster_id,
        {{ cdp_least_of(distance_columns) }} as squared_distance
    from distances

),

final as (

    select
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(cluster_id as integer) as cluster_id,
        {% for feature in features -%}
            cast({{ feature.name }} as double) as {{ feature.name }},
        {% endfor -%}
        cast(round(sqrt(squared_distance), 9) as double) as distance_to_centroid
    from nearest

)

select * from final
