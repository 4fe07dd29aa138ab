{#- One row per record that takes part in the identity graph, with the graph node that stands for it: its anchor
    (strongest usable identifier) or, for a person-describing record with no usable identifier, a node of its own
    `record:<record_key>` so probabilistic links can still attach it. Event records without a usable identifier
    resolve to nobody and are left out. -#}
with

observations_assessed as (

    select * from {{ ref('int_identity_observations_assessed') }}

),

person_records as (

    select * from {{ ref('int_identity_records') }}

),

observed_records as (

    {#- one pass over the observations: a record has one source table, record id and observed_at, and at most
        one anchor row (int_identity_observations_assessed ranks them) -#}
    select
        record_key,
        min(source_table) as source_table,
        min(record_id) as record_id,
        min(observed_at) as observed_at,
        max(case when is_anchor then node_key end) as anchor_node_key,
        max(case when is_anchor then identifier_type end) as anchor_identifier_type,
        max(case when is_anchor then identifier_value end) as anchor_identifier_value,
        max(case when is_anchor then type_priority end) as anchor_type_priority
    from observations_assessed
    group by record_key

),

records as (

    select
        coalesce(person_records.record_key, observed_records.record_key) as record_key,
        coalesce(person_records.source_table, observed_records.source_table) as source_table,
        coalesce(person_records.record_id, observed_records.record_id) as record_id,
        coalesce(person_records.observed_at, observed_records.observed_at) as observed_at,
        observed_records.anchor_node_key,
        observed_records.anchor_identifier_type,
        observed_records.anchor_identifier_value,
        observed_records.anchor_type_priority,
        person_records.record_key is not null as is_person_record
    from person_records
    full outer join observed_records
        on person_records.record_key = observed_records.record_key

),

final as (

    select
        record_key,
        source_table,
        record_id,
        coalesce(anchor_node_key, 'record:' || record_key) as anchor_node_key,
        coalesce(anchor_identifier_type, 'record') as anchor_identifier_type,
        coalesce(anchor_identifier_value, record_key) as anchor_identifier_value,
        coalesce(anchor_type_priority, 1000) as anchor_type_priority,
        anchor_node_key is null as is_record_node,
        observed_at
    from records
    where
        anchor_node_key is not null
        or is_person_record

)

select * from final
