{#- One row per e-mail campaign and recipient address (its match key; an event without a usable address is a
    recipient of its own), with what happened to that e-mail: the unit of every e-mail rate. Any event implies
    the e-mail was sent (a send event may be quarantined). Delivered: no bounce, or a bounce followed by
    evidence of delivery (an open, click, unsubscribe or forward: soft bounces that were retried). Opened: an
    open or a click event (a click without an open event is an open whose tracking pixel was blocked).
    Incremental on DuckDB (cdp_customer_incremental_config, delete+insert by campaign and recipient): a run
    rewrites the recipients with an event of a customer the customer change feed lists since it last read it
    (new events are rewritten identity records, so their customer is listed), or with an unresolved event, or
    stored under a listed customer; a table on Spark. -#}
{{ cdp_customer_incremental_config(unique_key=['campaign_id', 'recipient_key']) }}
{%- set from_feed = not cdp_customer_changes_unreadable(ref('int_customer_ids')) %}
with

{{ cdp_changed_customers_cte(from_feed) }}

email_events as (

    select * from {{ ref('stg_esp__email_events') }}

),

customer_ids as (

    select * from {{ ref('int_customer_ids') }}
    where source_table = 'esp_email_events'

),

events_resolved as (

    select
        email_events.*,
        coalesce(
            email_events.recipient_email_match_key, 'email_event:' || email_events.email_event_id
        ) as recipient_key,
        customer_ids.customer_id
    from email_events
    left join customer_ids
        on email_events.email_event_id = customer_ids.record_id

),

{%- if from_feed %}

recipients_rewritten as (

    select campaign_id, recipient_key
    from events_resolved
    where {{ cdp_in_changed_customers(from_feed) }}
    union
    select campaign_id, recipient_key
    from {{ cdp_changed_customer_rows(this, from_feed) }}

),

events_rewritten as (

    select events_resolved.*
    from events_resolved
    inner join recipients_rewritten
        on
            events_resolved.campaign_id = recipients_rewritten.campaign_id
            and events_resolved.recipient_key = recipients_rewritten.recipient_key

),
{%- endif %}

recipients as (

    select
        campaign_id,
        recipient_key,
        {{ cdp_arg_min('customer_id', ['occurred_at', 'email_event_id'], where='customer_id is not null') }}
            as customer_id,
        max(campaign_name) as campaign_name,
        sum(case when event_type = 'send' then 1 else 0 end) as send_count,
        sum(case when event_type = 'open' then 1 else 0 end) as open_count,
        sum(case when event_type = 'click' then 1 else 0 end) as click_count,
        sum(case when event_type = 'bounce' then 1 else 0 end) as bounce_count,
        sum(case when event_type = 'bounce' and bounce_type = 'hard' then 1 else 0 end) as hard_bounce_count,
        sum(case when event_type = 'unsubscribe' then 1 else 0 end) as unsubscribe_count,
        sum(case when event_type = 'forward' then 1 else 0 end) as forward_count,
        min(case when event_type = 'send' then occurred_at end) as sent_at,
        min(occurred_at) as first_event_at,
        max(occurred_at) as last_event_at
    from {{ 'events_rewritten' if from_feed else 'events_resolved' }}
    group by campaign_id, recipient_key

),

final as (

    select
        campaign_id,
        recipient_key,
        customer_id,
        campaign_name,
        send_count,
        open_count,
        click_count,
        bounce_count,
        hard_bounce_count,
        unsubscribe_count,
        forward_count,
        bounce_count > 0 as is_bounced,
        bounce_count = 0 or open_count + click_count + unsubscribe_count + forward_count > 0 as is_delivered,
        open_count + click_count > 0 as is_opened,
        click_count > 0 as is_clicked,
        unsubscribe_count > 0 as is_unsubscribed,
        forward_count > 0 as is_forwarded,
        coalesce(sent_at, first_event_at) as sent_at,
        first_event_at,
        last_event_at,
        {{ cdp_run_stamp() }} as written_at
    from recipients

)

select * from final
