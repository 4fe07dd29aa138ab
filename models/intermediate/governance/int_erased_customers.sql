{#- The customers the marts must forget: every customer a record resolves to that carries an identifier on the
    suppression list (int_erasure_suppressions, matched by salted hash) among the identifiers the identity
    rules judge usable (a blocklisted placeholder or an over-limit shared value erases nobody). The erasure
    request itself is such a record, so a request erases its customer on the next build; a record that arrives later with the same e-mail,
    phone or account is erased too, even if it forms a new customer after the request and the person's source
    rows were purged. Marts empty these customers' PII with cdp_erased_columns. -#}
{%- set types = var('cdp__erasure_identifier_types') %}

with

suppressions as (

    select * from {{ ref('int_erasure_suppressions') }}

),

observations as (

    select * from {{ ref('int_identity_observations_assessed') }}

),

customer_ids as (

    select * from {{ ref('int_customer_ids') }}

),

suppressed_hashes as (

    select
        identifier_hash,
        min(requested_at) as first_requested_at,
        min(suppressed_at) as first_suppressed_at
    from suppressions
    group by identifier_hash

),

hashed_observations as (

    select
        record_key,
        {{ cdp_pii_hash('node_key') }} as identifier_hash
    from observations
    where
        is_usable
        and identifier_type in ({{ cdp_string_list(types) }})

),

suppressed_records as (

    select
        hashed_observations.record_key,
        min(suppressed_hashes.first_requested_at) as first_requested_at,
        min(suppressed_hashes.first_suppressed_at) as first_suppressed_at
    from hashed_observations
    inner join suppressed_hashes on hashed_observations.identifier_hash = suppressed_hashes.identifier_hash
    group by hashed_observations.record_key

),

final as (

    select
        customer_ids.customer_id,
        min(suppressed_records.first_requested_at) as erasure_requested_at,
        min(suppressed_records.first_suppressed_at) as erased_at,
        count(*) as suppressed_record_count
    from suppressed_records
    inner join customer_ids on suppressed_records.record_key = customer_ids.record_key
    group by customer_ids.customer_id

)

select * from final
