{#- One row per customer with any resolved engagement activity (any channel): lifetime counts and rates per
    channel, and recency over the 30 days ending on cdp_as_of_date(). Rates are NULL when their denominator is
    zero; e-mail rates use the recipient-per-campaign unit of int_email_campaign_recipients. -#}
with

engagement_daily as (

    select * from {{ ref('fct_customer_engagement_daily') }}

),

sessions as (

    select * from {{ ref('int_engagement_sessions_attributed') }}
    where customer_id is not null

),

email_recipients as (

    select * from {{ ref('int_email_campaign_recipients') }}
    where customer_id is not null

),

page_views as (

    select * from {{ ref('int_web_page_views_per_customer') }}

),

as_of as (

    select
        {{ cdp_as_of_date() }} as as_of_date,
        cast({{ dbt.dateadd('day', -29, cdp_as_of_date()) }} as date) as window_start_date

),

customer_totals as (

    select
        engagement_daily.customer_id,
        sum(engagement_daily.web_session_count) as web_session_count,
        sum(engagement_daily.web_page_view_count) as web_page_view_count,
        sum(engagement_daily.web_bounce_count) as web_bounce_count,
        sum(engagement_daily.web_session_duration_seconds) as web_session_duration_seconds,
        sum(engagement_daily.app_session_count) as app_session_count,
        sum(case when engagement_daily.channel = 'app' then 1 else 0 end) as app_active_days,
        sum(
            case
                when
                    engagement_daily.channel = 'app'
                    and engagement_daily.activity_date between as_of.window_start_date and as_of.as_of_date
                    then 1
                else 0
            end
        ) as app_active_days_30d,
        sum(engagement_daily.email_sent_count) as email_sent_count,
        sum(engagement_daily.ad_impression_count) as ad_impression_count,
        sum(engagement_daily.ad_click_count) as ad_click_count,
        sum(engagement_daily.ad_conversion_count) as ad_conversion_count,
        sum(engagement_daily.ad_cost_amount) as ad_cost_amount,
        sum(engagement_daily.social_like_count) as social_like_count,
        sum(engagement_daily.social_share_count) as social_share_count,
        sum(engagement_daily.social_comment_count) as social_comment_count,
        sum(engagement_daily.social_view_count) as social_view_count,
        sum(engagement_daily.support_ticket_count) as support_ticket_count,
        sum(engagement_daily.complaint_count) as complaint_count,
        sum(engagement_daily.resolved_ticket_count) as resolved_ticket_count,
        sum(engagement_daily.resolution_hours_total) as resolution_hours_total,
        count(distinct case when engagement_daily.is_engaged then engagement_daily.channel end)
            as engaged_channel_count,
        count(
            distinct case
                when
                    engagement_daily.is_engaged
                    and engagement_daily.activity_date between as_of.window_start_date and as_of.as_of_date
                    then engagement_daily.activity_date
            end
        ) as engaged_days_30d,
        min(engagement_daily.first_engaged_at) as first_engaged_at,
        max(engagement_daily.last_engaged_at) as last_engaged_at
    from engagement_daily
    cross join as_of
    group by engagement_daily.customer_id

),

email_rates as (

    select
        customer_id,
        count(*) as email_recipient_count,
        sum(case when is_delivered then 1 else 0 end) as email_delivered_count,
        sum(case when is_bounced then 1 else 0 end) as email_bounced_count,
        sum(case when is_opened then 1 else 0 end) as email_opened_count,
        sum(case when is_clicked then 1 else 0 end) as email_clicked_count,
        sum(case when is_unsubscribed then 1 else 0 end) as email_unsubscribed_count,
        sum(case when is_forwarded then 1 else 0 end) as email_forwarded_count
    from email_recipients
    group by customer_id

),

{# Most viewed page: most page views, ties to the most recently viewed, then the smaller path. -#}

pages_ranked as (

    select
        customer_id,
        page_path,
        row_number() over (
            partition by customer_id
            order by page_view_count desc, last_viewed_at desc, page_path asc
        ) as page_rank
    from page_views

),

{# First traffic source: of the customer's earliest web session (ties: the smaller session id). -#}

first_web_sessions as (

    select
        customer_id,
        {{ cdp_arg_min('traffic_source', ['started_at', 'session_id']) }} as traffic_source
    from sessions
    where channel = 'web'
    group by customer_id

),

final as (

    select
        cast(customer_totals.customer_id as string) as customer_id,
        cast(pages_ranked.page_path as string) as most_viewed_page_path,
        cast(first_web_sessions.traffic_source as string) as first_traffic_source,
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
        cast(customer_totals.app_active_days_30d as bigint) as app_active_days_30d,
        cast(cast(customer_totals.app_active_days_30d as double) / 30 as double) as app_stickiness,
        cast(customer_totals.email_sent_count as bigint) as email_sent_count,
        cast(coalesce(email_rates.email_delivered_count, 0) as bigint) as email_delivered_count,
        cast(
            cast(email_rates.email_opened_count as double) / nullif(email_rates.email_delivered_count, 0)
            as double
        ) as email_open_rate,
        cast(
            cast(email_rates.email_clicked_count as double) / nullif(email_rates.email_delivered_count, 0)
            as double
        ) as email_click_rate,
        cast(
            cast(email_rates.email_bounced_count as double) / nullif(email_rates.email_recipient_count, 0)
            as double
        ) as email_bounce_rate,
        cast(
            cast(email_rates.email_unsubscribed_count as double) / nullif(email_rates.email_delivered_count, 0)
            as double
        ) as email_unsubscribe_rate,
        cast(
            cast(email_rates.email_forwarded_count as double) / nullif(email_rates.email_delivered_count, 0)
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
        cast(customer_totals.engaged_days_30d as bigint) as engaged_days_30d,
        cast(customer_totals.first_engaged_at as timestamp) as first_engaged_at,
        cast(customer_totals.last_engaged_at as timestamp) as last_engaged_at
    from customer_totals
    left join email_rates
        on customer_totals.customer_id = email_rates.customer_id
    left join pages_ranked
        on
            customer_totals.customer_id = pages_ranked.customer_id
            and pages_ranked.page_rank = 1
    left join first_web_sessions
        on customer_totals.customer_id = first_web_sessions.customer_id

)

select * from final
