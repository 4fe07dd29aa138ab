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

observations as {{ cdp_not_materialized() }} (

    {#- Read in place, not copied into a CTE buffer (19 million rows at 1M). #}
    select * from {{ ref('int_identity_observations_assessed') }}
    where
        is_usable
        and identifier_type in ({{ cdp_string_list(types) }})

),

identity_nodes as (

    select * from {{ ref('int_identity_components') }}

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

usable_nodes as (

    {#- Each identifier is hashed once, not once per record carrying it (2.8 million hashes instead of 19
        million at 1M people). The graph holds every usable identifier once (it is its record's anchor or
        the far end of a used edge from it), so the nodes are read from it, not found by a distinct over the
        observations. #}
    select node_key
    from identity_nodes
    where identifier_type in ({{ cdp_string_list(types) }})

),

suppressed_nodes as (

    select
        usable_nodes.node_key,
        suppressed_hashes.first_requested_at,
        suppressed_hashes.first_suppressed_at
    from usable_nodes
    inner join suppressed_hashes on {{ cdp_pii_hash('usable_nodes.node_key') }} = suppressed_hashes.identifier_hash

),

suppressed_records as (

    select
        observations.record_key,
        min(suppressed_nodes.first_requested_at) as first_requested_at,
        min(suppressed_nodes.first_suppressed_at) as first_suppressed_at
    from observations
    inner join suppressed_nodes on observations.node_key = suppressed_nodes.node_key
    group by observations.record_key

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
