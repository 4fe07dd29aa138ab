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

    select
        record_key,
        source_table,
        record_id,
        min(observed_at) as observed_at
    from observations_assessed
    group by
        record_key,
        source_table,
        record_id

),

records as (

    select
        coalesce(person_records.record_key, observed_records.record_key) as record_key,
        coalesce(person_records.source_table, observed_records.source_table) as source_table,
        coalesce(person_records.record_id, observed_records.record_id) as record_id,
        coalesce(person_records.observed_at, observed_records.observed_at) as observed_at,
        person_records.record_key is not null as is_person_record
    from person_records
    full outer join observed_records
        on person_records.record_key = observed_records.record_key

),

anchors as (

    select
        record_key,
        node_key,
        identifier_type,
        identifier_value,
        type_priority
    from observations_assessed
    where is_anchor

),

final as (

    select
        records.record_key,
        records.source_table,
        records.record_id,
        coalesce(anchors.node_key, 'record:' || records.record_key) as anchor_node_key,
        coalesce(anchors.identifier_type, 'record') as anchor_identifier_type,
        coalesce(anchors.identifier_value, records.record_key) as anchor_identifier_value,
        coalesce(anchors.type_priority, 1000) as anchor_type_priority,
        anchors.node_key is null as is_record_node,
        records.observed_at
    from records
    left join anchors
        on records.record_key = anchors.record_key
    where
        anchors.node_key is not null
        or records.is_person_record

)

select * from final
