{#- Every recommendation is a product the customer never bought in a completed order; ranks run 1..n without
    gaps; a rule-based recommendation names a reason product the customer did buy and a product rule
    reason -> recommended product with lift > 1 exists. Returns the offending recommendations. -#}
with

recommendations as (

    select * from {{ ref('mart_customer_recommendations') }}

),

order_lines as (

    select * from {{ ref('fct_order_lines') }}

),

rules as (

    select * from {{ ref('mart_basket_association_rules') }}
    where rule_level = 'product'

),

bought as (

    select distinct
        customer_id,
        product_id
    from order_lines
    where
        status = 'completed'
        and customer_id is not null

),

checked as (

    select
        recommendations.customer_id,
        recommendations.recommendation_rank,
        recommendations.product_id,
        recommendations.recommendation_source,
        already_bought.product_id as already_bought_product_id,
        reason_bought.product_id as reason_bought_product_id,
        rules.lift as rule_lift,
        count(*) over (partition by recommendations.customer_id) as recommendation_count,
        max(recommendations.recommendation_rank) over (partition by recommendations.customer_id) as max_rank
    from recommendations
    left join bought as already_bought
        on
            recommendations.customer_id = already_bought.customer_id
            and recommendations.product_id = already_bought.product_id
    left join bought as reason_bought
        on
            recommendations.customer_id = reason_bought.customer_id
            and recommendations.reason_product_id = reason_bought.product_id
    left join rules
        on
            recommendations.reason_product_id = rules.antecedent_id
            and recommendations.product_id = rules.consequent_id

),

final as (

    select *
    from checked
    where
        already_bought_product_id is not null
        or recommendation_count != max_rank
        or recommendation_count > {{ var('cdp__reco_top_n', 5) }}
        or (
            recommendation_source = 'association_rule'
            and (reason_bought_product_id is null or rule_lift is null or rule_lift <= 1)
        )

)

select * from final
