{#- record_key -> customer_id for every record that resolved to a node of the identity graph (person records
    always; event records when they carry a usable identifier). -#}
with

record_anchors as (

    select * from {{ ref('int_identity_record_anchors') }}

),

identity_components as (

    select * from {{ ref('int_identity_components') }}

),

final as (

    select
        record_anchors.record_key,
        identity_components.customer_id,
        record_anchors.source_table,
        record_anchors.record_id,
        record_anchors.anchor_node_key,
        record_anchors.anchor_identifier_type,
        identity_components.survivor_node_key,
        record_anchors.is_record_node,
        record_anchors.observed_at
    from record_anchors
    inner join identity_components
        on record_anchors.anchor_node_key = identity_components.node_key

)

select * from final
