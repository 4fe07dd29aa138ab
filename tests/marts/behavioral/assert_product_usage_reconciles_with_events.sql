{#- Every staged app event is counted once in fct_product_usage_daily, per day and event type. Returns the days and
    event types that differ. -#}
with

app_events as (

    select * from {{ ref('stg_app__events') }}

),

product_usage as (

    select * from {{ ref('fct_product_usage_daily') }}

),

staged_counts as (

    select
        cast(occurred_at as date) as activity_date,
        event_type,
        count(*) as event_count
    from app_events
    group by cast(occurred_at as date), event_type

),

fact_counts as (

    select
        activity_date,
        event_type,
        sum(event_count) as event_count
    from product_usage
    group by activity_date, event_type

)

select
    coalesce(staged_counts.activity_date, fact_counts.activity_date) as activity_date,
    coalesce(staged_counts.event_type, fact_counts.event_type) as event_type,
    staged_counts.event_count as staged_event_count,
    fact_counts.event_count as fact_event_count
from staged_counts
full outer join fact_counts
    on
        staged_counts.activity_date = fact_counts.activity_date
        and staged_counts.event_type = fact_counts.event_type
where coalesce(staged_counts.event_count, -1) != coalesce(fact_counts.event_count, -1)
