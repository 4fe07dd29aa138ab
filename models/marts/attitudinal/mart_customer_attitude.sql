{#- One row per resolved customer (every customer_id of int_customer_ids, like dim_customers): what they told
    us and how they feel. Customers who never gave feedback have zero counts and NULL scores. The rollups come
    from int_customer_attitude_totals (incremental by customer); the days since the last feedback are counted
    here, on the as-of day. -#}
with

attitude_totals as (

    select * from {{ ref('int_customer_attitude_totals') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

final as (

    select
        cast(attitude_totals.customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(attitude_totals.latest_nps_category as {{ dbt.type_string() }}) as latest_nps_category,
        cast({{ cdp_sentiment_label('attitude_totals.avg_sentiment_score') }} as {{ dbt.type_string() }})
            as sentiment_label,
        cast(attitude_totals.top_complaint_topic as {{ dbt.type_string() }}) as top_complaint_topic,
        cast(attitude_totals.top_purchase_criterion as {{ dbt.type_string() }}) as top_purchase_criterion,
        cast(attitude_totals.nps_response_count as bigint) as nps_response_count,
        cast(attitude_totals.latest_nps_score as integer) as latest_nps_score,
        cast(attitude_totals.csat_response_count as bigint) as csat_response_count,
        cast(attitude_totals.avg_csat_score as double) as avg_csat_score,
        cast(attitude_totals.review_count as bigint) as review_count,
        cast(attitude_totals.avg_review_rating as double) as avg_review_rating,
        cast(attitude_totals.feedback_count as bigint) as feedback_count,
        cast(attitude_totals.avg_sentiment_score as double) as avg_sentiment_score,
        cast(attitude_totals.positive_feedback_count as bigint) as positive_feedback_count,
        cast(attitude_totals.negative_feedback_count as bigint) as negative_feedback_count,
        cast(attitude_totals.complaint_count as bigint) as complaint_count,
        cast(
            {{ dbt.datediff('attitude_totals.last_feedback_date', 'as_of.as_of_date', 'day') }}
            as integer
        ) as days_since_last_feedback,
        cast(attitude_totals.latest_nps_at as timestamp) as latest_nps_at,
        cast(attitude_totals.last_feedback_at as timestamp) as last_feedback_at
    from attitude_totals
    cross join as_of

)

select * from final
