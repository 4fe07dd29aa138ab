{#- One row per (device_id, account_id) pair seen in app events, with the customer its events resolved to.
    An event's customer comes from its strongest identifier (account before device), so every event of one
    pair resolves to the same customer; min() only makes that choice explicit and deterministic. It follows
    identity merges while fct_product_usage_daily stays incremental. Incremental by pair on DuckDB
    (cdp_app_identities_incremental_config): a run writes again the pairs its pre-hook listed in
    cdp_app_pairs_rewritten (a customer listed by the customer change feed, before or after, none, or an event
    loaded since the last build); a table on Spark. -#}
{{ cdp_app_identities_incremental_config() }}
{%- set from_feed = not cdp_customer_changes_unreadable(ref('int_customer_ids')) %}
with

app_events as (

    select * from {{ ref('stg_app__events') }}

),

customer_ids as (

    select * from {{ ref('int_customer_ids') }}

),

events_rewritten as (

    select app_events.*
    from app_events
    {%- if from_feed %}
    inner join {{ cdp_app_pairs_rewritten() }} as pairs_rewritten
        on {{ cdp_app_pair_matches('app_events', 'pairs_rewritten') }}
    {%- endif %}

),

final as (

    select
        events_rewritten.device_id,
        events_rewritten.account_id,
        min(customer_ids.customer_id) as customer_id,
        count(distinct customer_ids.customer_id) as customer_count
    from events_rewritten
    left join customer_ids
        on
            customer_ids.source_table = 'app_events'
            and events_rewritten.event_id = customer_ids.record_id
    group by
        events_rewritten.device_id,
        events_rewritten.account_id

)

select * from final
