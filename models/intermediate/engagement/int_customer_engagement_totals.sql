{#- The lifetime part of mart_customer_engagement, one row per customer with any resolved engagement activity:
    channel sums over fct_customer_engagement_daily, e-mail outcome counts per campaign recipient
    (int_email_campaign_recipients), the most viewed page and the first traffic source. Nothing here depends on
    the as-of day, so it is incremental by customer on DuckDB: a run rewrites the customers whose records
    changed since it last read the customer change feed (cdp_customer_changes); a table on Spark. -#}
{{ cdp_customer_incremental_config() }}
{%- set from_feed = not cdp_customer_changes_unreadable(ref('int_customer_ids')) %}

with

{{ cdp_changed_customers_cte(from_feed) }}

engagement_daily as (

    select * from {{ cdp_changed_customer_rows(ref('fct_customer_engagement_daily'), from_feed) }}

),

sessions as (

    select * from {{ cdp_changed_customer_rows(ref('int_engagement_sessions_attributed'), from_feed) }}
    where customer_id is not null

),

email_recipients as (

    select * from {{ cdp_changed_customer_rows(ref('int_email_campaign_recipients'), from_feed) }}
    where customer_id is not null

),

page_views as (

    select * from {{ cdp_changed_customer_rows(ref('int_web_page_views_per_customer'), from_feed) }}

),

customer_totals as (

    select
        customer_id,
        sum(web_session_count) as web_session_count,
        sum(web_page_view_count) as web_page_view_count,
        sum(web_bounce_count) as web_bounce_count,
        sum(web_session_duration_seconds) as web_session_duration_seconds,
        sum(app_session_count) as app_session_count,
        sum(case when channel = 'app' then 1 else 0 end) as app_active_days,
        sum(email_sent_count) as email_sent_count,
        sum(ad_impression_count) as ad_impression_count,
        sum(ad_click_count) as ad_click_count,
        sum(ad_conversion_count) as ad_conversion_count,
        sum(ad_cost_amount) as ad_cost_amount,
        sum(social_like_count) as social_like_count,
        sum(social_share_count) as social_share_count,
        sum(social_comment_count) as social_comment_count,
        sum(social_view_count) as social_view_count,
        sum(support_ticket_count) as support_ticket_count,
        sum(complaint_count) as complaint_count,
        sum(resolved_ticket_count) as resolved_ticket_count,
        sum(resolution_hours_total) as resolution_hours_total,
        count(distinct case when is_engaged then channel end) as engaged_channel_count,
        min(first_engaged_at) as first_engaged_at,
        max(last_engaged_at) as last_engaged_at
    from engagement_daily
    group by customer_id

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
        customer_totals.customer_id,
        pages_ranked.page_path as most_viewed_page_path,
        first_web_sessions.traffic_source as first_traffic_source,
        customer_totals.web_session_count,
        customer_totals.web_page_view_count,
        customer_totals.web_bounce_count,
        customer_totals.web_session_duration_seconds,
        customer_totals.app_session_count,
        customer_totals.app_active_days,
        customer_totals.email_sent_count,
        coalesce(email_rates.email_recipient_count, 0) as email_recipient_count,
        coalesce(email_rates.email_delivered_count, 0) as email_delivered_count,
        email_rates.email_bounced_count,
        email_rates.email_opened_count,
        email_rates.email_clicked_count,
        email_rates.email_unsubscribed_count,
        email_rates.email_forwarded_count,
        customer_totals.ad_impression_count,
        customer_totals.ad_click_count,
        customer_totals.ad_conversion_count,
        customer_totals.ad_cost_amount,
        customer_totals.social_like_count,
        customer_totals.social_share_count,
        customer_totals.social_comment_count,
        customer_totals.social_view_count,
        customer_totals.support_ticket_count,
        customer_totals.complaint_count,
        customer_totals.resolved_ticket_count,
        customer_totals.resolution_hours_total,
        customer_totals.engaged_channel_count,
        customer_totals.first_engaged_at,
        customer_totals.last_engaged_at
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
