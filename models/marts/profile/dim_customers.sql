{#- The golden record: one row per resolved customer. Each attribute group survives from one record chosen by
    the rule of var('cdp__survivorship') (macro cdp_survivorship_order), with the winning source recorded:
    int_customer_golden_records, kept incremental by customer. This model adds what changes with the day or
    with other customers' data: the age on the as-of day, hard bounces of the surviving e-mail, consent, and
    erasure: a customer in int_erased_customers keeps the row with every PII column empty.
    Customers known only from events (a cookie, a device) are rows too, with empty profile attributes.
    Incremental by customer on DuckDB (cdp_dim_customers_incremental_config): a run writes again the customers
    its pre-hook listed in cdp_dim_customers_rewritten (listed by the customer change feed, or a stored age,
    hard bounce or erasure flag that no longer holds); a table on Spark. -#}
{{ cdp_dim_customers_incremental_config() }}
{%- set groups = var('cdp__survivorship').attributes -%}
{%- set from_feed = not cdp_customer_changes_unreadable(ref('int_customer_ids')) %}

with

golden_records as (

    select golden_records.*
    from {{ ref('int_customer_golden_records') }} as golden_records
    {%- if from_feed %}
    inner join {{ cdp_dim_customers_rewritten() }} as customers_rewritten
        on golden_records.customer_id = customers_rewritten.customer_id
    {%- endif %}

),

consent_current as (

    select consent_current.*
    from {{ ref('int_consent_current') }} as consent_current
    {%- if from_feed %}
    inner join {{ cdp_dim_customers_rewritten() }} as customers_rewritten
        on consent_current.customer_id = customers_rewritten.customer_id
    {%- endif %}

),

erased_customers as (

    select * from {{ ref('int_erased_customers') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

hard_bounced_emails as (

    {{ cdp_hard_bounced_emails() }}

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
        golden_records.*,
        {{ cdp_age_in_years('golden_records.date_of_birth', 'as_of.as_of_date') }} as age,
        hard_bounced_emails.email is not null as email_has_hard_bounced,
        {%- for channel in var('cdp__consent_channels') %}
            coalesce(consent_pivoted.{{ channel }}_consent_status, 'unknown') as {{ channel }}_consent_status,
        {%- endfor %}
        consent_pivoted.consent_updated_at,
        golden_records.erasure_request_count > 0 or erased_customers.customer_id is not null as is_erased
    from golden_records
    cross join as_of
    left join hard_bounced_emails on golden_records.email = hard_bounced_emails.email
    left join consent_pivoted on golden_records.customer_id = consent_pivoted.customer_id
    left join erased_customers on golden_records.customer_id = erased_customers.customer_id

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
        email is not null and not is_erased as has_email,
        email_has_hard_bounced and not is_erased as email_has_hard_bounced,
        phone_e164 is not null and not is_erased as has_phone,
        {%- for channel in var('cdp__consent_channels') %}
            {{ channel }}_consent_status,
        {%- endfor %}
        email is not null and not email_has_hard_bounced and email_consent_status = 'granted'
        and not is_erased as is_email_contactable,
        phone_e164 is not null and sms_consent_status = 'granted' and not is_erased as is_sms_contactable,
        consent_updated_at,
        person_record_count > 0 as is_known,
        record_count,
        person_record_count,
        source_count,
        is_erased as is_erasure_requested,
        first_seen_at,
        last_seen_at
    from joined

),

erased as (

    {#- Erased people keep their row (facts still add up on the pseudonymous customer_id) without PII. #}
    select {{ cdp_erased_columns('dim_customers', 'final', 'final.is_erasure_requested') }}
    from final

)

select * from erased
