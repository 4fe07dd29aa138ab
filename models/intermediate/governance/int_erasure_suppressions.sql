{#- The suppression list of the right to be forgotten: for every erasure request, the salted hashes (never the
    values) of the usable identifiers (int_identity_observations_assessed) that name the person: those the request
    gives (account id, e-mail, phone) and the anchor identifier of every record of the customer the request resolved to when it was first seen, of the types
    in var('cdp__erasure_identifier_types'). int_erased_customers erases every customer a record carrying one of
    them resolves to, now or later, even after the request and the person's source rows are purged.
    Append-only and never rebuilt (full_refresh: false): a request is hashed once, on the first build that sees
    it. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=false,
    on_schema_change='fail'
) }}

{%- set types = var('cdp__erasure_identifier_types') %}

{#- Most runs see no new request. Then the identity tables are read as empty, so the run appends nothing without
    scanning them (joining 32 million record -> customer rows to no request took most of the model's time at
    1M). A request that named no usable identifier has no row here, so every run looks at it again. #}
{#- A request is new when the list has no row for it: the one condition both the check and new_requests use. #}
{%- set is_new_request -%}
    request_id not in (select suppressions.erasure_request_id from {{ this }} as suppressions)
{%- endset %}
{%- set has_new_requests = true %}
{%- if execute and is_incremental() %}
    {%- set new_request_query %}
        select count(*) as new_requests
        from {{ ref('stg_privacy__erasure_requests') }}
        where {{ is_new_request }}
    {%- endset %}
    {%- set has_new_requests = cdp_scalar(new_request_query) > 0 %}
{%- endif %}

with

erasure_requests as (

    select * from {{ ref('stg_privacy__erasure_requests') }}

),

customer_ids as {{ cdp_not_materialized() }} (

    {#- Read in place, not copied into a CTE buffer (DuckDB copies a CTE read twice). #}
    select * from {{ ref('int_customer_ids') }}
    {%- if not has_new_requests %} where false{% endif %}

),

observations as {{ cdp_not_materialized() }} (

    select * from {{ ref('int_identity_observations_assessed') }}
    {%- if not has_new_requests %} where false{% endif %}

),

new_requests as (

    select
        erasure_requests.request_id,
        erasure_requests.requested_at
    from erasure_requests
    {%- if is_incremental() %}
        where erasure_requests.{{ is_new_request }}
    {%- endif %}

),

requested_identifiers as (

    {#- The request's own identifiers, as the identity rules judged them: a blocklisted placeholder or a value
        shared beyond its limit names nobody, so it is never suppressed. #}
    select
        new_requests.request_id,
        new_requests.requested_at,
        observations.identifier_type,
        observations.node_key
    from new_requests
    inner join observations
        on
            observations.source_table = 'privacy_erasure_requests'
            and new_requests.request_id = observations.record_id
    where
        observations.is_usable
        and observations.identifier_type in ({{ cdp_string_list(types) }})

),

request_customers as (

    select
        new_requests.request_id,
        new_requests.requested_at,
        customer_ids.customer_id
    from new_requests
    inner join customer_ids
        on
            customer_ids.source_table = 'privacy_erasure_requests'
            and new_requests.request_id = customer_ids.record_id

),

customer_anchors as (

    select distinct
        request_customers.request_id,
        request_customers.requested_at,
        customer_ids.anchor_identifier_type as identifier_type,
        customer_ids.anchor_node_key as node_key
    from request_customers
    inner join customer_ids on request_customers.customer_id = customer_ids.customer_id
    where
        customer_ids.anchor_identifier_type in ({{ cdp_string_list(types) }})

),

identifiers as (

    select * from requested_identifiers
    union
    select * from customer_anchors

),

final as (

    select
        cast(request_id as {{ dbt.type_string() }}) as erasure_request_id,
        cast(identifier_type as {{ dbt.type_string() }}) as identifier_type,
        cast(
            {{ cdp_pii_hash('node_key') }}
            as {{ dbt.type_string() }}
        ) as identifier_hash,
        cast(requested_at as {{ dbt.type_timestamp() }}) as requested_at,
        cast({{ cdp_run_stamp() }} as {{ dbt.type_timestamp() }}) as suppressed_at,
        {#- Which salt hashed the row: a build with another salt would match nobody, and
            assert_erasure_salt_unchanged fails it. #}
        cast({{ cdp_pii_hash("'cdp-salt-fingerprint'") }} as {{ dbt.type_string() }}) as salt_fingerprint
    from identifiers

)

select * from final
