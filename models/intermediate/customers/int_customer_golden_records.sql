{#- The part of the golden record that depends on the customer's records alone: each attribute group's survivor
    by the rule of var('cdp__survivorship') (macro cdp_survivorship_order) with its source, and the record
    counts and first / last seen. One row per resolved customer, customers known only from events included.
    Incremental by customer on DuckDB: a run rewrites the customers the change feed of int_customer_ids lists
    since it last read it (cdp_customer_changes), and removes those that no longer exist; a change of
    var('cdp__survivorship') needs --full-refresh. A table on Spark. dim_customers adds what depends
    on the day or on other customers' data (age, hard bounces, consent). -#}
{{ cdp_customer_incremental_config() }}
{%- set survivorship = var('cdp__survivorship') -%}
{%- set groups = survivorship.attributes -%}
{%- set from_feed = not cdp_customer_changes_unreadable(ref('int_customer_ids')) %}

with

{{ cdp_changed_customers_cte(from_feed) }}

customer_ids as (

    select * from {{ cdp_changed_customer_rows(ref('int_customer_ids'), from_feed) }}

),

candidates as (

    select * from {{ cdp_changed_customer_rows(ref('int_customer_profile_candidates'), from_feed) }}

),

customers as (

    select
        customer_id,
        count(*) as record_count,
        count(distinct source_table) as source_count,
        sum(case when source_table = 'privacy_erasure_requests' then 1 else 0 end) as erasure_request_count,
        min(observed_at) as first_seen_at,
        max(observed_at) as last_seen_at
    from customer_ids
    group by customer_id

),

person_records as (

    select
        customer_id,
        count(*) as person_record_count
    from candidates
    group by customer_id

),

{{ cdp_survivor_ctes('candidates', survivorship) }}

final as (

    select
        customers.customer_id,
        name_survivor.first_name,
        name_survivor.last_name,
        email_survivor.email,
        phone_survivor.phone_e164,
        birth_survivor.date_of_birth,
        gender_survivor.gender,
        address_survivor.street,
        address_survivor.city,
        address_survivor.postcode,
        country_survivor.country_code,
        job_survivor.job_title,
        job_survivor.company,
        {%- for group in groups %}
            {{ group }}_survivor.{{ group }}_source,
        {%- endfor %}
        cast(customers.record_count as bigint) as record_count,
        cast(coalesce(person_records.person_record_count, 0) as bigint) as person_record_count,
        cast(customers.source_count as bigint) as source_count,
        cast(customers.erasure_request_count as bigint) as erasure_request_count,
        customers.first_seen_at,
        customers.last_seen_at
    from customers
    left join person_records on customers.customer_id = person_records.customer_id
    {%- for group in groups %}
        left join {{ group }}_survivor on customers.customer_id = {{ group }}_survivor.customer_id
    {%- endfor %}

)

select * from final
