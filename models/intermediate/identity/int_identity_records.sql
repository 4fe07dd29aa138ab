{#- Every record of the person-describing staged tables (CRM contacts, shop accounts, orders, reviews, support
    tickets, survey responses, privacy requests), whether or not it carries an identifier: each one must resolve
    to a customer, on its own `record:<record_key>` node when nothing links it. -#}
with

crm_contacts as (

    select * from {{ ref('stg_crm__contacts') }}

),

shop_accounts as (

    select * from {{ ref('stg_shop__accounts') }}

),

shop_orders as (

    select * from {{ ref('stg_shop__orders') }}

),

shop_reviews as (

    select * from {{ ref('stg_shop__reviews') }}

),

support_tickets as (

    select * from {{ ref('stg_support__tickets') }}

),

surveys_responses as (

    select * from {{ ref('stg_surveys__responses') }}

),

privacy_consent_events as (

    select * from {{ ref('stg_privacy__consent_events') }}

),

privacy_erasure_requests as (

    select * from {{ ref('stg_privacy__erasure_requests') }}

),

records_stacked as (

    select
        'crm_contacts' as source_table,
        cast(contact_id as {{ dbt.type_string() }}) as record_id,
        cast(coalesce(created_at, updated_at, loaded_at) as {{ dbt.type_timestamp() }}) as observed_at
    from crm_contacts

    union all

    select
        'shop_accounts' as source_table,
        cast(account_id as {{ dbt.type_string() }}) as record_id,
        cast(coalesce(created_at, loaded_at) as {{ dbt.type_timestamp() }}) as observed_at
    from shop_accounts

    union all

    select
        'shop_orders' as source_table,
        cast(order_id as {{ dbt.type_string() }}) as record_id,
        cast(coalesce(ordered_at, loaded_at) as {{ dbt.type_timestamp() }}) as observed_at
    from shop_orders

    union all

    select
        'shop_reviews' as source_table,
        cast(review_id as {{ dbt.type_string() }}) as record_id,
        cast(coalesce(created_at, loaded_at) as {{ dbt.type_timestamp() }}) as observed_at
    from shop_reviews

    union all

    select
        'support_tickets' as source_table,
        cast(ticket_id as {{ dbt.type_string() }}) as record_id,
        cast(coalesce(opened_at, loaded_at) as {{ dbt.type_timestamp() }}) as observed_at
    from support_tickets

    union all

    select
        'surveys_responses' as source_table,
        cast(response_id as {{ dbt.type_string() }}) as record_id,
        cast(coalesce(submitted_at, loaded_at) as {{ dbt.type_timestamp() }}) as observed_at
    from surveys_responses

    union all

    select
        'privacy_consent_events' as source_table,
        cast(consent_event_id as {{ dbt.type_string() }}) as record_id,
        cast(coalesce(occurred_at, loaded_at) as {{ dbt.type_timestamp() }}) as observed_at
    from privacy_consent_events

    union all

    select
        'privacy_erasure_requests' as source_table,
        cast(request_id as {{ dbt.type_string() }}) as record_id,
        cast(coalesce(requested_at, loaded_at) as {{ dbt.type_timestamp() }}) as observed_at
    from privacy_erasure_requests

),

final as (

    select
        source_table || ':' || record_id as record_key,
        source_table,
        record_id,
        min(observed_at) as observed_at
    from records_stacked
    where record_id is not null
    group by
        source_table,
        record_id

)

select * from final
