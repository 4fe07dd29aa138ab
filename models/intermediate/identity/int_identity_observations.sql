{#- One row per (record, identifier) seen in any staged model. Values arrive normalised by staging (email match
    key, E.164 phone, lower-cased handle); here they are only typed, keyed and stacked. Event tables contribute
    their identifiers too; int_identity_edges collapses their repetition.
    Incremental by record on DuckDB (macros/identity/cdp_identity_incremental.sql): a run rewrites the records
    loaded since the newest load it holds (minus the lookback) and the records without a load time (sentinel
    month; rows of var('cdp__identity_extra_observations'), test fixtures), which every run rewrites. -#}
{%- set extra_observations = var('cdp__identity_extra_observations', '') -%}
{{ cdp_identity_incremental_config() }}

with

{% if is_incremental() -%}
touched_records as (
    {{ cdp_identity_touched_records(this) }}
    {%- if extra_observations %}
    union
    select
        cast(source_table as {{ dbt.type_string() }}) as source_table,
        cast(record_id as {{ dbt.type_string() }}) as record_id
    from {{ ref(extra_observations) }}
    {%- endif %}
),

{% endif -%}
{{ cdp_identity_source_ctes(is_incremental()) }}
{% if extra_observations -%}
extra_observations as (

    select * from {{ ref(extra_observations) }}

),

{% endif -%}
identifiers_stacked as (

    select
        'crm_contacts' as source_table,
        cast(contact_id as {{ dbt.type_string() }}) as record_id,
        'crm_contact_id' as identifier_type,
        cast(contact_id as {{ dbt.type_string() }}) as identifier_value,
        cast(coalesce(created_at, updated_at, loaded_at) as {{ dbt.type_timestamp() }}) as observed_at,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from crm_contacts

    union all

    select
        'crm_contacts' as source_table,
        cast(contact_id as {{ dbt.type_string() }}) as record_id,
        'email' as identifier_type,
        cast(email_match_key as {{ dbt.type_string() }}) as identifier_value,
        cast(coalesce(created_at, updated_at, loaded_at) as {{ dbt.type_timestamp() }}) as observed_at,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from crm_contacts

    union all

    select
        'crm_contacts' as source_table,
        cast(contact_id as {{ dbt.type_string() }}) as record_id,
        'phone' as identifier_type,
        cast(phone_e164 as {{ dbt.type_string() }}) as identifier_value,
        cast(coalesce(created_at, updated_at, loaded_at) as {{ dbt.type_timestamp() }}) as observed_at,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from crm_contacts

    union all

    select
        'crm_contacts' as source_table,
        cast(contact_id as {{ dbt.type_string() }}) as record_id,
        'social_handle' as identifier_type,
        cast('twitter:' || twitter_handle as {{ dbt.type_string() }}) as identifier_value,
        cast(coalesce(created_at, updated_at, loaded_at) as {{ dbt.type_timestamp() }}) as observed_at,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from crm_contacts

    union all

    select
        'shop_accounts' as source_table,
        cast(account_id as {{ dbt.type_string() }}) as record_id,
        'account_id' as identifier_type,
        cast(account_id as {{ dbt.type_string() }}) as identifier_value,
        cast(coalesce(created_at, loaded_at) as {{ dbt.type_timestamp() }}) as observed_at,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from shop_accounts

    union all

    select
        'shop_accounts' as source_table,
        cast(account_id as {{ dbt.type_string() }}) as record_id,
        'email' as identifier_type,
        cast(email_match_key as {{ dbt.type_string() }}) as identifier_value,
        cast(coalesce(created_at, loaded_at) as {{ dbt.type_timestamp() }}) as observed_at,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from shop_accounts

    union all

    select
        'shop_accounts' as source_table,
        cast(account_id as {{ dbt.type_string() }}) as record_id,
        'phone' as identifier_type,
        cast(phone_e164 as {{ dbt.type_string() }}) as identifier_value,
        cast(coalesce(created_at, loaded_at) as {{ dbt.type_timestamp() }}) as observed_at,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from shop_accounts

    union all

    select
        'shop_accounts' as source_table,
        cast(account_id as {{ dbt.type_string() }}) as record_id,
        'loyalty_card_id' as identifier_type,
        cast(loyalty_card_id as {{ dbt.type_string() }}) as identifier_value,
        cast(coalesce(created_at, loaded_at) as {{ dbt.type_timestamp() }}) as observed_at,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from shop_accounts

    union all

    select
        'shop_orders' as source_table,
        cast(order_id as {{ dbt.type_string() }}) as record_id,
        'order_id' as identifier_type,
        cast(order_id as {{ dbt.type_string() }}) as identifier_value,
        cast(coalesce(ordered_at, loaded_at) as {{ dbt.type_timestamp() }}) as observed_at,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from shop_orders

    union all

    select
        'shop_orders' as source_table,
        cast(order_id as {{ dbt.type_string() }}) as record_id,
        'account_id' as identifier_type,
        cast(account_id as {{ dbt.type_string() }}) as identifier_value,
        cast(coalesce(ordered_at, loaded_at) as {{ dbt.type_timestamp() }}) as observed_at,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from shop_orders

    union all

    select
        'shop_orders' as source_table,
        cast(order_id as {{ dbt.type_string() }}) as record_id,
        'email' as identifier_type,
        cast(customer_email_match_key as {{ dbt.type_string() }}) as identifier_value,
        cast(coalesce(ordered_at, loaded_at) as {{ dbt.type_timestamp() }}) as observed_at,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from shop_orders

    union all

    select
        'shop_orders' as source_table,
        cast(order_id as {{ dbt.type_string() }}) as record_id,
        'phone' as identifier_type,
        cast(customer_phone_e164 as {{ dbt.type_string() }}) as identifier_value,
        cast(coalesce(ordered_at, loaded_at) as {{ dbt.type_timestamp() }}) as observed_at,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from shop_orders

    union all

    select
        'shop_orders' as source_table,
        cast(order_id as {{ dbt.type_string() }}) as record_id,
        'loyalty_card_id' as identifier_type,
        cast(loyalty_card_id as {{ dbt.type_string() }}) as identifier_value,
        cast(coalesce(ordered_at, loaded_at) as {{ dbt.type_timestamp() }}) as observed_at,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from shop_orders

    union all

    select
        'shop_order_lines' as source_table,
        cast(order_line_id as {{ dbt.type_string() }}) as record_id,
        'order_id' as identifier_type,
        cast(order_id as {{ dbt.type_string() }}) as identifier_value,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as observed_at,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from shop_order_lines

    union all

    select
        'shop_carts' as source_table,
        cast(cart_id as {{ dbt.type_string() }}) as record_id,
        'account_id' as identifier_type,
        cast(account_id as {{ dbt.type_string() }}) as identifier_value,
        cast(coalesce(created_at, updated_at, loaded_at) as {{ dbt.type_timestamp() }}) as observed_at,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from shop_carts

    union all

    select
        'shop_carts' as source_table,
        cast(cart_id as {{ dbt.type_string() }}) as record_id,
        'anonymous_id' as identifier_type,
        cast(anonymous_id as {{ dbt.type_string() }}) as identifier_value,
        cast(coalesce(created_at, updated_at, loaded_at) as {{ dbt.type_timestamp() }}) as observed_at,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from shop_carts

    union all

    select
        'shop_carts' as source_table,
        cast(cart_id as {{ dbt.type_string() }}) as record_id,
        'order_id' as identifier_type,
        cast(order_id as {{ dbt.type_string() }}) as identifier_value,
        cast(coalesce(created_at, updated_at, loaded_at) as {{ dbt.type_timestamp() }}) as observed_at,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from shop_carts

    union all

    select
        'shop_reviews' as source_table,
        cast(review_id as {{ dbt.type_string() }}) as record_id,
        'account_id' as identifier_type,
        cast(account_id as {{ dbt.type_string() }}) as identifier_value,
        cast(coalesce(created_at, loaded_at) as {{ dbt.type_timestamp() }}) as observed_at,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from shop_reviews

    union all

    select
        'shop_reviews' as source_table,
        cast(review_id as {{ dbt.type_string() }}) as record_id,
        'email' as identifier_type,
        cast(reviewer_email_match_key as {{ dbt.type_string() }}) as identifier_value,
        cast(coalesce(created_at, loaded_at) as {{ dbt.type_timestamp() }}) as observed_at,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from shop_reviews

    union all

    select
        'support_tickets' as source_table,
        cast(ticket_id as {{ dbt.type_string() }}) as record_id,
        'email' as identifier_type,
        cast(requester_email_match_key as {{ dbt.type_string() }}) as identifier_value,
        cast(coalesce(opened_at, loaded_at) as {{ dbt.type_timestamp() }}) as observed_at,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from support_tickets

    union all

    select
        'support_tickets' as source_table,
        cast(ticket_id as {{ dbt.type_string() }}) as record_id,
        'phone' as identifier_type,
        cast(requester_phone_e164 as {{ dbt.type_string() }}) as identifier_value,
        cast(coalesce(opened_at, loaded_at) as {{ dbt.type_timestamp() }}) as observed_at,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from support_tickets

    union all

    select
        'surveys_responses' as source_table,
        cast(response_id as {{ dbt.type_string() }}) as record_id,
        'account_id' as identifier_type,
        cast(account_id as {{ dbt.type_string() }}) as identifier_value,
        cast(coalesce(submitted_at, loaded_at) as {{ dbt.type_timestamp() }}) as observed_at,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from surveys_responses

    union all

    select
        'surveys_responses' as source_table,
        cast(response_id as {{ dbt.type_string() }}) as record_id,
        'email' as identifier_type,
        cast(respondent_email_match_key as {{ dbt.type_string() }}) as identifier_value,
        cast(coalesce(submitted_at, loaded_at) as {{ dbt.type_timestamp() }}) as observed_at,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from surveys_responses

    union all

    select
        'privacy_consent_events' as source_table,
        cast(consent_event_id as {{ dbt.type_string() }}) as record_id,
        'account_id' as identifier_type,
        cast(account_id as {{ dbt.type_string() }}) as identifier_value,
        cast(coalesce(occurred_at, loaded_at) as {{ dbt.type_timestamp() }}) as observed_at,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from privacy_consent_events

    union all

    select
        'privacy_consent_events' as source_table,
        cast(consent_event_id as {{ dbt.type_string() }}) as record_id,
        'email' as identifier_type,
        cast(email_match_key as {{ dbt.type_string() }}) as identifier_value,
        cast(coalesce(occurred_at, loaded_at) as {{ dbt.type_timestamp() }}) as observed_at,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from privacy_consent_events

    union all

    select
        'privacy_consent_events' as source_table,
        cast(consent_event_id as {{ dbt.type_string() }}) as record_id,
        'phone' as identifier_type,
        cast(phone_e164 as {{ dbt.type_string() }}) as identifier_value,
        cast(coalesce(occurred_at, loaded_at) as {{ dbt.type_timestamp() }}) as observed_at,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from privacy_consent_events

    union all

    select
        'privacy_erasure_requests' as source_table,
        cast(request_id as {{ dbt.type_string() }}) as record_id,
        'account_id' as identifier_type,
        cast(account_id as {{ dbt.type_string() }}) as identifier_value,
        cast(coalesce(requested_at, loaded_at) as {{ dbt.type_timestamp() }}) as observed_at,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from privacy_erasure_requests

    union all

    select
        'privacy_erasure_requests' as source_table,
        cast(request_id as {{ dbt.type_string() }}) as record_id,
        'email' as identifier_type,
        cast(email_match_key as {{ dbt.type_string() }}) as identifier_value,
        cast(coalesce(requested_at, loaded_at) as {{ dbt.type_timestamp() }}) as observed_at,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from privacy_erasure_requests

    union all

    select
        'privacy_erasure_requests' as source_table,
        cast(request_id as {{ dbt.type_string() }}) as record_id,
        'phone' as identifier_type,
        cast(phone_e164 as {{ dbt.type_string() }}) as identifier_value,
        cast(coalesce(requested_at, loaded_at) as {{ dbt.type_timestamp() }}) as observed_at,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from privacy_erasure_requests

    union all

    select
        'web_events' as source_table,
        cast(event_id as {{ dbt.type_string() }}) as record_id,
        'anonymous_id' as identifier_type,
        cast(anonymous_id as {{ dbt.type_string() }}) as identifier_value,
        cast(coalesce(occurred_at, loaded_at) as {{ dbt.type_timestamp() }}) as observed_at,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from web_events

    union all

    select
        'web_events' as source_table,
        cast(event_id as {{ dbt.type_string() }}) as record_id,
        'account_id' as identifier_type,
        cast(account_id as {{ dbt.type_string() }}) as identifier_value,
        cast(coalesce(occurred_at, loaded_at) as {{ dbt.type_timestamp() }}) as observed_at,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from web_events

    union all

    select
        'app_events' as source_table,
        cast(event_id as {{ dbt.type_string() }}) as record_id,
        'device_id' as identifier_type,
        cast(device_id as {{ dbt.type_string() }}) as identifier_value,
        cast(coalesce(occurred_at, loaded_at) as {{ dbt.type_timestamp() }}) as observed_at,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from app_events

    union all

    select
        'app_events' as source_table,
        cast(event_id as {{ dbt.type_string() }}) as record_id,
        'account_id' as identifier_type,
        cast(account_id as {{ dbt.type_string() }}) as identifier_value,
        cast(coalesce(occurred_at, loaded_at) as {{ dbt.type_timestamp() }}) as observed_at,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from app_events

    union all

    select
        'esp_email_events' as source_table,
        cast(email_event_id as {{ dbt.type_string() }}) as record_id,
        'email' as identifier_type,
        cast(recipient_email_match_key as {{ dbt.type_string() }}) as identifier_value,
        cast(coalesce(occurred_at, loaded_at) as {{ dbt.type_timestamp() }}) as observed_at,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from esp_email_events

    union all

    select
        'ads_ad_events' as source_table,
        cast(ad_event_id as {{ dbt.type_string() }}) as record_id,
        'anonymous_id' as identifier_type,
        cast(anonymous_id as {{ dbt.type_string() }}) as identifier_value,
        cast(coalesce(occurred_at, loaded_at) as {{ dbt.type_timestamp() }}) as observed_at,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from ads_ad_events

    union all

    select
        'social_engagements' as source_table,
        cast(engagement_id as {{ dbt.type_string() }}) as record_id,
        'social_handle' as identifier_type,
        cast(lower(platform) || ':' || handle as {{ dbt.type_string() }}) as identifier_value,
        cast(coalesce(occurred_at, loaded_at) as {{ dbt.type_timestamp() }}) as observed_at,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from social_engagements

    union all

    select
        'billing_subscription_events' as source_table,
        cast(subscription_event_id as {{ dbt.type_string() }}) as record_id,
        'account_id' as identifier_type,
        cast(account_id as {{ dbt.type_string() }}) as identifier_value,
        cast(coalesce(occurred_at, loaded_at) as {{ dbt.type_timestamp() }}) as observed_at,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from billing_subscription_events
    {%- if extra_observations %}

    union all

    select
        cast(source_table as {{ dbt.type_string() }}) as source_table,
        cast(record_id as {{ dbt.type_string() }}) as record_id,
        cast(identifier_type as {{ dbt.type_string() }}) as identifier_type,
        cast(identifier_value as {{ dbt.type_string() }}) as identifier_value,
        cast(observed_at as {{ dbt.type_timestamp() }}) as observed_at,
        cast(null as {{ dbt.type_timestamp() }}) as loaded_at
    from extra_observations
{%- endif %}

),

final as (

    select distinct
        source_table || ':' || record_id as record_key,
        source_table,
        record_id,
        identifier_type,
        trim(identifier_value) as identifier_value,
        observed_at,
        loaded_at,
        {{ cdp_run_stamp() }} as written_at
    from identifiers_stacked
    where
        record_id is not null
        and identifier_value is not null
        and trim(identifier_value) != ''

)

select * from final
{%- if is_incremental() %}
union all
{{ cdp_identity_tombstones('touched_records') }}
{%- endif %}
