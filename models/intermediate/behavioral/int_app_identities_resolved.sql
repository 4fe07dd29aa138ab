{#- One row per (device_id, account_id) pair seen in app events, with the customer its events resolved to.
    An event's customer comes from its strongest identifier (account before device), so every event of one
    pair resolves to the same customer; min() only makes that choice explicit and deterministic. Rebuilt every
    run, so it follows identity merges while fct_product_usage_daily stays incremental. -#}
with

app_events as (

    select * from {{ ref('stg_app__events') }}

),

customer_ids as (

    select * from {{ ref('int_customer_ids') }}

),

final as (

    select
        app_events.device_id,
        app_events.account_id,
        min(customer_ids.customer_id) as customer_id,
        count(distinct customer_ids.customer_id) as customer_count
    from app_events
    left join customer_ids
        on
            customer_ids.source_table = 'app_events'
            and app_events.event_id = customer_ids.record_id
    group by
        app_events.device_id,
        app_events.account_id

)

select * from final
