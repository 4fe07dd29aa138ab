{#- Robust z-score of every customer on every outlier metric (cdp_customer_outlier_metrics) against the
    metric's population: one row per customer and metric the customer belongs to the population of. See doc
    block analyses_customer_outliers. -#}
{%- set tail_share = var('cdp__customer_outlier_tail_share', 0.01) -%}
with

behavior as (

    select * from {{ ref('mart_customer_behavior') }}

),

engagement as (

    select * from {{ ref('mart_customer_engagement') }}

),

metric_values as (

    {% for metric in cdp_customer_outlier_metrics() -%}
        select
            behavior.customer_id,
            '{{ metric.name }}' as metric_name,
            cast({{ metric.expression }} as double) as metric_value
        from behavior
        {% if 'engagement.' in metric.expression ~ metric.population -%}
            left join engagement
                on behavior.customer_id = engagement.customer_id
        {% endif -%}
        where {{ metric.population }}
        {% if not loop.last %}union all{% endif %}
    {% endfor -%}

),

metric_medians as (

    select
        metric_name,
        count(*) as population_size,
        {{ cdp_median('metric_value') }} as population_median,
        stddev_pop(metric_value) as population_standard_deviation,
        {{ cdp_percentile('metric_value', tail_share) }} as population_low_tail,
        {{ cdp_percentile('metric_value', 1 - tail_share) }} as population_high_tail
    from metric_values
    group by metric_name

),

metric_deviations as (

    select
        metric_values.metric_name,
        {{ cdp_median('abs(metric_values.metric_value - metric_medians.population_median)') }} as population_mad
    from metric_values
    inner join metric_medians
        on metric_values.metric_name = metric_medians.metric_name
    group by metric_values.metric_name

),

metric_scores as (

    select
        metric_values.customer_id,
        metric_values.metric_name,
        metric_values.metric_value,
        metric_medians.population_size,
        metric_medians.population_median,
        metric_deviations.population_mad,
        metric_medians.population_low_tail,
        metric_medians.population_high_tail,
        {{ cdp_robust_z_score('metric_values.metric_value', 'metric_medians.population_median',
            'metric_deviations.population_mad', 'metric_medians.population_standard_deviation') }} as robust_z
    from metric_values
    inner join metric_medians
        on metric_values.metric_name = metric_medians.metric_name
    inner join metric_deviations
        on metric_values.metric_name = metric_deviations.metric_name

),

{# With a MAD of 0 (most of the population shares one value, e.g. 1 ticket) the standard-deviation scale calls
    the next value up extreme: such a value must also lie beyond the population's tails. -#}
metric_scores_flagged as (

    select
        *,
        coalesce(
            abs(robust_z) > {{ var('cdp__customer_outlier_z_threshold', 3.5) }}
            and (
                population_mad > 0
                or metric_value > population_high_tail
                or metric_value < population_low_tail
            ),
            false
        ) as is_outlier
    from metric_scores

),

final as (

    select
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(metric_name as {{ dbt.type_string() }}) as metric_name,
        cast(metric_value as double) as metric_value,
        cast(population_size as bigint) as population_size,
        cast(population_median as double) as population_median,
        cast(population_mad as double) as population_mad,
        cast(population_low_tail as double) as population_low_tail,
        cast(population_high_tail as double) as population_high_tail,
        cast(robust_z as double) as robust_z,
        cast(is_outlier as boolean) as is_outlier,
        cast(
            case
                when is_outlier and robust_z > 0 then 'high'
                when is_outlier then 'low'
            end as {{ dbt.type_string() }}
        ) as outlier_direction
    from metric_scores_flagged

)

select * from final
