{#- The audit trail of the right to be forgotten: one row per erasure request, written by the first build that
    honours it and never rewritten or rebuilt (append-only, full_refresh: false). It keeps no PII: the customer
    id and the identifiers are salted hashes; it records when the request was made and honoured, how many
    identifiers went on the suppression list, and which mart columns were emptied. A quarantined request (no
    valid timestamp, no identifier) stays in stg_privacy__erasure_requests_quarantine with its reason. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=false,
    on_schema_change='fail'
) }}

with

suppressions as (

    select * from {{ ref('int_erasure_suppressions') }}

),

erasure_requests as (

    select * from {{ ref('stg_privacy__erasure_requests') }}

),

customer_ids as (

    select * from {{ ref('int_customer_ids') }}

),

new_requests as (

    select
        request_id,
        status,
        requested_at
    from erasure_requests
    {%- if is_incremental() %}
        where request_id not in (select tombstones.erasure_request_id from {{ this }} as tombstones)
    {%- endif %}

),

request_suppressions as (

    select
        erasure_request_id,
        min(suppressed_at) as suppressed_at,
        count(*) as suppressed_identifier_count
    from suppressions
    group by erasure_request_id

),

request_customers as (

    select
        customer_ids.record_id as erasure_request_id,
        min(customer_ids.customer_id) as customer_id
    from customer_ids
    where customer_ids.source_table = 'privacy_erasure_requests'
    group by customer_ids.record_id

),

final as (

    {#- Every staged request gets its tombstone, one naming no usable identifier too (count 0: it erased
        nobody; assert_erasure_requests_named_someone warns). #}
    select
        cast(new_requests.request_id as {{ dbt.type_string() }}) as erasure_request_id,
        cast({{ cdp_pii_hash('request_customers.customer_id') }} as {{ dbt.type_string() }}) as customer_id_hash,
        cast(new_requests.status as {{ dbt.type_string() }}) as request_status,
        cast(new_requests.requested_at as {{ dbt.type_timestamp() }}) as requested_at,
        cast(
            coalesce(request_suppressions.suppressed_at, {{ cdp_run_stamp() }}) as {{ dbt.type_timestamp() }}
        ) as erased_at,
        cast(
            coalesce(request_suppressions.suppressed_identifier_count, 0) as {{ dbt.type_bigint() }}
        ) as suppressed_identifier_count,
        cast('{{ cdp_erased_column_list() }}' as {{ dbt.type_string() }}) as erased_columns
    from new_requests
    left join request_suppressions on new_requests.request_id = request_suppressions.erasure_request_id
    left join request_customers on new_requests.request_id = request_customers.erasure_request_id

)

select * from final
