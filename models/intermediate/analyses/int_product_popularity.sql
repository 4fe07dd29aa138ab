{#- The best sellers recommendations fall back on, one row per product of a completed basket: baskets holding it,
    its rank in the whole shop and in its category (ties by product id). Fitted on the schedule of the
    association rules (cdp_analysis_fit_config, doc block analyses_fit_schedule), so a customer's recommendations
    depend only on their own baskets between refits. -#}
{%- set fit_fingerprint = cdp_analysis_fit_fingerprint({'item_level': 'product'}) -%}
{{ cdp_analysis_fit_config(fit_fingerprint) }}
{%- set fitting = cdp_analysis_fitting(fit_fingerprint) %}

with

basket_items as (

    select * from {{ ref('int_basket_items') }}
    where {{ fitting }}

),

product_popularity as (

    select
        item_id as product_id,
        max(item_name) as product_name,
        max(item_category) as category,
        count(*) as basket_count
    from basket_items
    where item_level = 'product'
    group by item_id

),

product_popularity_ranked as (

    select
        product_popularity.*,
        row_number() over (
            order by product_popularity.basket_count desc, product_popularity.product_id asc
        ) as overall_rank,
        row_number() over (
            partition by product_popularity.category
            order by product_popularity.basket_count desc, product_popularity.product_id asc
        ) as category_rank
    from product_popularity

),

final as (

    select
        cast(product_id as {{ dbt.type_string() }}) as product_id,
        cast(product_name as {{ dbt.type_string() }}) as product_name,
        cast(category as {{ dbt.type_string() }}) as category,
        cast(basket_count as bigint) as basket_count,
        cast(overall_rank as bigint) as overall_rank,
        cast(category_rank as bigint) as category_rank,
        {{ cdp_analysis_fit_columns(fit_fingerprint) }}
    from product_popularity_ranked

)

select * from final
