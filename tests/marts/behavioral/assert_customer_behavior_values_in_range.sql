{#- Plausibility of mart_customer_behavior: probabilities and rates in 0..1, churn = 1 - p(alive), the risk band
    agrees with the probability, predictions and money not negative, buyers have every RFM field and rfm_score
    spells the three scores, non-buyers have none. Returns the customers that break a rule, with the rule. -#}
{%- set rfm_score_digits = dbt.concat([
    'cast(rfm_recency_score as ' ~ dbt.type_string() ~ ')',
    'cast(rfm_frequency_score as ' ~ dbt.type_string() ~ ')',
    'cast(rfm_monetary_score as ' ~ dbt.type_string() ~ ')',
]) -%}
with

customers as (

    select * from {{ ref('mart_customer_behavior') }}

),

checks as (

    select
        customer_id,
        case
            when probability_alive < 0 or probability_alive > 1 then 'probability_alive outside 0..1'
            when abs(churn_probability + probability_alive - 1) > 0.000001 then 'churn_probability != 1 - p_alive'
            when cart_abandonment_rate < 0 or cart_abandonment_rate > 1 then 'cart_abandonment_rate outside 0..1'
            when revenue < 0 or mrr_amount < 0 or predicted_clv_12m < 0 or predicted_orders_12m < 0
                then 'negative money or prediction'
            when is_buyer and (rfm_segment is null or rfm_score is null) then 'buyer without RFM'
            when is_buyer and (churn_risk_band is null or predicted_clv_12m is null) then 'buyer without prediction'
            when is_buyer and (recency_days < 0 or tenure_days < recency_days or order_count < 1)
                then 'buyer with inconsistent purchase fields'
            when is_buyer and rfm_score != {{ rfm_score_digits }} then 'rfm_score does not spell the scores'
            when not is_buyer and (rfm_segment is not null or probability_alive is not null or order_count != 0)
                then 'non-buyer with purchase fields'
            when churn_risk_band = 'high' and churn_probability < {{ var('cdp__churn_risk_high_from', 0.7) }}
                then 'risk band high below its threshold'
            when churn_risk_band = 'low' and churn_probability >= {{ var('cdp__churn_risk_medium_from', 0.3) }}
                then 'risk band low above its threshold'
        end as failure
    from customers

)

select
    customer_id,
    failure
from checks
where failure is not null
