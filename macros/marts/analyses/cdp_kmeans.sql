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

{#- The smallest of a list of SQL expressions (Spark's least() needs two arguments at least). -#}
{% macro cdp_least_of(expressions) -%}
    {%- if expressions | length == 1 -%}
        {{ expressions[0] }}
    {%- else -%}
        least({{ expressions | join(', ') }})
    {%- endif -%}
{%- endmacro %}

{#- The 1-based position of the smallest of a list of SQL expressions (ties: the first), never NULL. -#}
{% macro cdp_nearest_of(expressions) -%}
    {%- if expressions | length == 1 -%}
        1
    {%- else -%}
    case least(
        {%- for expression in expressions %}
        {{ expression }}{{ "," if not loop.last }}
        {%- endfor %}
    )
        {%- for expression in expressions[:-1] %}
        when {{ expression }} then {{ loop.index }}
        {%- endfor %}
        else {{ expressions | length }}
    end
    {%- endif -%}
{%- endmacro %}

{#- The GROUP BY of an aggregate that yields the single row of centroids (or seeds) of cdp_kmeans; see its yml. -#}
{% macro cdp_single_row_group_by(key_column) -%}
    {{ return(adapter.dispatch('cdp_single_row_group_by', 'cdp')(key_column)) }}
{%- endmacro %}

{% macro default__cdp_single_row_group_by(key_column) -%}
    group by {{ key_column }}
{%- endmacro %}

{#- DuckDB: an ungrouped aggregate, several times faster than grouping by a key with one value. -#}
{% macro duckdb__cdp_single_row_group_by(key_column) -%}
{%- endmacro %}

{#- k-means (Lloyd's algorithm) in plain SQL, a fixed number of iterations unrolled by Jinja into chained CTEs.

    Initialisation is deterministic, a farthest-point (maximin) variant of k-means++: the first seed is the point
    nearest the mean of all points, each next seed the point farthest from its nearest seed so far. Extreme points
    would grab seeds of their own, so seeds are only drawn from the share `init_trim` of points nearest the mean
    (exact percentile of the distance to the mean). Ties break on the point id, so a build is reproducible.

    Each iteration assigns every point to its nearest centroid (ties: lowest cluster id) and moves each centroid
    to the mean of its points; a centroid left without points stays where it was.

    The k centroids travel as one row (centroid_<j>_<feature>, shift_<j>), so an iteration is a single pass over
    the points: cross join that row, compute the k distances side by side, and aggregate the next row without a
    GROUP BY, each cluster averaging the points nearest to it. No point is
    ever repeated k times and nothing is sorted per point. Each iteration is one CTE of explicit columns plus the
    aggregate, every CTE referenced once: Spark inlines CTEs referenced several times (doubling the plan at every
    iteration), and its analyzer gives up on plans nested much deeper (100 resolution passes). On Spark the
    single-row aggregates group by a constant key (cdp_single_row_group_by).

    Returns the SQL of a query: <id_column>, the features, cluster_id (1..k in seed order), distance_to_centroid (euclidean, in
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
            max(centroid_row) as centroid_row,
            {%- for feature in features %}
            max({{ feature }}) as seed_1_{{ feature }}{{ "," if not loop.last }}
            {%- endfor %}
        from (
            select
                candidates.point_id,
                {%- for feature in features %}
                candidates.{{ feature }},
                {%- endfor %}
                1 as centroid_row,
                row_number() over (order by candidates.squared_distance_to_mean, candidates.point_id) as seed_rank
            from kmeans_seed_candidates as candidates
        ) as ranked_candidates
        where seed_rank = 1
        {{ cdp_single_row_group_by('centroid_row') }}

    ),
    {%- for seed in range(2, k + 1) %}

    kmeans_seeds_{{ seed }} as (

        {#- the seeds so far plus the candidate farthest from its nearest seed as seed number `seed` -#}
        {%- set seed_distances = [] -%}
        {%- for previous in range(1, seed) -%}
            {%- do seed_distances.append(cdp_squared_distance('candidates', 'seeds', features, 'seed_' ~ previous ~ '_')) -%}
        {%- endfor %}
        select
            max(centroid_row) as centroid_row,
            {%- for previous in range(1, seed) %}
            {%- for feature in features %}
            max(seed_{{ previous }}_{{ feature }}) as seed_{{ previous }}_{{ feature }},
            {%- endfor %}
            {%- endfor %}
            {%- for feature in features %}
            max({{ feature }}) as seed_{{ seed }}_{{ feature }}
                {{- "," if not loop.last }}
            {%- endfor %}
        from (
            select
                candidates.point_id,
                {%- for feature in features %}
                candidates.{{ feature }},
                {%- endfor %}
                seeds.centroid_row,
                {%- for previous in range(1, seed) %}
                {%- for feature in features %}
                seeds.seed_{{ previous }}_{{ feature }},
                {%- endfor %}
                {%- endfor %}
                row_number() over (
                    order by {{ cdp_least_of(seed_distances) }} desc, candidates.point_id
                ) as farthest_rank
            from kmeans_seed_candidates as candidates
            cross join kmeans_seeds_{{ seed - 1 }} as seeds
        ) as ranked_candidates
        where farthest_rank = 1
        {{ cdp_single_row_group_by('centroid_row') }}

    ),
    {%- endfor %}

    kmeans_centroids_0 as (

        select
            {%- for cluster in range(1, k + 1) %}
            {%- for feature in features %}
            seed_{{ cluster }}_{{ feature }} as centroid_{{ cluster }}_{{ feature }},
            {%- endfor %}
            {%- endfor %}
            centroid_row
        from kmeans_seeds_{{ k }}

    ),
    {%- for iteration in range(1, iterations + 2) %}

    kmeans_assignments_{{ iteration }} as (

        select
            point_id,
            {%- for feature in features %}
            {{ feature }},
            {%- endfor %}
            {%- for cluster in range(1, k + 1) %}
            {%- if iteration <= iterations %}
            {%- for feature in features %}
            centroid_{{ cluster }}_{{ feature }},
            {%- endfor %}
            {%- else %}
            shift_{{ cluster }},
            {%- endif %}
            {%- endfor %}
            {%- for cluster in range(1, k + 1) %}
            squared_distance_{{ cluster }},
            {%- endfor %}
            {#- the else branch of cdp_nearest_of keeps the expression non-nullable: Spark would otherwise infer
                `is not null` filters on it and inline the whole distance arithmetic into the join below, a plan
                that grows past any heap. #}
            {%- set distance_columns = [] -%}
            {%- for cluster in range(1, k + 1) -%}
                {%- do distance_columns.append('squared_distance_' ~ cluster) -%}
            {%- endfor %}
            {{ cdp_nearest_of(distance_columns) }} as cluster_id,
            centroid_row
        from (
            select
                points.point_id,
                {%- for feature in features %}
                points.{{ feature }},
                {%- endfor %}
                {%- for cluster in range(1, k + 1) %}
                {%- if iteration <= iterations %}
                {%- for feature in features %}
                centroids.centroid_{{ cluster }}_{{ feature }},
                {%- endfor %}
                {%- else %}
                centroids.shift_{{ cluster }},
                {%- endif %}
                {%- endfor %}
                centroids.centroid_row,
                {%- for cluster in range(1, k + 1) %}
                {{ cdp_squared_distance('points', 'centroids', features, 'centroid_' ~ cluster ~ '_') }}
                    as squared_distance_{{ cluster }}{{ "," if not loop.last }}
                {%- endfor %}
            from kmeans_points as points
            cross join kmeans_centroids_{{ iteration - 1 }} as centroids
        ) as distances

    ),
    {%- if iteration <= iterations %}

    kmeans_centroids_{{ iteration }} as (

        select
            max(centroid_row) as centroid_row,
            {%- for cluster in range(1, k + 1) %}
            {%- for feature in features %}
            coalesce(
                avg(case when cluster_id = {{ cluster }} then {{ feature }} end),
                max(centroid_{{ cluster }}_{{ feature }})
            ) as centroid_{{ cluster }}_{{ feature }}
            {{- "," if not (loop.last and cluster == k and iteration < iterations) }}
            {%- endfor %}
            {%- if iteration == iterations %}
            sqrt(
                {%- for feature in features %}
                (
                    coalesce(
                        avg(case when cluster_id = {{ cluster }} then {{ feature }} end),
                        max(centroid_{{ cluster }}_{{ feature }})
                    )
                    - max(centroid_{{ cluster }}_{{ feature }})
                )
                * (
                    coalesce(
                        avg(case when cluster_id = {{ cluster }} then {{ feature }} end),
                        max(centroid_{{ cluster }}_{{ feature }})
                    )
                    - max(centroid_{{ cluster }}_{{ feature }})
                )
                {%- if not loop.last %} +{% endif %}
                {%- endfor %}
            ) as shift_{{ cluster }}{{ "," if not loop.last }}
            {%- endif %}
            {%- endfor %}
        from kmeans_assignments_{{ iteration }}
        {{ cdp_single_row_group_by('centroid_row') }}

    ),
    {%- endif %}
    {%- endfor %}

    kmeans_result as (

        select
            point_id as {{ id_column }},
            {%- for feature in features %}
            {{ feature }},
            {%- endfor %}
            cluster_id,
            sqrt(case cluster_id
                {%- for cluster in range(1, k + 1) %}
                when {{ cluster }} then squared_distance_{{ cluster }}
                {%- endfor %}
            end) as distance_to_centroid,
            case cluster_id
                {%- for cluster in range(1, k + 1) %}
                when {{ cluster }} then shift_{{ cluster }}
                {%- endfor %}
            end as centroid_shift
        from kmeans_assignments_{{ iterations + 1 }}

    )

    select * from kmeans_result
{%- endmacro %}
