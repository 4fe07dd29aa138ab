{#- Every person record's claim about a customer's profile, one row per record, in one shape: the inputs of
    the golden record's survivorship rules (dim_customers). Values are the staging layer's normalised forms;
    invalid values were already set NULL there. Marketplace relay e-mails are not the person's address and are
    left out. Incremental by customer on DuckDB: a run rewrites the records of the customers whose records
    changed since it last read the customer change feed (cdp_customer_changes); a table on Spark. -#}
{{ cdp_customer_incremental_config() }}
{%- set from_feed = not cdp_customer_changes_unreadable(ref('int_customer_ids')) %}
{%- set attributes = {
    'first_name': dbt.type_string(), 'last_name': dbt.type_string(), 'email': dbt.type_string(),
    'phone_e164': dbt.type_string(), 'date_of_birth': 'date', 'gender': dbt.type_string(),
    'street': dbt.type_string(), 'city': dbt.type_string(), 'postcode': dbt.type_string(),
    'country_code': dbt.type_string(), 'job_title': dbt.type_string(), 'company': dbt.type_string(),
} -%}
{%- set sources = [
    {'model': 'stg_crm__contacts', 'table': 'crm_contacts', 'id': 'contact_id',
     'observed_at': 'coalesce(updated_at, created_at)',
     'columns': ['first_name', 'last_name', 'email', 'phone_e164', 'date_of_birth', 'gender', 'street', 'city',
                 'postcode', 'country_code', 'job_title', 'company']},
    {'model': 'stg_shop__accounts', 'table': 'shop_accounts', 'id': 'account_id',
     'observed_at': 'coalesce(last_login_at, created_at)',
     'columns': ['first_name', 'last_name', 'email', 'phone_e164', 'date_of_birth', 'country_code']},
    {'model': 'stg_shop__orders', 'table': 'shop_orders', 'id': 'order_id', 'observed_at': 'ordered_at',
     'columns': {'email': 'case when not is_relay_email then customer_email end',
                 'phone_e164': 'customer_phone_e164', 'street': 'shipping_street', 'city': 'shipping_city',
                 'postcode': 'shipping_postcode', 'country_code': 'shipping_country_code'}},
    {'model': 'stg_support__tickets', 'table': 'support_tickets', 'id': 'ticket_id', 'observed_at': 'opened_at',
     'columns': {'email': 'requester_email', 'phone_e164': 'requester_phone_e164'}},
    {'model': 'stg_surveys__responses', 'table': 'surveys_responses', 'id': 'response_id',
     'observed_at': 'submitted_at', 'columns': {'email': 'respondent_email'}},
    {'model': 'stg_shop__reviews', 'table': 'shop_reviews', 'id': 'review_id', 'observed_at': 'created_at',
     'columns': {'email': 'reviewer_email'}},
    {'model': 'stg_privacy__consent_events', 'table': 'privacy_consent_events', 'id': 'consent_event_id',
     'observed_at': 'occurred_at', 'columns': ['email', 'phone_e164']},
] -%}

with

{{ cdp_changed_customers_cte(from_feed) }}

customer_ids as (

    select * from {{ cdp_changed_customer_rows(ref('int_customer_ids'), from_feed) }}
    where source_table in ({{ cdp_string_list(sources | map(attribute='table') | list) }})

),

person_records as (

    {{ cdp_union_profile_claims(sources, attributes) }}

),

final as (

    select
        customer_ids.customer_id,
        customer_ids.record_key,
        person_records.*
    from person_records
    inner join customer_ids
        on
            person_records.source_table = customer_ids.source_table
            and person_records.record_id = customer_ids.record_id

)

select * from final
