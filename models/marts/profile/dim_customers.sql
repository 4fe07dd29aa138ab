{#- The golden record: one row per resolved customer. Each attribute group survives from one record chosen by
    the rule of var('cdp__survivorship') (macro cdp_survivorship_order), with the winning source recorded.
    Customers known only from events (a cookie, a device) are rows too, with empty profile attributes. -#}
{%- set survivorship = var('cdp__survivorship') -%}
{%- set groups = survivorship.attributes -%}

with

customer_ids as (

    select * from {{ ref('int_customer_ids') }}

),

candidates as (

    select * from {{ ref('int_customer_profile_candidates') }}

),

consent_current as (

    select * from {{ ref('int_consent_current') }}

),

email_events as (

    select * from {{ ref('stg_esp__email_events') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

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

hard_bounced_emails as (

    select distinct recipient_email as email
    from email_events
    where event_type = 'bounce' and bounce_type = 'hard'

),

consent_pivoted as (

    select
        customer_id,
        {%- for channel in var('cdp__consent_channels') %}
            max(case when channel = '{{ channel }}' then consent_status end) as {{ channel }}_consent_status,
        {%- endfor %}
        max(consent_updated_at) as consent_updated_at
    from consent_current
    group by customer_id

),

joined as (

    select
        customers.customer_id,
        name_survivor.first_name,
        name_survivor.last_name,
        email_survivor.email,
        phone_survivor.phone_e164,
        birth_survivor.date_of_birth,
        {{ cdp_age_in_years('birth_survivor.date_of_birth', 'as_of.as_of_date') }} as age,
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
        hard_bounced_emails.email is not null as email_has_hard_bounced,
        {%- for channel in var('cdp__consent_channels') %}
            coalesce(consent_pivoted.{{ channel }}_consent_status, 'unknown') as {{ channel }}_consent_status,
        {%- endfor %}
        consent_pivoted.consent_updated_at,
        customers.record_count,
        coalesce(person_records.person_record_count, 0) as person_record_count,
        customers.source_count,
        customers.erasure_request_count > 0 as is_erasure_requested,
        customers.first_seen_at,
        customers.last_seen_at
    from customers
    cross join as_of
    left join person_records on customers.customer_id = person_records.customer_id
    {%- for group in groups %}
        left join {{ group }}_survivor on customers.customer_id = {{ group }}_survivor.customer_id
    {%- endfor %}
    left join hard_bounced_emails on email_survivor.email = hard_bounced_emails.email
    left join consent_pivoted on customers.customer_id = consent_pivoted.customer_id

),

final as (

    select
        customer_id,
        cast(first_name as {{ dbt.type_string() }}) as first_name,
        cast(last_name as {{ dbt.type_string() }}) as last_name,
        cast(email as {{ dbt.type_string() }}) as email,
        cast(phone_e164 as {{ dbt.type_string() }}) as phone_e164,
        date_of_birth,
        cast(age as integer) as age,
        {{ cdp_age_group('age') }} as age_group,
        gender,
        street,
        city,
        postcode,
        country_code,
        job_title,
        company,
        {%- for group in groups %}
            {{ group }}_source,
        {%- endfor %}
        email is not null as has_email,
        email_has_hard_bounced,
        phone_e164 is not null as has_phone,
        {%- for channel in var('cdp__consent_channels') %}
            {{ channel }}_consent_status,
        {%- endfor %}
        email is not null and not email_has_hard_bounced and email_consent_status = 'granted' as is_email_contactable,
        phone_e164 is not null and sms_consent_status = 'granted' as is_sms_contactable,
        consent_updated_at,
        person_record_count > 0 as is_known,
        cast(record_count as bigint) as record_count,
        cast(person_record_count as bigint) as person_record_count,
        cast(source_count as bigint) as source_count,
        is_erasure_requested,
        first_seen_at,
        last_seen_at
    from joined

)

select * from final
