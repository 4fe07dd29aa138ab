-- Channel facts keep every staged event: page views and events summed over the web sessions, events over the
-- app sessions and page views over fct_page_views_daily equal the staged event counts. One row per mismatch.
with

web_events as (
    select * from {{ ref('stg_web__events') }}
),

app_events as (
    select * from {{ ref('stg_app__events') }}
),

web_sessions as (
    select * from {{ ref('fct_web_sessions') }}
),

app_sessions as (
    select * from {{ ref('fct_app_sessions') }}
),

page_views_daily as (
    select * from {{ ref('fct_page_views_daily') }}
),

comparisons as (
    select
        'web page views in fct_web_sessions' as measure,
        (
            select count(*)
            from web_events
            where event_type = 'page_view'
        ) as staged_count,
        (select coalesce(sum(page_view_count), 0) from web_sessions) as fact_count
    union all
    select
        'web events in fct_web_sessions' as measure,
        (select count(*) from web_events) as staged_count,
        (select coalesce(sum(event_count), 0) from web_sessions) as fact_count
    union all
    select
        'web page views in fct_page_views_daily' as measure,
        (
            select count(*)
            from web_events
            where event_type = 'page_view'
        ) as staged_count,
        (select coalesce(sum(page_view_count), 0) from page_views_daily) as fact_count
    union all
    select
        'app events in fct_app_sessions' as measure,
        (select count(*) from app_events) as staged_count,
        (select coalesce(sum(event_count), 0) from app_sessions) as fact_count
)

select *
from comparisons
where staged_count <> fact_count
