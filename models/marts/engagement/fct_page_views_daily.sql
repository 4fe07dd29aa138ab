{{
    config(
        materialized='incremental',
        unique_key='activity_date',
        partition_by=['activity_date'],
        on_schema_change='fail'
    )
}}

{#- Page views per page and day, every page view event (resolved to a customer or not): the "most viewed
    pages" of the site. Visitors are cookies (or the signed-in account when an event has no cookie). -#}
with

page_views as (

    select * from {{ ref('stg_web__events') }}
    where
        event_type = 'page_view'
        and {{ cdp_incremental_days_filter(ref('stg_web__events'), 'cast(occurred_at as date)') }}

),

page_views_ranked as (

    select
        *,
        cast(occurred_at as date) as activity_date,
        row_number() over (
            partition by cast(occurred_at as date), page_host, page_path
            order by occurred_at desc, event_id desc
        ) as recency_position
    from page_views

),

pages_daily as (

    select
        activity_date,
        page_host,
        page_path,
        max(case when recency_position = 1 then page_title end) as page_title,
        count(*) as page_view_count,
        count(distinct coalesce(anonymous_id, 'account:' || account_id)) as visitor_count,
        sum(case when account_id is not null then 1 else 0 end) as signed_in_page_view_count,
        max(loaded_at) as max_loaded_at
    from page_views_ranked
    group by activity_date, page_host, page_path

),

final as (

    select
        cast(page_host as string) as page_host,
        cast(page_path as string) as page_path,
        cast(page_title as string) as page_title,
        cast(page_view_count as bigint) as page_view_count,
        cast(visitor_count as bigint) as visitor_count,
        cast(signed_in_page_view_count as bigint) as signed_in_page_view_count,
        cast(max_loaded_at as timestamp) as max_loaded_at,
        cast(activity_date as date) as activity_date
    from pages_daily

)

select * from final
