{#- One row per e-mail campaign: volumes and rates over every recipient of the campaign (resolved to a customer
    or not). Unit: a recipient address (int_email_campaign_recipients); denominators are in the docs. -#}
with

recipients as (

    select * from {{ ref('int_email_campaign_recipients') }}

),

campaigns as (

    select
        campaign_id,
        max(campaign_name) as campaign_name,
        count(*) as recipient_count,
        sum(case when is_delivered then 1 else 0 end) as delivered_count,
        sum(case when is_bounced then 1 else 0 end) as bounced_recipient_count,
        sum(case when hard_bounce_count > 0 then 1 else 0 end) as hard_bounced_recipient_count,
        sum(case when is_opened then 1 else 0 end) as unique_open_count,
        sum(case when is_clicked then 1 else 0 end) as unique_click_count,
        sum(case when is_unsubscribed then 1 else 0 end) as unsubscribe_count,
        sum(case when is_forwarded then 1 else 0 end) as forward_count,
        sum(case when customer_id is not null then 1 else 0 end) as resolved_recipient_count,
        sum(send_count) as send_event_count,
        sum(open_count) as open_event_count,
        sum(click_count) as click_event_count,
        min(sent_at) as first_sent_at,
        max(last_event_at) as last_event_at
    from recipients
    group by campaign_id

),

final as (

    select
        cast(campaign_id as string) as campaign_id,
        cast(campaign_name as string) as campaign_name,
        cast(recipient_count as bigint) as recipient_count,
        cast(delivered_count as bigint) as delivered_count,
        cast(bounced_recipient_count as bigint) as bounced_recipient_count,
        cast(hard_bounced_recipient_count as bigint) as hard_bounced_recipient_count,
        cast(unique_open_count as bigint) as unique_open_count,
        cast(unique_click_count as bigint) as unique_click_count,
        cast(unsubscribe_count as bigint) as unsubscribe_count,
        cast(forward_count as bigint) as forward_count,
        cast(resolved_recipient_count as bigint) as resolved_recipient_count,
        cast(send_event_count as bigint) as send_event_count,
        cast(open_event_count as bigint) as open_event_count,
        cast(click_event_count as bigint) as click_event_count,
        cast(cast(delivered_count as double) / nullif(recipient_count, 0) as double) as delivery_rate,
        cast(cast(bounced_recipient_count as double) / nullif(recipient_count, 0) as double) as bounce_rate,
        cast(cast(unique_open_count as double) / nullif(delivered_count, 0) as double) as open_rate,
        cast(cast(unique_click_count as double) / nullif(delivered_count, 0) as double) as click_rate,
        cast(cast(unique_click_count as double) / nullif(unique_open_count, 0) as double) as click_to_open_rate,
        cast(cast(unsubscribe_count as double) / nullif(delivered_count, 0) as double) as unsubscribe_rate,
        cast(cast(forward_count as double) / nullif(delivered_count, 0) as double) as forward_rate,
        cast(first_sent_at as date) as sent_date,
        cast(first_sent_at as timestamp) as first_sent_at,
        cast(last_event_at as timestamp) as last_event_at
    from campaigns

)

select * from final
