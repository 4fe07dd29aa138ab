{#- One row per customer (every customer of the identity graph): purchases (completed orders net of refunds, in
    the reporting currency), RFM scores and segment, carts, subscription, app usage, historical value and the
    predicted 12-month value and churn risk of doc block `customer_value_prediction`. The per-customer order and
    cart counts come from int_customer_purchase_totals (incremental by customer); what depends on the as-of day or
    on the whole population (recency, tenure, RFM ntiles, the purchase-gap prior) is computed here. -#}
{%- set prior_repeat_orders = var('cdp__clv_prior_repeat_orders', 1.0) -%}
{%- set default_gap_days = var('cdp__clv_default_purchase_gap_days', 90) -%}
{%- set alive_shape = var('cdp__clv_alive_shape', 2.0) -%}
{%- set margin = var('cdp__clv_margin', 1.0) -%}
{%- set churn_medium_from = var('cdp__churn_risk_medium_from', 0.3) -%}
{%- set churn_high_from = var('cdp__churn_risk_high_from', 0.7) -%}
{%- set days_per_month = 30.4375 -%}
{%- set rfm_score_digits = dbt.concat([
    'cast(rfm_recency_score as ' ~ dbt.type_string() ~ ')',
    'cast(rfm_frequency_score as ' ~ dbt.type_string() ~ ')',
    'cast(rfm_monetary_score as ' ~ dbt.type_string() ~ ')',
]) -%}

with

golden_records as (

    select * from {{ ref('int_customer_golden_records') }}

),

purchase_totals as (

    select * from {{ ref('int_customer_purchase_totals') }}

),

subscriptions as (

    select * from {{ ref('fct_subscriptions') }}

),

product_usage as (

    select * from {{ ref('mart_customer_product_usage') }}

),

currency_rates as (

    select * from {{ ref('int_currency_rates_to_reporting') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

reporting as (

    select max(reporting_currency) as reporting_currency
    from currency_rates

),

{# Every customer of the identity graph: one golden record each. -#}

customers as (

    select customer_id from golden_records

),

buyers as (

    select
        purchase_totals.customer_id,
        purchase_totals.order_count,
        purchase_totals.revenue,
        {{ cdp_divide_amount('purchase_totals.revenue', 'purchase_totals.order_count') }} as average_order_value,
        purchase_totals.order_count - 1 as repeat_order_count,
        {{ dbt.datediff('cast(purchase_totals.last_order_at as date)', 'as_of.as_of_date', 'day') }}
            as recency_days,
        {{ dbt.datediff('cast(purchase_totals.first_order_at as date)', 'as_of.as_of_date', 'day') }}
            as tenure_days,
        {{ dbt.datediff('cast(purchase_totals.first_order_at as date)',
            'cast(purchase_totals.last_order_at as date)', 'day') }} as active_span_days
    from purchase_totals
    cross join as_of
    where purchase_totals.order_count > 0

),

{# The prior of the purchase gap: the pooled mean gap between consecutive orders of repeat buyers (days of
    active span over repeat orders). -#}

population_prior as (

    select
        coalesce(
            cast(sum(active_span_days) as double) / nullif(sum(repeat_order_count), 0),
            {{ default_gap_days }}
        ) as population_gap_days
    from buyers

),

buyers_scored as (

    select
        buyers.*,
        ntile(5) over (
            order by buyers.recency_days desc, buyers.order_count asc, buyers.revenue asc, buyers.customer_id asc
        ) as rfm_recency_score,
        ntile(5) over (
            order by buyers.order_count asc, buyers.revenue asc, buyers.customer_id asc
        ) as rfm_frequency_score,
        ntile(5) over (
            order by buyers.revenue asc, buyers.order_count asc, buyers.customer_id asc
        ) as rfm_monetary_score,
        greatest(
            ({{ prior_repeat_orders }} * population_prior.population_gap_days + buyers.active_span_days)
            / ({{ prior_repeat_orders }} + buyers.repeat_order_count),
            1.0
        ) as expected_purchase_gap_days
    from buyers
    cross join population_prior

),

buyers_predicted as (

    select
        *,
        1.0 / (
            1.0 + power(
                greatest(cast(recency_days as double), 0.0) / expected_purchase_gap_days, {{ alive_shape }}
            )
        ) as probability_alive
    from buyers_scored

),

{# A customer's subscription status is that of their main subscription: a live one before an ended one, then
    the highest MRR, then the newest. MRR adds up all the customer's subscriptions. -#}

subscriptions_ranked as (

    select
        customer_id,
        status,
        row_number() over (
            partition by customer_id
            order by
                case when is_live then 1 else 0 end desc,
                mrr_amount_reporting desc,
                started_at desc,
                subscription_id asc
        ) as subscription_rank
    from subscriptions
    where customer_id is not null

),

customer_subscriptions as (

    select
        customer_id,
        count(*) as subscription_count,
        sum(mrr_amount_reporting) as mrr_amount
    from subscriptions
    where customer_id is not null
    group by customer_id

),

customers_joined as (

    select
        customers.customer_id,
        buyers_predicted.rfm_recency_score,
        buyers_predicted.rfm_frequency_score,
        buyers_predicted.rfm_monetary_score,
        subscriptions_ranked.status as subscription_status,
        coalesce(purchase_totals.order_count, 0) as order_count,
        coalesce(purchase_totals.orders_placed_count, 0) as orders_placed_count,
        coalesce(purchase_totals.refunded_order_count, 0) as refunded_order_count,
        coalesce(purchase_totals.cancelled_order_count, 0) as cancelled_order_count,
        coalesce(purchase_totals.revenue, 0) as revenue,
        buyers_predicted.average_order_value,
        buyers_predicted.recency_days,
        buyers_predicted.tenure_days,
        buyers_predicted.expected_purchase_gap_days,
        buyers_predicted.probability_alive,
        coalesce(purchase_totals.cart_count, 0) as cart_count,
        coalesce(purchase_totals.abandoned_cart_count, 0) as abandoned_cart_count,
        coalesce(purchase_totals.converted_cart_count, 0) as converted_cart_count,
        coalesce(customer_subscriptions.subscription_count, 0) as subscription_count,
        coalesce(customer_subscriptions.mrr_amount, 0) as mrr_amount,
        coalesce(product_usage.features_used_count, 0) as features_used_count,
        coalesce(product_usage.login_days_30d, 0) as login_days_30d,
        product_usage.most_active_hour,
        product_usage.most_active_weekday,
        product_usage.days_since_last_login,
        buyers_predicted.customer_id is not null as is_buyer,
        product_usage.customer_id is not null as is_app_user,
        reporting.reporting_currency,
        as_of.as_of_date,
        purchase_totals.first_order_at,
        purchase_totals.last_order_at
    from customers
    cross join reporting
    cross join as_of
    left join purchase_totals
        on customers.customer_id = purchase_totals.customer_id
    left join buyers_predicted
        on customers.customer_id = buyers_predicted.customer_id
    left join subscriptions_ranked
        on
            customers.customer_id = subscriptions_ranked.customer_id
            and subscriptions_ranked.subscription_rank = 1
    left join customer_subscriptions
        on customers.customer_id = customer_subscriptions.customer_id
    left join product_usage
        on customers.customer_id = product_usage.customer_id

),

final as (

    select
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(
            case
                when rfm_recency_score is not null
                    then {{ rfm_score_digits }}
            end as {{ dbt.type_string() }}
        ) as rfm_score,
        cast(
            {{ cdp_rfm_segment('rfm_recency_score', 'rfm_frequency_score', 'rfm_monetary_score') }}
            as {{ dbt.type_string() }}
        ) as rfm_segment,
        cast(coalesce(subscription_status, 'none') as {{ dbt.type_string() }}) as subscription_status,
        cast(
            case
                when probability_alive is null then null
                when 1.0 - probability_alive >= {{ churn_high_from }} then 'high'
                when 1.0 - probability_alive >= {{ churn_medium_from }} then 'medium'
                else 'low'
            end as {{ dbt.type_string() }}
        ) as churn_risk_band,
        cast(reporting_currency as {{ dbt.type_string() }}) as reporting_currency,
        cast(order_count as bigint) as order_count,
        cast(orders_placed_count as bigint) as orders_placed_count,
        cast(refunded_order_count as bigint) as refunded_order_count,
        cast(cancelled_order_count as bigint) as cancelled_order_count,
        cast(revenue as decimal(18, 2)) as revenue,
        cast(average_order_value as decimal(18, 2)) as average_order_value,
        cast(recency_days as integer) as recency_days,
        cast(tenure_days as integer) as tenure_days,
        cast(
            case
                when tenure_days is null then 0.0
                else order_count * {{ days_per_month }} / greatest(cast(tenure_days as double), {{ days_per_month }})
            end as double
        ) as purchase_frequency_per_month,
        cast(rfm_recency_score as integer) as rfm_recency_score,
        cast(rfm_frequency_score as integer) as rfm_frequency_score,
        cast(rfm_monetary_score as integer) as rfm_monetary_score,
        cast(cart_count as bigint) as cart_count,
        cast(abandoned_cart_count as bigint) as abandoned_cart_count,
        cast(converted_cart_count as bigint) as converted_cart_count,
        cast(
            cast(abandoned_cart_count as double) / nullif(abandoned_cart_count + converted_cart_count, 0) as double
        ) as cart_abandonment_rate,
        cast(subscription_count as bigint) as subscription_count,
        cast(mrr_amount as decimal(18, 2)) as mrr_amount,
        cast(features_used_count as bigint) as features_used_count,
        cast(login_days_30d as bigint) as login_days_30d,
        cast(most_active_hour as integer) as most_active_hour,
        cast(most_active_weekday as integer) as most_active_weekday,
        cast(days_since_last_login as integer) as days_since_last_login,
        cast(revenue * {{ margin }} as decimal(18, 2)) as historical_clv,
        cast(expected_purchase_gap_days as double) as expected_purchase_gap_days,
        cast(probability_alive as double) as probability_alive,
        cast(probability_alive * 365.25 / expected_purchase_gap_days as double) as predicted_orders_12m,
        cast(
            probability_alive * 365.25 / expected_purchase_gap_days * average_order_value * {{ margin }}
            as decimal(18, 2)
        ) as predicted_clv_12m,
        cast(1.0 - probability_alive as double) as churn_probability,
        cast(is_buyer as boolean) as is_buyer,
        cast(coalesce(subscription_status in ('trial', 'active', 'upgraded', 'downgraded'), false) as boolean)
            as has_live_subscription,
        cast(is_app_user as boolean) as is_app_user,
        cast(as_of_date as date) as as_of_date,
        cast(first_order_at as timestamp) as first_order_at,
        cast(last_order_at as timestamp) as last_order_at
    from customers_joined

)

select * from final
