{#- Robust ("modified") z-score of `value` against a baseline summarised by its median, its median absolute
    deviation (MAD) and its standard deviation (Iglewicz & Hoaglin 1993): (value - median) / (MAD / 0.6745), where
    0.6745 = the 0.75 quantile of the standard normal, so the score reads like a normal z-score while a few
    extreme values barely move median and MAD. When more than half of the baseline is one value (sparse counts:
    most customers open no ticket) the MAD is 0 and the scale falls back to the standard deviation: less robust,
    but the usual mean-absolute-deviation fallback would call every non-zero value of a mostly-zero series
    extreme. `scale_floor` (SQL, optional) is a lower bound of the scale, e.g. the Poisson noise sqrt(median) of
    a count. A scale of 0 (constant baseline): 0 for a value equal to the median, else NULL (never flagged). -#}
{% macro cdp_robust_z_score(value, median, mad, standard_deviation, scale_floor=none) -%}
    {%- set scale -%}
        case
            when {{ mad }} > 0 then {{ mad }} / 0.6745
            when {{ standard_deviation }} > 0 then {{ standard_deviation }}
        end
    {%- endset -%}
    {%- if scale_floor is not none -%}
        {%- set scale = 'greatest(coalesce(' ~ scale ~ ', 0), coalesce(' ~ scale_floor ~ ', 0))' -%}
    {%- endif -%}
    cast(
        case
            when {{ scale }} > 0 then ({{ value }} - {{ median }}) / ({{ scale }})
            when {{ value }} = {{ median }} then 0.0
        end
        as double
    )
{%- endmacro %}

{#- Robust z-score of every point of several daily series against its own trailing baseline: the points of the
    same series in the `window_days` days before it (the day itself excluded, so a spike cannot hide itself), or
    with `same_weekday` only the days a multiple of 7 days before (weekly seasonality). A point needs at least
    `min_baseline_points` baseline points to be scored (NULL robust_z before). The series must be dense (one row
    per series and day, zeros included): a missing day is no baseline point and cannot be flagged. Returns the SQL
    of a query: the partition columns, `<day_column>`, `value`, baseline_point_count, baseline_median,
    baseline_mad, robust_z. `scale_floor`: see cdp_robust_z_score; SQL over `series.<partition column>`
    and `medians.baseline_median`. -#}
{% macro cdp_trailing_robust_z_scores(series_sql, partition_columns, day_column, value_column, window_days=28,
    min_baseline_points=7, same_weekday=false, scale_floor=none) -%}
    {%- set partition_match -%}
        {%- for column in partition_columns %}
            and baseline.{{ column }} = series.{{ column }}
        {%- endfor %}
    {%- endset -%}
    {%- set lag_days = dbt.datediff('baseline.' ~ day_column, 'series.' ~ day_column, 'day') -%}
    with

    robust_series as (

        select
            {%- for column in partition_columns %}
            {{ column }},
            {%- endfor %}
            {{ day_column }},
            cast({{ value_column }} as double) as value
        from ({{ series_sql }}) as series_input

    ),

    robust_baseline_points as (

        select
            {%- for column in partition_columns %}
            series.{{ column }},
            {%- endfor %}
            series.{{ day_column }},
            baseline.value as baseline_value
        from robust_series as series
        inner join robust_series as baseline
            on
                baseline.{{ day_column }} < series.{{ day_column }}
                {{ partition_match }}
        where
            {{ lag_days }} <= {{ window_days }}
            {%- if same_weekday %}
            and {{ lag_days }} % 7 = 0
            {%- endif %}

    ),

    robust_baseline_medians as (

        select
            {%- for column in partition_columns %}
            {{ column }},
            {%- endfor %}
            {{ day_column }},
            count(*) as baseline_point_count,
            {{ cdp_median('baseline_value') }} as baseline_median,
            stddev_pop(baseline_value) as baseline_standard_deviation
        from robust_baseline_points
        group by
            {%- for column in partition_columns %}
            {{ column }},
            {%- endfor %}
            {{ day_column }}

    ),

    robust_baseline_deviations as (

        select
            {%- for column in partition_columns %}
            series.{{ column }},
            {%- endfor %}
            series.{{ day_column }},
            {{ cdp_median('abs(series.baseline_value - baseline.baseline_median)') }} as baseline_mad,
            max(baseline.baseline_standard_deviation) as baseline_standard_deviation
        from robust_baseline_points as series
        inner join robust_baseline_medians as baseline
            on
                baseline.{{ day_column }} = series.{{ day_column }}
                {{ partition_match }}
        group by
            {%- for column in partition_columns %}
            series.{{ column }},
            {%- endfor %}
            series.{{ day_column }}

    ),

    robust_scored as (

        select
            {%- for column in partition_columns %}
            series.{{ column }},
            {%- endfor %}
            series.{{ day_column }},
            series.value,
            coalesce(medians.baseline_point_count, 0) as baseline_point_count,
            medians.baseline_median,
            deviations.baseline_mad,
            case
                when medians.baseline_point_count >= {{ min_baseline_points }}
                    then {{ cdp_robust_z_score('series.value', 'medians.baseline_median', 'deviations.baseline_mad',
                        'deviations.baseline_standard_deviation', scale_floor) }}
            end as robust_z
        from robust_series as series
        left join robust_baseline_medians as medians
            on
                {%- for column in partition_columns %}
                medians.{{ column }} = series.{{ column }} and
                {%- endfor %}
                medians.{{ day_column }} = series.{{ day_column }}
        left join robust_baseline_deviations as deviations
            on
                {%- for column in partition_columns %}
                deviations.{{ column }} = series.{{ column }} and
                {%- endfor %}
                deviations.{{ day_column }} = series.{{ day_column }}

    )

    select * from robust_scored
{%- endmacro %}
