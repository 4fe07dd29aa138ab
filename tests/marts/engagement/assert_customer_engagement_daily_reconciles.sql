-- fct_customer_engagement_daily holds exactly the resolved activity: per channel, its counts equal the staged
-- events (or sessions) that resolved to a customer in int_customer_ids. One row per mismatching measure.
with

customer_ids as (
    select * from {{ ref('int_customer_ids') }}
),

daily as (
    select * from {{ ref('fct_customer_engagement_daily') }}
),

sessions as (
    select * from {{ ref('int_engagement_sessions_attributed') }}
    where customer_id is not null
),

resolved_email as (
    select email_events.event_type
    from {{ ref('stg_esp__email_events') }} as email_events
    inner join customer_ids
        on
            customer_ids.source_table = 'esp_email_events'
            and email_events.email_event_id = customer_ids.record_id
),

resolved_ads as (
    select ad_events.event_type
    from {{ ref('stg_ads__ad_events') }} as ad_events
    inner join customer_ids
        on
            customer_ids.source_table = 'ads_ad_events'
            and ad_events.ad_event_id = customer_ids.record_id
),

resolved_social as (
    select social.engagement_type
    from {{ ref('stg_social__engagements') }} as social
    inner join customer_ids
        on
            customer_ids.source_table = 'social_engagements'
            and social.engagement_id = customer_ids.record_id
),

resolved_tickets as (
    select tickets.ticket_type
    from {{ ref('stg_support__tickets') }} as tickets
    inner join customer_ids
        on
            customer_ids.source_table = 'support_tickets'
            and tickets.ticket_id = customer_ids.record_id
),

comparisons as (
    select
        'web sessions' as measure,
        (
            select count(*)
            from sessions
            where channel = 'web'
        ) as expected_count,
        (select sum(web_session_count) from daily) as daily_count
    union all
    select
        'web page views' as measure,
        (
            select sum(page_view_count)
            from sessions
            where channel = 'web'
        ) as expected_count,
        (select sum(web_page_view_count) from daily) as daily_count
    union all
    select
        'app sessions' as measure,
        (
            select count(*)
            from sessions
            where channel = 'app'
        ) as expected_count,
        (select sum(app_session_count) from daily) as daily_count
    union all
    select
        'email events' as measure,
        (select count(*) from resolved_email) as expected_count,
        (
            select
                sum(
                    email_sent_count + email_opened_count + email_clicked_count + email_bounced_count
                    + email_unsubscribed_count + email_forwarded_count
                )
            from daily
        ) as daily_count
    union all
    select
        'ad events' as measure,
        (select count(*) from resolved_ads) as expected_count,
        (select sum(ad_impression_count + ad_click_count + ad_conversion_count) from daily) as daily_count
    union all
    select
        'social engagements' as measure,
        (select count(*) from resolved_social) as expected_count,
        (
            select sum(social_like_count + social_share_count + social_comment_count + social_view_count)
            from daily
        ) as daily_count
    union all
    select
        'complaints' as measure,
        (
            select count(*)
            from resolved_tickets
            where ticket_type = 'complaint'
        ) as expected_count,
        (select sum(complaint_count) from daily) as daily_count
    union all
    select
        'support tickets' as measure,
        (select count(*) from resolved_tickets) as expected_count,
        (select sum(support_ticket_count) from daily) as daily_count
)

select *
from comparisons
where coalesce(expected_count, 0) <> coalesce(daily_count, 0)
