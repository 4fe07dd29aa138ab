{#- Product rules of mart_basket_association_rules recomputed independently from fct_order_lines: a basket is a
    completed order, support = baskets holding both products / all baskets, confidence = support / antecedent
    support, lift = confidence / consequent support. Every pair passing the thresholds must be a rule with these
    measures, and no other rule may exist. Returns the rules that disagree. The rules are fitted on a schedule
    (doc block analyses_fit_schedule): they are checked by the `dbt build` that fits them, in the same
    invocation; a kept fit describes the baskets of its day, not today's, and is not compared. -#}
with

order_lines as (

    select * from {{ ref('fct_order_lines') }}

),

rules as (

    select * from {{ ref('mart_basket_association_rules') }}
    where rule_level = 'product'

),

baskets as (

    select distinct
        order_id,
        product_id
    from order_lines
    where
        status = 'completed'
        and order_id is not null
        and product_id is not null

),

fitted_in_this_invocation as (

    select count(*) as rule_count
    from {{ ref('mart_basket_association_rules') }}
    where fitted_at = {{ cdp_run_stamp() }}

),

basket_total as (

    select count(distinct order_id) as basket_count from baskets

),

product_counts as (

    select
        product_id,
        count(*) as basket_count
    from baskets
    group by product_id

),

pair_counts as (

    select
        left_items.product_id as antecedent_id,
        right_items.product_id as consequent_id,
        count(*) as basket_count
    from baskets as left_items
    inner join baskets as right_items
        on
            left_items.order_id = right_items.order_id
            and left_items.product_id != right_items.product_id
    group by left_items.product_id, right_items.product_id

),

expected_rules as (

    select
        pair_counts.antecedent_id,
        pair_counts.consequent_id,
        cast(pair_counts.basket_count as double) / basket_total.basket_count as pair_support,
        cast(pair_counts.basket_count as double) / antecedents.basket_count as confidence,
        (cast(pair_counts.basket_count as double) / antecedents.basket_count)
        / (cast(consequents.basket_count as double) / basket_total.basket_count) as lift
    from pair_counts
    cross join basket_total
    inner join product_counts as antecedents
        on pair_counts.antecedent_id = antecedents.product_id
    inner join product_counts as consequents
        on pair_counts.consequent_id = consequents.product_id
    where
        pair_counts.basket_count >= {{ var('cdp__assoc_min_pair_count', 3) }}
        and cast(pair_counts.basket_count as double) / basket_total.basket_count
        >= {{ var('cdp__assoc_min_support', 0.0005) }}
        and cast(pair_counts.basket_count as double) / antecedents.basket_count
        >= {{ var('cdp__assoc_min_confidence', 0.05) }}

),

compared as (

    select
        coalesce(expected_rules.antecedent_id, rules.antecedent_id) as antecedent_id,
        coalesce(expected_rules.consequent_id, rules.consequent_id) as consequent_id,
        expected_rules.pair_support as expected_support,
        rules.support,
        expected_rules.confidence as expected_confidence,
        rules.confidence,
        expected_rules.lift as expected_lift,
        rules.lift,
        rules.confidence / rules.consequent_support as lift_from_rule
    from expected_rules
    full outer join rules
        on
            expected_rules.antecedent_id = rules.antecedent_id
            and expected_rules.consequent_id = rules.consequent_id

),

final as (

    select *
    from compared
    where
        (select fitted_in_this_invocation.rule_count from fitted_in_this_invocation) > 0
        and (
            expected_support is null
            or support is null
            or abs(expected_support - support) > 1e-9
            or abs(expected_confidence - confidence) > 1e-9
            or abs(expected_lift - lift) > 1e-9
            or abs(lift_from_rule - lift) > 1e-9
        )

)

select * from final
