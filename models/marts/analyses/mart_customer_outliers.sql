{#- Customers whose behaviour is extreme on at least one metric of cdp_customer_outlier_metrics (robust z-score
    beyond var('cdp__customer_outlier_z_threshold')): one row per such customer, with every metric's value and
    score, the metrics that triggered and the strongest one. Method and assumptions: doc block
    analyses_customer_outliers. -#}
{%- set metrics = cdp_customer_outlier_metrics() | map(attribute='name') | list -%}
with

outlier_scores as (

    select * from {{ ref('int_customer_outlier_scores') }}

),

customer_scores as (

    select
        customer_id,
        {% for metric in metrics -%}
            max(case when metric_name = '{{ metric }}' then metric_value end) as {{ metric }},
            max(case when metric_name = '{{ metric }}' then robust_z end) as {{ metric }}_robust_z,
            max(case when metric_name = '{{ metric }}' then outlier_direction end) as {{ metric }}_direction,
        {% endfor -%}
        sum(case when is_outlier then 1 else 0 end) as outlier_metric_count
    from outlier_scores
    group by customer_id
    having sum(case when is_outlier then 1 else 0 end) > 0

),

strongest_metrics as (

    select
        customer_id,
        metric_name,
        robust_z,
        outlier_direction,
        row_number() over (partition by customer_id order by abs(robust_z) desc, metric_name asc) as strength_rank
    from outlier_scores
    where is_outlier

),

final as (

    select
        cast(customer_scores.customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(
            concat_ws(
                ', ',
                {% for metric in metrics -%}
                    case
                        when customer_scores.{{ metric }}_direction is not null
                            then {{ dbt.concat(["'" ~ metric ~ " '", 'customer_scores.' ~ metric ~ '_direction']) }}
                    end{{ "," if not loop.last }}
                {% endfor -%}
            ) as {{ dbt.type_string() }}
        ) as triggered_metrics,
        cast(strongest_metrics.metric_name as {{ dbt.type_string() }}) as top_metric,
        cast(strongest_metrics.outlier_direction as {{ dbt.type_string() }}) as top_direction,
        cast(strongest_metrics.robust_z as double) as top_robust_z,
        cast(customer_scores.outlier_metric_count as integer) as outlier_metric_count,
        cast(customer_scores.revenue as decimal(18, 2)) as revenue,
        cast(customer_scores.revenue_robust_z as double) as revenue_robust_z,
        cast(customer_scores.order_count as bigint) as order_count,
        cast(customer_scores.order_count_robust_z as double) as order_count_robust_z,
        cast(customer_scores.average_order_value as decimal(18, 2)) as average_order_value,
        cast(customer_scores.average_order_value_robust_z as double) as average_order_value_robust_z,
        cast(customer_scores.refund_share as double) as refund_share,
        cast(customer_scores.refund_share_robust_z as double) as refund_share_robust_z,
        cast(customer_scores.support_ticket_count as bigint) as support_ticket_count,
        cast(customer_scores.support_ticket_count_robust_z as double) as support_ticket_count_robust_z,
        cast(customer_scores.web_session_count as bigint) as web_session_count,
        cast(customer_scores.web_session_count_robust_z as double) as web_session_count_robust_z
    from customer_scores
    inner join strongest_metrics
        on
            customer_scores.customer_id = strongest_metrics.customer_id
            and strongest_metrics.strength_rank = 1

)

select * from final
