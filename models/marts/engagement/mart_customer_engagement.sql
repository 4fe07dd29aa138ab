{#- One row per customer with any resolved engagement activity (any channel): lifetime counts and rates per
    channel, and recency over the 30 days ending on cdp_as_of_date(). Rates are NULL when their denominator is
    zero; e-mail rates use the recipient-per-campaign unit of int_email_campaign_recipients. The lifetime part
    comes from int_customer_engagement_totals (incremental by customer); the 30-day window is counted here
    from the window's days of fct_customer_engagement_daily, since it moves with the as-of day. -#}
with

customer_totals as (

    select * from {{ ref('int_customer_engagement_totals') }}

),

engagement_daily as (

    select * from {{ ref('fct_customer_engagement_daily') }}

),

as_of as (

    select
        {{ cdp_as_of_date() }} as as_of_date,
        cast({{ dbt.dateadd('day', -29, cdp_as_of_date()) }} as date) as window_start_date

),

last_30_days as (

    select
        engagement_daily.customer_id,
        sum(case when engagement_daily.channel = 'app' then 1 else 0 end) as app_active_days_30d,
        count(distinct case when engagement_daily.is_engaged then engagement_daily.activity_date end)
            as engaged_days_30d
    from engagement_daily
    inner join as_of
        on engagement_daily.activity_date between as_of.window_start_date and as_of.as_of_date
    group by engagement_daily.customer_id

),

final as (

    select
        cast(customer_totals.customer_id as string) as customer_id,
        cast(customer_totals.most_viewed_page_path as string) as most_viewed_page_path,
        cast(customer_totals.first_traffic_source as string) as first_traffic_source,
        cast(customer_totals.web_session_count as bigint) as web_session_count,
        cast(customer_totals.web_page_view_count as bigint) as web_page_view_count,
        cast(
            cast(customer_totals.web_bounce_count as double) / nullif(customer_totals.web_session_count, 0)
            as double
        ) as web_bounce_rate,
        cast(
            cast(customer_totals.web_session_duration_seconds as double)
            / nullif(customer_totals.web_session_count, 0)
            as double
        ) as avg_session_duration_seconds,
        cast(customer_totals.app_session_count as bigint) as app_session_count,
        cast(customer_totals.app_active_days as bigint) as app_active_days,
        cast(coalesce(last_30_days.app_active_days_30d, 0) as bigint) as app_active_days_30d,
        cast(cast(coalesce(last_30_days.app_active_days_30d, 0) as double) / 30 as double) as app_stickiness,
        cast(customer_totals.email_sent_count as bigint) as email_sent_count,
        cast(customer_totals.email_delivered_count as bigint) as email_delivered_count,
        cast(
            cast(customer_totals.email_opened_count as double) / nullif(customer_totals.email_delivered_count, 0)
            as double
        ) as email_open_rate,
        cast(
            cast(customer_totals.email_clicked_count as double) / nullif(customer_totals.email_delivered_count, 0)
            as double
        ) as email_click_rate,
        cast(
            cast(customer_totals.email_bounced_count as double) / nullif(customer_totals.email_recipient_count, 0)
            as double
        ) as email_bounce_rate,
        cast(
            cast(customer_totals.email_unsubscribed_count as double) / nullif(customer_totals.email_delivered_count, 0)
            as double
        ) as email_unsubscribe_rate,
        cast(
            cast(customer_totals.email_forwarded_count as double) / nullif(customer_totals.email_delivered_count, 0)
            as double
        ) as email_forward_rate,
        cast(customer_totals.ad_impression_count as bigint) as ad_impression_count,
        cast(customer_totals.ad_click_count as bigint) as ad_click_count,
        cast(customer_totals.ad_conversion_count as bigint) as ad_conversion_count,
        cast(customer_totals.ad_cost_amount as decimal(18, 2)) as ad_cost_amount,
        cast(
            customer_totals.social_like_count + customer_totals.social_share_count
            + customer_totals.social_comment_count + customer_totals.social_view_count
            as bigint
        ) as social_engagement_count,
        cast(customer_totals.social_like_count as bigint) as social_like_count,
        cast(customer_totals.social_share_count as bigint) as social_share_count,
        cast(customer_totals.social_comment_count as bigint) as social_comment_count,
        cast(customer_totals.social_view_count as bigint) as social_view_count,
        cast(customer_totals.support_ticket_count as bigint) as support_ticket_count,
        cast(customer_totals.complaint_count as bigint) as complaint_count,
        cast(
            customer_totals.resolution_hours_total / nullif(customer_totals.resolved_ticket_count, 0)
            as double
        ) as avg_resolution_hours,
        cast(customer_totals.engaged_channel_count as bigint) as engaged_channel_count,
        cast(coalesce(last_30_days.engaged_days_30d, 0) as bigint) as engaged_days_30d,
        cast(customer_totals.first_engaged_at as timestamp) as first_engaged_at,
        cast(customer_totals.last_engaged_at as timestamp) as last_engaged_at
    from customer_totals
    left join last_30_days
        on customer_totals.customer_id = last_30_days.customer_id

)

select * from final
