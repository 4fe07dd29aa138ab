{#- For every node of the identity graph: its customer and the edge that attached it to that customer: the
    earliest-observed used edge incident on the node whose other end is in the same customer (identifier type
    and value of the other end, or the probabilistic match weight) and when it was first observed. The survivor
    node of a customer is attached by nothing (attach_reason = 'survivor'); a lone node by nothing either
    ('singleton'). One row per node, not per record: the records a node stands for (int_customer_ids,
    anchor_node_key) share its row, so 10 million web events of one cookie cost one row. Follow linked_node_key
    from row to row to walk towards other nodes of the customer; the macro
    cdp_identity_explain(record_key_a, record_key_b) lists every edge of the customer shared by two records.
    Edges between two customers (cut where a never-link pair split a component) attach nothing. -#}
with

identity_edges as (

    select * from {{ ref('int_identity_edges') }}

),

identity_components as (

    select * from {{ ref('int_identity_components') }}

),

used_edges_directed as (

    select
        edge_id,
        edge_type,
        node_key_l as node_key,
        node_key_r as linked_node_key,
        identifier_type_r as linked_identifier_type,
        identifier_value_r as linked_identifier_value,
        match_weight,
        example_record_key,
        first_observed_at
    from identity_edges
    where is_used
    union all
    select
        edge_id,
        edge_type,
        node_key_r as node_key,
        node_key_l as linked_node_key,
        identifier_type_l as linked_identifier_type,
        identifier_value_l as linked_identifier_value,
        match_weight,
        example_record_key,
        first_observed_at
    from identity_edges
    where is_used

),

edges_within_customers as (

    select used_edges_directed.*
    from used_edges_directed
    inner join identity_components as node_component
        on used_edges_directed.node_key = node_component.node_key
    inner join identity_components as linked_component
        on used_edges_directed.linked_node_key = linked_component.node_key
    where node_component.customer_id = linked_component.customer_id

),

first_edge_per_node as (

    select *
    from (
        select
            edges_within_customers.*,
            row_number() over (
                partition by edges_within_customers.node_key
                order by
                    edges_within_customers.first_observed_at,
                    edges_within_customers.edge_type,
                    edges_within_customers.linked_node_key
            ) as edge_rank
        from edges_within_customers
    ) as ranked_edges
    where edge_rank = 1

),

final as (

    select
        identity_components.node_key,
        identity_components.customer_id,
        identity_components.identifier_type,
        identity_components.survivor_node_key,
        case
            when identity_components.is_survivor and first_edge_per_node.edge_id is null then 'singleton'
            when identity_components.is_survivor then 'survivor'
            else first_edge_per_node.edge_type
        end as attach_reason,
        case when not identity_components.is_survivor then first_edge_per_node.edge_id end as attached_by_edge_id,
        case when not identity_components.is_survivor then first_edge_per_node.linked_node_key end
            as linked_node_key,
        case when not identity_components.is_survivor then first_edge_per_node.linked_identifier_type end
            as linked_identifier_type,
        case when not identity_components.is_survivor then first_edge_per_node.linked_identifier_value end
            as linked_identifier_value,
        case when not identity_components.is_survivor then first_edge_per_node.match_weight end as match_weight,
        case when not identity_components.is_survivor then first_edge_per_node.example_record_key end
            as evidence_record_key,
        case when not identity_components.is_survivor then first_edge_per_node.first_observed_at end as linked_at
    from identity_components
    left join first_edge_per_node
        on identity_components.node_key = first_edge_per_node.node_key

)

select * from final
