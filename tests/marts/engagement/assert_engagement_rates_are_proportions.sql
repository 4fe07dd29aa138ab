-- Every customer and e-mail rate of the engagement marts lies between 0 and 1 (NULL allowed: zero
-- denominator). Not the ads CTR: platforms log clicks on impressions they did not report (34 campaign-days of
-- the demo have more clicks than impressions). One row per model with rows out of range.
{%- set customer_rates = ['web_bounce_rate', 'app_stickiness', 'email_open_rate', 'email_click_rate',
                          'email_bounce_rate', 'email_unsubscribe_rate', 'email_forward_rate'] %}
{%- set campaign_rates = ['delivery_rate', 'bounce_rate', 'open_rate', 'click_rate', 'click_to_open_rate',
                          'unsubscribe_rate', 'forward_rate'] %}
{%- set ns = namespace(customer_condition=[], campaign_condition=[]) %}
{%- for rate in customer_rates %}
    {%- do ns.customer_condition.append(rate ~ ' < 0 or ' ~ rate ~ ' > 1') %}
{%- endfor %}
{%- for rate in campaign_rates %}
    {%- do ns.campaign_condition.append(rate ~ ' < 0 or ' ~ rate ~ ' > 1') %}
{%- endfor %}

with

customer_rates_out_of_range as (
    select
        'mart_customer_engagement' as model_name,
        count(*) as failing_rows
    from {{ ref('mart_customer_engagement') }}
    where {{ ns.customer_condition | join(' or ') }}
),

campaign_rates_out_of_range as (
    select
        'fct_email_campaign_performance' as model_name,
        count(*) as failing_rows
    from {{ ref('fct_email_campaign_performance') }}
    where {{ ns.campaign_condition | join(' or ') }}
),

final as (
    select * from customer_rates_out_of_range
    union all
    select * from campaign_rates_out_of_range
)

select *
from final
where failing_rows > 0
