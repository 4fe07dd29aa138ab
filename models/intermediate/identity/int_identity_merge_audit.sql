{#- For every node of the identity graph: its customer and the edge that attached it to that customer: the
    earliest-observed used edge incident on the node whose other end is in the same customer (identifier type
    and value of the other end, or the probabilistic match weight) and when it was first observed. The survivor
    node of a customer is attached by nothing (attach_reason = 'survivor'); a lone node by nothing either
    ('singleton'). One row per node, not per record: the records a node stands for (int_customer_ids,
    anchor_node_key) share its row, so 10 million web events of one cookie cost one row. Follow linked_node_key
    from row to row to walk towards other nodes of the customer; the macro
    cdp_identity_explain(record_key_a, record_key_b) lists every edge of the customer shared by two records.
    Edges between two customers (cut where a never-link pair split a component) attach nothing.
    Incremental on DuckDB (cdp_identity_node_incremental_config): a run rewrites only the nodes whose row can
    have changed, read from two change logs: the ends of every used edge that appeared, vanished or changed
    (int_identity_edges' edge change log), the nodes whose customer or survivor changed, appeared or vanished
    (int_identity_components' node change log for the audit), and the neighbours of those nodes. A node that
    left the graph is deleted (a tombstone row, customer_id NULL). Without either log (first build, a producer
    built whole) its pre-hook empties it and it writes every node. -#}
{%- set change_logs = [
    cdp_identity_edge_change_log(ref('int_identity_edges')),
    cdp_identity_audit_node_change_log(ref('int_identity_components')),
] -%}
{%- set rewrite_changed = cdp_identity_change_logs_readable(change_logs) -%}
{#- The second post-hook drops the used-edge snapshot the audit compared with before it read the edge change log,
    so that no warehouse keeps it. -#}
{{ cdp_identity_node_incremental_config(
    pre_hook=["{{ cdp_identity_empty_without_change_logs([
        cdp_identity_edge_change_log(ref('int_identity_edges')),
        cdp_identity_audit_node_change_log(ref('int_identity_components'))]) }}"],
    post_hook=[
        "{{ cdp_identity_consume_change_logs([
            cdp_identity_edge_change_log(ref('int_identity_edges')),
            cdp_identity_audit_node_change_log(ref('int_identity_components'))]) }}",
        "drop table if exists {{ cdp_work_relation(this.identifier, 'edges_snapshot') }}",
    ],
) }}
with

identity_edges as {{ cdp_not_materialized() }} (

    select * from {{ ref('int_identity_edges') }}

),

identity_components as {{ cdp_not_materialized() }} (

    select * from {{ ref('int_identity_components') }}

),
{%- if rewrite_changed %}

edge_ends_changed as (

    select node_key from {{ change_logs[0] }}

),

nodes_changed as (

    select node_key from {{ change_logs[1] }}

),

used_edges as (

    select node_key_l, node_key_r
    from identity_edges
    where is_used

),

nodes_touched as (

    select node_key from edge_ends_changed
    union
    select node_key from nodes_changed
    union
    select used_edges.node_key_r as node_key
    from used_edges
    inner join nodes_changed
        on used_edges.node_key_l = nodes_changed.node_key
    union
    select used_edges.node_key_l as node_key
    from used_edges
    inner join nodes_changed
        on used_edges.node_key_r = nodes_changed.node_key

),
{%- endif %}

nodes_rewritten as (

    select node_key from {{ 'nodes_touched' if rewrite_changed else 'identity_components' }}

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
    inner join nodes_rewritten
        on used_edges_directed.node_key = nodes_rewritten.node_key
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
        nodes_rewritten.node_key,
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
        case when not identity_components.is_survivor then first_edge_per_node.first_observed_at end as linked_at,
        {{ cdp_run_stamp() }} as written_at
    from nodes_rewritten
    left join identity_components
        on nodes_rewritten.node_key = identity_components.node_key
    left join first_edge_per_node
        on nodes_rewritten.node_key = first_edge_per_node.node_key

)

select * from final
