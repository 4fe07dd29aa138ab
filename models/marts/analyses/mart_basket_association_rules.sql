{#- Association rules antecedent -> consequent between pairs of items bought in the same basket (one completed
    order), for products and for categories, with support, confidence, lift, leverage and conviction. Method and
    assumptions: doc block analyses_association_rules. Fitted on a schedule (cdp_analysis_fit_config, doc block
    analyses_fit_schedule): a run that keeps the rules reads no basket and appends nothing. -#}
{%- set fit_fingerprint = cdp_analysis_fit_fingerprint({
    'min_pair_count': var('cdp__assoc_min_pair_count', 3),
    'min_support': var('cdp__assoc_min_support', 0.0005),
    'min_confidence': var('cdp__assoc_min_confidence', 0.05),
}) -%}
{{ cdp_analysis_fit_config(fit_fingerprint) }}
{%- set fitting = cdp_analysis_fitting(fit_fingerprint) %}

with

basket_items as (

    select * from {{ ref('int_basket_items') }}
    where {{ fitting }}

),

basket_totals as (

    select
        item_level,
        count(distinct order_id) as total_basket_count
    from basket_items
    group by item_level

),

item_baskets as (

    select
        item_level,
        item_id,
        max(item_name) as item_name,
        count(*) as item_basket_count
    from basket_items
    group by item_level, item_id

),

pair_baskets as (

    select
        antecedents.item_level,
        antecedents.item_id as antecedent_id,
        consequents.item_id as consequent_id,
        count(*) as basket_count
    from basket_items as antecedents
    inner join basket_items as consequents
        on
            antecedents.item_level = consequents.item_level
            and antecedents.order_id = consequents.order_id
            and antecedents.item_id != consequents.item_id
    group by antecedents.item_level, antecedents.item_id, consequents.item_id
    having count(*) >= {{ var('cdp__assoc_min_pair_count', 3) }}

),

rules_measured as (

    select
        pair_baskets.item_level as rule_level,
        pair_baskets.antecedent_id,
        antecedents.item_name as antecedent_name,
        pair_baskets.consequent_id,
        consequents.item_name as consequent_name,
        pair_baskets.basket_count,
        antecedents.item_basket_count as antecedent_basket_count,
        consequents.item_basket_count as consequent_basket_count,
        basket_totals.total_basket_count,
        cast(pair_baskets.basket_count as double) / basket_totals.total_basket_count as support,  -- noqa: RF04
        cast(antecedents.item_basket_count as double) / basket_totals.total_basket_count as antecedent_support,
        cast(consequents.item_basket_count as double) / basket_totals.total_basket_count as consequent_support,
        cast(pair_baskets.basket_count as double) / antecedents.item_basket_count as confidence
    from pair_baskets
    inner join basket_totals
        on pair_baskets.item_level = basket_totals.item_level
    inner join item_baskets as antecedents
        on
            pair_baskets.item_level = antecedents.item_level
            and pair_baskets.antecedent_id = antecedents.item_id
    inner join item_baskets as consequents
        on
            pair_baskets.item_level = consequents.item_level
            and pair_baskets.consequent_id = consequents.item_id

),

rules_kept as (

    select
        *,
        confidence / consequent_support as lift,
        support - antecedent_support * consequent_support as leverage,
        case
            when confidence < 1 then (1 - consequent_support) / (1 - confidence)
        end as conviction
    from rules_measured
    where
        support >= {{ var('cdp__assoc_min_support', 0.0005) }}
        and confidence >= {{ var('cdp__assoc_min_confidence', 0.05) }}

),

rules_ranked as (

    select
        *,
        row_number() over (
            partition by rule_level
            order by lift desc, confidence desc, basket_count desc, antecedent_id asc, consequent_id asc
        ) as lift_rank
    from rules_kept

),

final as (

    select
        cast(rule_level as {{ dbt.type_string() }}) as rule_level,
        cast(antecedent_id as {{ dbt.type_string() }}) as antecedent_id,
        cast(antecedent_name as {{ dbt.type_string() }}) as antecedent_name,
        cast(consequent_id as {{ dbt.type_string() }}) as consequent_id,
        cast(consequent_name as {{ dbt.type_string() }}) as consequent_name,
        cast(basket_count as bigint) as basket_count,
        cast(antecedent_basket_count as bigint) as antecedent_basket_count,
        cast(consequent_basket_count as bigint) as consequent_basket_count,
        cast(total_basket_count as bigint) as total_basket_count,
        cast(support as double) as support,  -- noqa: RF04
        cast(antecedent_support as double) as antecedent_support,
        cast(consequent_support as double) as consequent_support,
        cast(confidence as double) as confidence,
        cast(lift as double) as lift,
        cast(leverage as double) as leverage,
        cast(conviction as double) as conviction,
        cast(lift_rank as bigint) as lift_rank,
        {{ cdp_analysis_fit_columns(fit_fingerprint) }}
    from rules_ranked

)

select * from final
