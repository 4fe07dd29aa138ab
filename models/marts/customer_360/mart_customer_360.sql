{#- One wide row per customer: the golden record joined with the engagement, behavioral and attitudinal
    rollups and the customer's segment. Every column is the published column of its part
    (cdp_documented_columns), so the 360 stays in step with the marts it joins. -#}
with

customers as (

    select * from {{ ref('dim_customers') }}

),

engagement as (

    select * from {{ ref('mart_customer_engagement') }}

),

behavior as (

    select * from {{ ref('mart_customer_behavior') }}

),

attitude as (

    select * from {{ ref('mart_customer_attitude') }}

),

clusters as (

    select * from {{ ref('mart_customer_clusters') }}

),

final as (

    select
        {{ cdp_documented_columns('dim_customers', 'customers') }},
        {{ cdp_documented_columns('mart_customer_engagement', 'engagement', except=['customer_id'],
            rename={'complaint_count': 'support_complaint_count'}) }},
        {{ cdp_documented_columns('mart_customer_behavior', 'behavior', except=['customer_id', 'as_of_date']) }},
        {{ cdp_documented_columns('mart_customer_attitude', 'attitude', except=['customer_id'],
            rename={'complaint_count': 'feedback_complaint_count'}) }},
        clusters.cluster_id,
        clusters.cluster_label
    from customers
    left join engagement on customers.customer_id = engagement.customer_id
    left join behavior on customers.customer_id = behavior.customer_id
    left join attitude on customers.customer_id = attitude.customer_id
    left join clusters on customers.customer_id = clusters.customer_id

)

select * from final
