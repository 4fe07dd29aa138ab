{#- Every candidate edge of the identity graph, one row per (node pair, edge type). Deterministic edges link each
    record's anchor to each of its other identifiers; the many records (events) that repeat a pair collapse into
    one row. Edges whose far identifier was rejected stay with is_used = false and rejected_reason. With
    var('cdp__use_probabilistic_links'), the links of int_identity_probabilistic_links join as edges between the
    two records' anchor nodes. -#}
with

observations_assessed as (

    select * from {{ ref('int_identity_observations_assessed') }}

),

record_anchors as (

    select * from {{ ref('int_identity_record_anchors') }}

),

probabilistic_links as (

    select * from {{ ref('int_identity_probabilistic_links') }}

),

record_edges as (

    select
        record_anchors.anchor_node_key as from_node_key,
        record_anchors.anchor_identifier_type as from_identifier_type,
        record_anchors.anchor_identifier_value as from_identifier_value,
        observations_assessed.node_key as to_node_key,
        observations_assessed.identifier_type as to_identifier_type,
        observations_assessed.identifier_value as to_identifier_value,
        observations_assessed.record_key,
        observations_assessed.observed_at,
        observations_assessed.rejected_reason
    from observations_assessed
    inner join record_anchors
        on observations_assessed.record_key = record_anchors.record_key
    {# every observation but the anchor's own: the record's anchor is its is_anchor observation, or a record
        node no observation stands on. Filtering the flag, not the joined node keys, lets the scan skip the
        anchors, most of the observations. #}
    where not observations_assessed.is_anchor

),

record_edges_oriented as (

    select
        case when from_node_key < to_node_key then from_node_key else to_node_key end as node_key_l,
        case when from_node_key < to_node_key then to_node_key else from_node_key end as node_key_r,
        case when from_node_key < to_node_key then from_identifier_type else to_identifier_type end
            as identifier_type_l,
        case when from_node_key < to_node_key then from_identifier_value else to_identifier_value end
            as identifier_value_l,
        case when from_node_key < to_node_key then to_identifier_type else from_identifier_type end
            as identifier_type_r,
        case when from_node_key < to_node_key then to_identifier_value else from_identifier_value end
            as identifier_value_r,
        record_key,
        observed_at,
        rejected_reason
    from record_edges

),

deterministic_edges as (

    select
        node_key_l,
        node_key_r,
        'deterministic' as edge_type,
        min(identifier_type_l) as identifier_type_l,
        min(identifier_value_l) as identifier_value_l,
        min(identifier_type_r) as identifier_type_r,
        min(identifier_value_r) as identifier_value_r,
        cast(null as {{ dbt.type_float() }}) as match_weight,
        {# a record observes a node once (observations are unique by record, type and value), so the rows of a
            pair are its records #}
        count(*) as record_count,
        min(record_key) as example_record_key,
        min(observed_at) as first_observed_at,
        max(observed_at) as last_observed_at,
        max(case when rejected_reason is null then 1 else 0 end) = 1 as is_used,
        case when max(case when rejected_reason is null then 1 else 0 end) = 0 then min(rejected_reason) end
            as rejected_reason
    from record_edges_oriented
    group by
        node_key_l,
        node_key_r

),

probabilistic_edges_mapped as (

    select
        case
            when anchor_l.anchor_node_key < anchor_r.anchor_node_key then anchor_l.anchor_node_key
            else anchor_r.anchor_node_key
        end as node_key_l,
        case
            when anchor_l.anchor_node_key < anchor_r.anchor_node_key then anchor_r.anchor_node_key
            else anchor_l.anchor_node_key
        end as node_key_r,
        case
            when anchor_l.anchor_node_key < anchor_r.anchor_node_key then anchor_l.anchor_identifier_type
            else anchor_r.anchor_identifier_type
        end as identifier_type_l,
        case
            when anchor_l.anchor_node_key < anchor_r.anchor_node_key then anchor_l.anchor_identifier_value
            else anchor_r.anchor_identifier_value
        end as identifier_value_l,
        case
            when anchor_l.anchor_node_key < anchor_r.anchor_node_key then anchor_r.anchor_identifier_type
            else anchor_l.anchor_identifier_type
        end as identifier_type_r,
        case
            when anchor_l.anchor_node_key < anchor_r.anchor_node_key then anchor_r.anchor_identifier_value
            else anchor_l.anchor_identifier_value
        end as identifier_value_r,
        probabilistic_links.record_key_l as record_key,
        probabilistic_links.match_weight,
        case
            when anchor_l.observed_at > anchor_r.observed_at then anchor_l.observed_at
            else anchor_r.observed_at
        end as observed_at
    from probabilistic_links
    inner join record_anchors as anchor_l
        on probabilistic_links.record_key_l = anchor_l.record_key
    inner join record_anchors as anchor_r
        on probabilistic_links.record_key_r = anchor_r.record_key
    where anchor_l.anchor_node_key != anchor_r.anchor_node_key

),

probabilistic_edges as (

    select
        node_key_l,
        node_key_r,
        'probabilistic' as edge_type,
        min(identifier_type_l) as identifier_type_l,
        min(identifier_value_l) as identifier_value_l,
        min(identifier_type_r) as identifier_type_r,
        min(identifier_value_r) as identifier_value_r,
        cast(max(match_weight) as {{ dbt.type_float() }}) as match_weight,
        count(*) as record_count,
        min(record_key) as example_record_key,
        min(observed_at) as first_observed_at,
        max(observed_at) as last_observed_at,
        true as is_used,
        cast(null as {{ dbt.type_string() }}) as rejected_reason
    from probabilistic_edges_mapped
    group by
        node_key_l,
        node_key_r

),

edges_unioned as (

    select * from deterministic_edges
    union all
    -- var('cdp__use_probabilistic_links') switches the Fellegi-Sunter links on or off.
    select * from probabilistic_edges
    where {{ 'true' if var('cdp__use_probabilistic_links') else 'false' }}

),

final as (

    select
        md5(edge_type || '|' || node_key_l || '|' || node_key_r) as edge_id,
        node_key_l,
        node_key_r,
        edge_type,
        identifier_type_l,
        identifier_value_l,
        identifier_type_r,
        identifier_value_r,
        match_weight,
        record_count,
        example_record_key,
        first_observed_at,
        last_observed_at,
        is_used,
        rejected_reason
    from edges_unioned

)

select * from final
