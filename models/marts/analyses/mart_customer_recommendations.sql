{#- "Customers also bought": for every customer with a completed order, the top N products they have not bought,
    scored from the product association rules of what they did buy, topped up with the best sellers of their
    favourite category and then of the whole shop. Method and assumptions: doc block
    analyses_customer_recommendations. Incremental by customer on DuckDB (cdp_customer_incremental_config): a run
    rewrites the customers the customer change feed lists (new orders, merges), and everyone after a refit of
    the rules or the best sellers (doc block analyses_fit_schedule); a table on Spark. -#}
{%- set top_n = var('cdp__reco_top_n', 5) %}
{%- set fitted_inputs = ['mart_basket_association_rules', 'int_product_popularity'] %}
{{ cdp_customer_incremental_config(fitted_inputs=fitted_inputs) }}
{%- set from_feed = not cdp_customer_changes_unreadable(ref('int_customer_ids'), fitted_inputs) %}

with

{{ cdp_changed_customers_cte(from_feed) }}

basket_items as (

    select * from {{ cdp_changed_customer_rows(ref('int_basket_items'), from_feed) }}

),

association_rules as (

    select * from {{ ref('mart_basket_association_rules') }}

),

product_popularity_ranked as (

    select * from {{ ref('int_product_popularity') }}

),

customer_products as (

    select
        customer_id,
        item_id as product_id,
        max(item_category) as category
    from basket_items
    where
        item_level = 'product'
        and customer_id is not null
    group by customer_id, item_id

),

customer_product_counts as (

    select
        customer_id,
        count(*) as bought_product_count
    from customer_products
    group by customer_id

),

customer_categories as (

    select
        customer_id,
        item_id as category,
        count(*) as basket_count,
        max(order_date) as last_order_date
    from basket_items
    where
        item_level = 'category'
        and customer_id is not null
    group by customer_id, item_id

),

favourite_categories_ranked as (

    select
        customer_categories.*,
        row_number() over (
            partition by customer_categories.customer_id
            order by
                customer_categories.basket_count desc,
                customer_categories.last_order_date desc,
                customer_categories.category asc
        ) as category_rank
    from customer_categories

),

favourite_categories as (

    select
        favourite_categories_ranked.customer_id,
        favourite_categories_ranked.category as favourite_category,
        coalesce(sum(case when customer_products.product_id is not null then 1 else 0 end), 0)
            as bought_in_category_count
    from favourite_categories_ranked
    left join customer_products
        on
            favourite_categories_ranked.customer_id = customer_products.customer_id
            and favourite_categories_ranked.category = customer_products.category
    where favourite_categories_ranked.category_rank = 1
    group by favourite_categories_ranked.customer_id, favourite_categories_ranked.category

),

recommendable_rules as (

    select
        antecedent_id,
        antecedent_name,
        consequent_id,
        confidence,
        lift,
        confidence * lift as rule_score
    from association_rules
    where
        rule_level = 'product'
        and lift > {{ var('cdp__reco_min_lift', 1.0) }}

),

rule_hits as (

    select
        customer_products.customer_id,
        recommendable_rules.consequent_id as product_id,
        recommendable_rules.antecedent_id,
        recommendable_rules.antecedent_name,
        recommendable_rules.confidence,
        recommendable_rules.lift,
        recommendable_rules.rule_score,
        row_number() over (
            partition by customer_products.customer_id, recommendable_rules.consequent_id
            order by recommendable_rules.rule_score desc, recommendable_rules.antecedent_id asc
        ) as reason_rank,
        sum(recommendable_rules.rule_score) over (
            partition by customer_products.customer_id, recommendable_rules.consequent_id
        ) as candidate_score,
        count(*) over (
            partition by customer_products.customer_id, recommendable_rules.consequent_id
        ) as supporting_rule_count
    from customer_products
    inner join recommendable_rules
        on customer_products.product_id = recommendable_rules.antecedent_id
    left join customer_products as already_bought
        on
            customer_products.customer_id = already_bought.customer_id
            and recommendable_rules.consequent_id = already_bought.product_id
    where already_bought.product_id is null

),

rule_candidates as (

    select
        customer_id,
        product_id,
        1 as source_priority,
        'association_rule' as recommendation_source,
        candidate_score as score,
        supporting_rule_count,
        antecedent_id as reason_product_id,
        antecedent_name as reason_product_name,
        confidence as reason_confidence,
        lift as reason_lift
    from rule_hits
    where reason_rank = 1

),

{# Enough best sellers to fill the list even when the customer bought the top ones: N + what they bought. -#}
favourite_category_candidates as (

    select
        favourite_categories.customer_id,
        product_popularity_ranked.product_id,
        2 as source_priority,
        'favourite_category' as recommendation_source,
        cast(product_popularity_ranked.basket_count as double) as score,
        0 as supporting_rule_count,
        cast(null as {{ dbt.type_string() }}) as reason_product_id,
        cast(null as {{ dbt.type_string() }}) as reason_product_name,
        cast(null as double) as reason_confidence,
        cast(null as double) as reason_lift
    from favourite_categories
    inner join product_popularity_ranked
        on
            favourite_categories.favourite_category = product_popularity_ranked.category
            and product_popularity_ranked.category_rank
            <= {{ top_n }} + favourite_categories.bought_in_category_count

),

best_seller_candidates as (

    select
        customer_product_counts.customer_id,
        product_popularity_ranked.product_id,
        3 as source_priority,
        'best_seller' as recommendation_source,
        cast(product_popularity_ranked.basket_count as double) as score,
        0 as supporting_rule_count,
        cast(null as {{ dbt.type_string() }}) as reason_product_id,
        cast(null as {{ dbt.type_string() }}) as reason_product_name,
        cast(null as double) as reason_confidence,
        cast(null as double) as reason_lift
    from customer_product_counts
    inner join product_popularity_ranked
        on product_popularity_ranked.overall_rank <= {{ top_n }} + customer_product_counts.bought_product_count

),

fallback_candidates as (

    select * from favourite_category_candidates
    union all
    select * from best_seller_candidates

),

fallback_candidates_new as (

    select fallback_candidates.*
    from fallback_candidates
    left join customer_products as already_bought
        on
            fallback_candidates.customer_id = already_bought.customer_id
            and fallback_candidates.product_id = already_bought.product_id
    where already_bought.product_id is null

),

candidates as (

    select * from rule_candidates
    union all
    select * from fallback_candidates_new

),

candidates_ranked as (

    select
        candidates.*,
        row_number() over (
            partition by candidates.customer_id, candidates.product_id
            order by candidates.source_priority
        ) as source_rank
    from candidates

),

recommendations_ranked as (

    select
        candidates_ranked.*,
        row_number() over (
            partition by candidates_ranked.customer_id
            order by
                candidates_ranked.source_priority asc,
                candidates_ranked.score desc,
                product_popularity_ranked.basket_count desc,
                candidates_ranked.product_id asc
        ) as recommendation_rank,
        product_popularity_ranked.product_name,
        product_popularity_ranked.category,
        favourite_categories.favourite_category
    from candidates_ranked
    inner join product_popularity_ranked
        on candidates_ranked.product_id = product_popularity_ranked.product_id
    left join favourite_categories
        on candidates_ranked.customer_id = favourite_categories.customer_id
    where candidates_ranked.source_rank = 1

),

final as (

    select
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(recommendation_rank as integer) as recommendation_rank,
        cast(product_id as {{ dbt.type_string() }}) as product_id,
        cast(product_name as {{ dbt.type_string() }}) as product_name,
        cast(category as {{ dbt.type_string() }}) as product_category,
        cast(recommendation_source as {{ dbt.type_string() }}) as recommendation_source,
        cast(score as double) as score,
        cast(supporting_rule_count as integer) as supporting_rule_count,
        cast(reason_product_id as {{ dbt.type_string() }}) as reason_product_id,
        cast(reason_product_name as {{ dbt.type_string() }}) as reason_product_name,
        cast(reason_confidence as double) as reason_confidence,
        cast(reason_lift as double) as reason_lift,
        cast(favourite_category as {{ dbt.type_string() }}) as favourite_category
    from recommendations_ranked
    where recommendation_rank <= {{ top_n }}

)

select * from final
