{{
    config(
        materialized='incremental',
        unique_key='activity_date',
        partition_by=['activity_date'],
        on_schema_change='fail'
    )
}}

{#- Ad delivery and results per platform, campaign, currency and day, every ad event (resolved to a customer
    or not). Ratios are NULL when their denominator is zero; amounts are in currency_code. -#}
with

ad_events as (

    select * from {{ ref('stg_ads__ad_events') }}
    where {{ cdp_incremental_days_filter(ref('stg_ads__ad_events'), 'cast(occurred_at as date)') }}

),

ad_events_ranked as (

    select
        *,
        cast(occurred_at as date) as activity_date,
        row_number() over (
            partition by cast(occurred_at as date), platform, campaign_id, currency_code
            order by occurred_at desc, ad_event_id desc
        ) as recency_position
    from ad_events

),

campaigns_daily as (

    select
        activity_date,
        platform,
        campaign_id,
        currency_code,
        max(case when recency_position = 1 then campaign_name end) as campaign_name,
        sum(case when event_type = 'impression' then 1 else 0 end) as impression_count,
        sum(case when event_type = 'click' then 1 else 0 end) as click_count,
        sum(case when event_type = 'conversion' then 1 else 0 end) as conversion_count,
        count(distinct case when event_type = 'click' then anonymous_id end) as clicking_visitor_count,
        coalesce(sum(cost_amount), 0) as cost_amount,
        coalesce(sum(conversion_value), 0) as conversion_value,
        sum(case when has_invalid_cost_amount then 1 else 0 end) as invalid_cost_count,
        max(loaded_at) as max_loaded_at
    from ad_events_ranked
    group by activity_date, platform, campaign_id, currency_code

),

final as (

    select
        cast(platform as string) as platform,
        cast(campaign_id as string) as campaign_id,
        cast(campaign_name as string) as campaign_name,
        cast(currency_code as string) as currency_code,
        cast(impression_count as bigint) as impression_count,
        cast(click_count as bigint) as click_count,
        cast(conversion_count as bigint) as conversion_count,
        cast(clicking_visitor_count as bigint) as clicking_visitor_count,
        cast(invalid_cost_count as bigint) as invalid_cost_count,
        cast(cost_amount as decimal(18, 2)) as cost_amount,
        cast(conversion_value as decimal(18, 2)) as conversion_value,
        cast(cast(click_count as double) / nullif(impression_count, 0) as double) as click_through_rate,
        cast(cast(cost_amount as double) / nullif(click_count, 0) as double) as cost_per_click,
        cast(cast(cost_amount as double) / nullif(conversion_count, 0) as double) as cost_per_acquisition,
        cast(cast(cost_amount as double) * 1000 / nullif(impression_count, 0) as double) as cost_per_mille,
        cast(cast(conversion_value as double) / nullif(cast(cost_amount as double), 0) as double)
            as return_on_ad_spend,
        cast(max_loaded_at as timestamp) as max_loaded_at,
        cast(activity_date as date) as activity_date
    from campaigns_daily

)

select * from final
