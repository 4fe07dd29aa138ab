{#- Page views per customer and page path, each page view event attributed to the customer of that event
    (int_customer_ids); events that resolved to no customer, or without a page path, are left out. Feeds
    most_viewed_page_path of mart_customer_engagement. Incremental by customer on DuckDB: a run rewrites the
    pages of the customers whose records changed since it last read the customer change feed
    (cdp_customer_changes); a table on Spark. -#}
{{ cdp_customer_incremental_config() }}
{%- set from_feed = not cdp_customer_changes_unreadable(ref('int_customer_ids')) %}
with

{{ cdp_changed_customers_cte(from_feed) }}

web_events as (

    select * from {{ ref('stg_web__events') }}

),

customer_ids as (

    select * from {{ cdp_changed_customer_rows(ref('int_customer_ids'), from_feed) }}
    where source_table = 'web_events'

),

page_views_resolved as (

    select
        customer_ids.customer_id,
        web_events.page_path,
        web_events.occurred_at
    from web_events
    inner join customer_ids
        on
            customer_ids.source_table = 'web_events'
            and web_events.event_id = customer_ids.record_id
    where
        web_events.event_type = 'page_view'
        and web_events.page_path is not null

),

final as (

    select
        customer_id,
        page_path,
        count(*) as page_view_count,
        min(occurred_at) as first_viewed_at,
        max(occurred_at) as last_viewed_at,
        {{ cdp_run_stamp() }} as written_at
    from page_views_resolved
    group by customer_id, page_path

)

select * from final
