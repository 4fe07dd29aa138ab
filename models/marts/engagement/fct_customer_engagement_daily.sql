{#- One row per customer, day and channel (web, app, email, ads, social, support) with the channel's counts;
    the other channels' columns are 0. Only activity that resolved to a customer: channel totals including
    unresolved activity are in the channel facts (fct_web_sessions, fct_ad_campaign_daily, ...).
    Incremental by customer on DuckDB (cdp_customer_incremental_config): a run rewrites every day of the
    customers whose records changed since it last read the customer change feed (new or late activity, merges,
    splits), so identity merges move past activity to the surviving customer; a table on Spark. -#}
{{ cdp_customer_incremental_config() }}
{%- set from_feed = not cdp_customer_changes_unreadable(ref('int_customer_ids')) %}
{%- set channel_metrics = {
    'web': ['web_session_count', 'web_page_view_count', 'web_bounce_count', 'web_purchase_session_count',
            'web_session_duration_seconds'],
    'app': ['app_session_count', 'app_event_count', 'app_feature_use_count', 'app_purchase_session_count',
            'app_session_duration_seconds'],
    'email': ['email_sent_count', 'email_opened_count', 'email_clicked_count', 'email_bounced_count',
              'email_unsubscribed_count', 'email_forwarded_count'],
    'ads': ['ad_impression_count', 'ad_click_count', 'ad_conversion_count', 'ad_cost_amount',
            'ad_conversion_value'],
    'social': ['social_like_count', 'social_share_count', 'social_comment_count', 'social_view_count'],
    'support': ['support_ticket_count', 'complaint_count', 'resolved_ticket_count', 'resolution_hours_total'],
} %}
{%- set metric_types = {
    'ad_cost_amount': 'decimal(18, 2)',
    'ad_conversion_value': 'decimal(18, 2)',
    'resolution_hours_total': 'double',
} %}
{#- Per channel the select list of every metric column: its own metrics, 0 for the other channels'. -#}
{%- set metric_columns = {} %}
{%- for channel, own_metrics in channel_metrics.items() %}
    {%- set columns = [] %}
    {%- for metrics in channel_metrics.values() %}
        {%- for metric in metrics %}
            {%- do columns.append((metric if metric in own_metrics else '0') ~ ' as ' ~ metric) %}
        {%- endfor %}
    {%- endfor %}
    {%- do metric_columns.update({channel: columns | join(',\n        ')}) %}
{%- endfor %}
{%- set metric_cast_list = [] %}
{%- for metrics in channel_metrics.values() %}
    {%- for metric in metrics %}
        {%- do metric_cast_list.append(
            'cast(' ~ metric ~ ' as ' ~ metric_types.get(metric, 'bigint') ~ ') as ' ~ metric) %}
    {%- endfor %}
{%- endfor %}
{%- set metric_casts = metric_cast_list | join(',\n        ') %}

with

{{ cdp_changed_customers_cte(from_feed) }}

sessions as (

    select * from {{ cdp_changed_customer_rows(ref('int_engagement_sessions_attributed'), from_feed) }}
    where customer_id is not null

),

email_events as (

    select * from {{ ref('stg_esp__email_events') }}

),

ad_events as (

    select * from {{ ref('stg_ads__ad_events') }}

),

social_engagements as (

    select * from {{ ref('stg_social__engagements') }}

),

support_tickets as (

    select * from {{ ref('stg_support__tickets') }}

),

customer_ids as (

    select * from {{ cdp_changed_customer_rows(ref('int_customer_ids'), from_feed) }}
    where source_table in ('esp_email_events', 'ads_ad_events', 'social_engagements', 'support_tickets')

),

web_daily as (

    select
        customer_id,
        session_date as activity_date,
        count(*) as web_session_count,
        sum(page_view_count) as web_page_view_count,
        sum(case when is_bounce then 1 else 0 end) as web_bounce_count,
        sum(case when has_purchase then 1 else 0 end) as web_purchase_session_count,
        sum(duration_seconds) as web_session_duration_seconds,
        min(started_at) as first_engaged_at,
        max(ended_at) as last_engaged_at
    from sessions
    where channel = 'web'
    group by customer_id, session_date

),

app_daily as (

    select
        customer_id,
        session_date as activity_date,
        count(*) as app_session_count,
        sum(event_count) as app_event_count,
        sum(feature_use_count) as app_feature_use_count,
        sum(case when has_purchase then 1 else 0 end) as app_purchase_session_count,
        sum(duration_seconds) as app_session_duration_seconds,
        min(started_at) as first_engaged_at,
        max(ended_at) as last_engaged_at
    from sessions
    where channel = 'app'
    group by customer_id, session_date

),

{# E-mail: sends and bounces are the brand's doing; opens, clicks, unsubscribes and forwards the customer's. -#}

email_daily as (

    select
        customer_ids.customer_id,
        cast(email_events.occurred_at as date) as activity_date,
        sum(case when email_events.event_type = 'send' then 1 else 0 end) as email_sent_count,
        sum(case when email_events.event_type = 'open' then 1 else 0 end) as email_opened_count,
        sum(case when email_events.event_type = 'click' then 1 else 0 end) as email_clicked_count,
        sum(case when email_events.event_type = 'bounce' then 1 else 0 end) as email_bounced_count,
        sum(case when email_events.event_type = 'unsubscribe' then 1 else 0 end) as email_unsubscribed_count,
        sum(case when email_events.event_type = 'forward' then 1 else 0 end) as email_forwarded_count,
        min(case when email_events.event_type not in ('send', 'bounce') then email_events.occurred_at end)
            as first_engaged_at,
        max(case when email_events.event_type not in ('send', 'bounce') then email_events.occurred_at end)
            as last_engaged_at
    from email_events
    inner join customer_ids
        on
            customer_ids.source_table = 'esp_email_events'
            and email_events.email_event_id = customer_ids.record_id
    group by customer_ids.customer_id, cast(email_events.occurred_at as date)

),

{# Ads: impressions are passive; clicks and conversions are the customer's. -#}

ads_daily as (

    select
        customer_ids.customer_id,
        cast(ad_events.occurred_at as date) as activity_date,
        sum(case when ad_events.event_type = 'impression' then 1 else 0 end) as ad_impression_count,
        sum(case when ad_events.event_type = 'click' then 1 else 0 end) as ad_click_count,
        sum(case when ad_events.event_type = 'conversion' then 1 else 0 end) as ad_conversion_count,
        coalesce(sum(ad_events.cost_amount), 0) as ad_cost_amount,
        coalesce(sum(ad_events.conversion_value), 0) as ad_conversion_value,
        min(case when ad_events.event_type <> 'impression' then ad_events.occurred_at end) as first_engaged_at,
        max(case when ad_events.event_type <> 'impression' then ad_events.occurred_at end) as last_engaged_at
    from ad_events
    inner join customer_ids
        on
            customer_ids.source_table = 'ads_ad_events'
            and ad_events.ad_event_id = customer_ids.record_id
    group by customer_ids.customer_id, cast(ad_events.occurred_at as date)

),

social_daily as (

    select
        customer_ids.customer_id,
        cast(social_engagements.occurred_at as date) as activity_date,
        sum(case when social_engagements.engagement_type = 'like' then 1 else 0 end) as social_like_count,
        sum(case when social_engagements.engagement_type = 'share' then 1 else 0 end) as social_share_count,
        sum(case when social_engagements.engagement_type = 'comment' then 1 else 0 end) as social_comment_count,
        sum(case when social_engagements.engagement_type = 'view' then 1 else 0 end) as social_view_count,
        min(social_engagements.occurred_at) as first_engaged_at,
        max(social_engagements.occurred_at) as last_engaged_at
    from social_engagements
    inner join customer_ids
        on
            customer_ids.source_table = 'social_engagements'
            and social_engagements.engagement_id = customer_ids.record_id
    group by customer_ids.customer_id, cast(social_engagements.occurred_at as date)

),

{# Support: tickets count on the day they were opened, with the resolution time they eventually had. -#}

support_daily as (

    select
        customer_ids.customer_id,
        cast(support_tickets.opened_at as date) as activity_date,
        count(*) as support_ticket_count,
        sum(case when support_tickets.ticket_type = 'complaint' then 1 else 0 end) as complaint_count,
        sum(case when support_tickets.resolution_hours is not null then 1 else 0 end) as resolved_ticket_count,
        coalesce(sum(support_tickets.resolution_hours), 0) as resolution_hours_total,
        min(support_tickets.opened_at) as first_engaged_at,
        max(support_tickets.opened_at) as last_engaged_at
    from support_tickets
    inner join customer_ids
        on
            customer_ids.source_table = 'support_tickets'
            and support_tickets.ticket_id = customer_ids.record_id
    group by customer_ids.customer_id, cast(support_tickets.opened_at as date)

),

channels_unioned as (

    select
        customer_id,
        'web' as channel,
        {{ metric_columns['web'] }},
        activity_date,
        first_engaged_at,
        last_engaged_at
    from web_daily
    union all
    select
        customer_id,
        'app' as channel,
        {{ metric_columns['app'] }},
        activity_date,
        first_engaged_at,
        last_engaged_at
    from app_daily
    union all
    select
        customer_id,
        'email' as channel,
        {{ metric_columns['email'] }},
        activity_date,
        first_engaged_at,
        last_engaged_at
    from email_daily
    union all
    select
        customer_id,
        'ads' as channel,
        {{ metric_columns['ads'] }},
        activity_date,
        first_engaged_at,
        last_engaged_at
    from ads_daily
    union all
    select
        customer_id,
        'social' as channel,
        {{ metric_columns['social'] }},
        activity_date,
        first_engaged_at,
        last_engaged_at
    from social_daily
    union all
    select
        customer_id,
        'support' as channel,
        {{ metric_columns['support'] }},
        activity_date,
        first_engaged_at,
        last_engaged_at
    from support_daily

),

final as (

    select
        cast(customer_id as string) as customer_id,
        cast(channel as string) as channel,
        {{ metric_casts }},
        cast(first_engaged_at is not null as boolean) as is_engaged,
        cast(activity_date as date) as activity_date,
        cast(first_engaged_at as timestamp) as first_engaged_at,
        cast(last_engaged_at as timestamp) as last_engaged_at
    from channels_unioned

)

select * from final
