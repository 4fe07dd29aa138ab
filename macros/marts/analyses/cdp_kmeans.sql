{#- Squared euclidean distance between two points given as column prefixes over the same feature names. -#}
{% macro cdp_squared_distance(left_alias, right_alias, features, right_prefix='') -%}
    (
        {%- for feature in features %}
        ({{ left_alias }}.{{ feature }} - {{ right_alias }}.{{ right_prefix }}{{ feature }})
        * ({{ left_alias }}.{{ feature }} - {{ right_alias }}.{{ right_prefix }}{{ feature }})
        {%- if not loop.last %} +{% endif %}
        {%- endfor %}
    )
{%- endmacro %}

{#- k-means (Lloyd's algorithm) in plain SQL, a fixed number of iterations unrolled by Jinja into chained CTEs.

    Initialisation is deterministic, a farthest-point (maximin) variant of k-means++: the first seed is the point
    nearest the mean of all points, each next seed the point farthest from its nearest seed so far. Extreme points
    would grab seeds of their own, so seeds are only drawn from the share `init_trim` of points nearest the mean
    (exact percentile of the distance to the mean). Ties break on the point id, so a build is reproducible.

    Each iteration assigns every point to its nearest centroid (ties: lowest cluster id) and moves each centroid
    to the mean of its points; a centroid left without points stays where it was. Every CTE is referenced once
    (Spark inlines CTEs referenced several times, which would double the plan at every iteration): the previous
    centroid travels inside the assignment rows.

    Returns the SQL of a query: <id_column>, cluster_id (1..k in seed order), distance_to_centroid (euclidean, in
    feature units), centroid_shift (how far the cluster's centroid moved in the last iteration: 0 everywhere
    means converged). Features must already be on comparable scales (e.g. z-scores) and not NULL. -#}
{% macro cdp_kmeans(points_sql, id_column, features, k=5, iterations=12, init_trim=0.95) -%}
    {%- if k < 1 or iterations < 1 -%}
        {{ exceptions.raise_compiler_error("cdp_kmeans: k and iterations must be at least 1") }}
    {%- endif -%}
    with

    kmeans_points as (

        select
            {{ id_column }} as point_id,
            {%- for feature in features %}
            cast({{ feature }} as double) as {{ feature }}{{ "," if not loop.last }}
            {%- endfor %}
        from ({{ points_sql }}) as kmeans_input

    ),

    kmeans_sides as (

        select false as is_new_seed
        union all
        select true as is_new_seed

    ),

    kmeans_mean_distances as (

        select
            points.*,
            {{ cdp_squared_distance('points', 'means', features, 'mean_') }} as squared_distance_to_mean
        from kmeans_points as points
        cross join (
            select
                {%- for feature in features %}
                avg({{ feature }}) as mean_{{ feature }}{{ "," if not loop.last }}
                {%- endfor %}
            from kmeans_points
        ) as means

    ),

    kmeans_seed_candidates as (

        select distances.*
        from kmeans_mean_distances as distances
        cross join (
            select {{ cdp_percentile('squared_distance_to_mean', init_trim) }} as trim_distance
            from kmeans_mean_distances
        ) as trim_threshold
        where distances.squared_distance_to_mean <= trim_threshold.trim_distance

    ),

    kmeans_seeds_1 as (

        select
            1 as cluster_id,
            {%- for feature in features %}
            {{ feature }}{{ "," if not loop.last }}
            {%- endfor %}
        from (
            select
                candidates.*,
                row_number() over (order by candidates.squared_distance_to_mean, candidates.point_id) as seed_rank
            from kmeans_seed_candidates as candidates
        ) as ranked_candidates
        where seed_rank = 1

    ),
    {%- for seed in range(2, k + 1) %}

    kmeans_seed_distances_{{ seed }} as (

        select
            candidates.point_id,
            {%- for feature in features %}
            candidates.{{ feature }},
            seeds.{{ feature }} as seed_{{ feature }},
            {%- endfor %}
            seeds.cluster_id,
            min({{ cdp_squared_distance('candidates', 'seeds', features) }})
                over (partition by candidates.point_id) as squared_distance_to_seeds
        from kmeans_seed_candidates as candidates
        cross join kmeans_seeds_{{ seed - 1 }} as seeds

    ),

    kmeans_seeds_{{ seed }} as (

        {#- the seeds so far (one copy per candidate row) plus the farthest candidate as seed number `seed` -#}
        select distinct
            case when sides.is_new_seed then {{ seed }} else ranked.cluster_id end as cluster_id,
            {%- for feature in features %}
            case when sides.is_new_seed then ranked.{{ feature }} else ranked.seed_{{ feature }} end
                as {{ feature }}{{ "," if not loop.last }}
            {%- endfor %}
        from (
            select
                distances.*,
                row_number() over (
                    order by distances.squared_distance_to_seeds desc, distances.point_id, distances.cluster_id
                ) as farthest_rank
            from kmeans_seed_distances_{{ seed }} as distances
        ) as ranked
        cross join kmeans_sides as sides
        where not sides.is_new_seed or ranked.farthest_rank = 1

    ),
    {%- endfor %}

    kmeans_centroids_0 as (

        select
            cluster_id,
            {%- for feature in features %}
            {{ feature }},
            {%- endfor %}
            cast(null as double) as centroid_shift
        from kmeans_seeds_{{ k }}

    ),
    {%- for iteration in range(1, iterations + 2) %}

    kmeans_assignments_{{ iteration }} as (

        select
            points.point_id,
            {%- for feature in features %}
            points.{{ feature }},
            centroids.{{ feature }} as centroid_{{ feature }},
            {%- endfor %}
            centroids.cluster_id,
            centroids.centroid_shift,
            {{ cdp_squared_distance('points', 'centroids', features) }} as squared_distance,
            row_number() over (
                partition by points.point_id
                order by {{ cdp_squared_distance('points', 'centroids', features) }}, centroids.cluster_id
            ) as distance_rank
        from kmeans_points as points
        cross join kmeans_centroids_{{ iteration - 1 }} as centroids

    ),
    {%- if iteration <= iterations %}

    kmeans_centroids_{{ iteration }} as (

        select
            cluster_id,
            {%- for feature in features %}
            coalesce(avg(case when distance_rank = 1 then {{ feature }} end), max(centroid_{{ feature }}))
                as {{ feature }},
            {%- endfor %}
            sqrt(
                {%- for feature in features %}
                (
                    coalesce(avg(case when distance_rank = 1 then {{ feature }} end), max(centroid_{{ feature }}))
                    - max(centroid_{{ feature }})
                )
                * (
                    coalesce(avg(case when distance_rank = 1 then {{ feature }} end), max(centroid_{{ feature }}))
                    - max(centroid_{{ feature }})
                )
                {%- if not loop.last %} +{% endif %}
                {%- endfor %}
            ) as centroid_shift
        from kmeans_assignments_{{ iteration }}
        group by cluster_id

    ),
    {%- endif %}
    {%- endfor %}

    kmeans_result as (

        select
            point_id as {{ id_column }},
            cluster_id,
            sqrt(squared_distance) as distance_to_centroid,
            centroid_shift
        from kmeans_assignments_{{ iterations + 1 }}
        where distance_rank = 1

    )

    select * from kmeans_result
{%- endmacro %}
