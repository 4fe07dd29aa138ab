{#- One row per graph node (identifier, or `record:<record_key>` for a person record with no usable identifier)
    with its connected component over the used edges of int_identity_edges, and the component's customer_id.
    Never-link: a component that still joins a pair of identity_never_link records (through other records) is
    split around them (cdp_never_link_split: every node goes to the nearest never-link record's side).
    Incremental: only the components a change touches are recomputed (cdp_connected_components_incremental).
    On DuckDB it reads the touched nodes from two change logs (cdp_identity_components_change_logs): the ends of
    the used edges int_identity_edges added, removed or moved, and the anchors int_identity_record_anchors
    added or removed since this model last read them (its post-hook empties them); on Spark it compares the
    edges with the previous build's snapshot. `--full-refresh` recomputes everything.
    Survivorship: the customer_id is derived from the component's earliest-observed node (first observed_at, then
    identifier type priority, then value), so the customer first seen survives a merge and ids do not depend on
    build order or on the alphabet.
    Incremental on DuckDB (cdp_identity_node_incremental_config): a run writes only the clusters whose rows can
    have changed: every cluster that holds a node whose component, cluster or survivorship inputs (identifier,
    type priority, first observed_at) differ from the row held, or that is new, and the previous cluster of such
    a node (it lost a member, perhaps its survivor). Every other cluster has the same nodes with the same inputs,
    so the same survivor and rows. A node that left the graph gets a tombstone (customer_id NULL), deleted after.
    Node change log: while int_customer_ids reads it, a run appends the nodes whose customer_id or survivor
    changed (strategy cdp_delete_insert_node_changes), so that int_customer_ids rewrites only their records. -#}
{%- set work_prefix = this.identifier -%}
{#- The hooks are strings so that they render when the model runs, with its final schema; they run on Spark too. -#}
{{ config(
    post_hook=[
        "{{ cdp_connected_components_snapshot(this.identifier, cdp_identity_components_change_logs()) }}",
        "{{ cdp_never_link_split_cleanup(this.identifier) }}",
    ],
) }}
{{ cdp_identity_node_incremental_config(
    post_hook=["{{ cdp_identity_consume_change_logs(cdp_identity_components_change_logs()) }}"],
    log_node_changes=true) }}
{%- set previous_relation = load_relation(this) if execute else none %}
{%- set rewrite_changed = is_incremental() %}
with

observations_assessed as (

    select * from {{ ref('int_identity_observations_assessed') }}

),

record_anchors as (

    select * from {{ ref('int_identity_record_anchors') }}

),

{%- set edges_sql -%}
    select node_key_l, node_key_r from {{ ref('int_identity_edges') }} where is_used
{%- endset -%}
{%- set nodes_sql -%}
    select anchor_node_key as node_key from {{ ref('int_identity_record_anchors') }}
{%- endset %}

{%- set graph_components_sql = cdp_connected_components_incremental(
    edges_sql, nodes_sql, work_prefix, previous_relation, cdp_identity_components_change_logs()) -%}
{#- Nodes of never-link records that a chain of other links put in one component anyway. -#}
{%- set never_link_seeds_sql -%}
    with pair_nodes as (
        select
            anchor_l.anchor_node_key as node_l,
            anchor_r.anchor_node_key as node_r
        from {{ ref('identity_never_link') }} as never_link
        inner join {{ ref('int_identity_record_anchors') }} as anchor_l
            on never_link.record_key_l = anchor_l.record_key
        inner join {{ ref('int_identity_record_anchors') }} as anchor_r
            on never_link.record_key_r = anchor_r.record_key
        where anchor_l.anchor_node_key != anchor_r.anchor_node_key
    ),
    graph_components as ({{ graph_components_sql }}),
    conflicts as (
        select pair_nodes.node_l, pair_nodes.node_r
        from pair_nodes
        inner join graph_components as component_l
            on pair_nodes.node_l = component_l.node_key
        inner join graph_components as component_r
            on pair_nodes.node_r = component_r.node_key
        where component_l.component_key = component_r.component_key
    )
    select node_l as node_key from conflicts
    union
    select node_r as node_key from conflicts
{%- endset %}

node_components as (

    {{ cdp_never_link_split(graph_components_sql, edges_sql, never_link_seeds_sql, work_prefix) }}

),

identifier_nodes as (

    {#- grouped by the identifier, whose node_key is its type and value joined by ':', so the type and value
        come with the group instead of as minima over strings (4.1 instead of 5.6 s over the 42 million
        usable observations at 1M people) -#}
    select
        identifier_type || ':' || identifier_value as node_key,
        identifier_type,
        identifier_value,
        min(type_priority) as type_priority,
        min(observed_at) as first_observed_at
    from observations_assessed
    where is_usable
    group by identifier_type, identifier_value

),

record_nodes as (

    select
        anchor_node_key as node_key,
        anchor_identifier_type as identifier_type,
        anchor_identifier_value as identifier_value,
        anchor_type_priority as type_priority,
        observed_at as first_observed_at
    from record_anchors
    where is_record_node

),

nodes as (

    select * from identifier_nodes
    union all
    select * from record_nodes

),

node_rows as (

    select
        node_components.node_key,
        node_components.component_key,
        node_components.cluster_key,
        nodes.identifier_type,
        nodes.identifier_value,
        nodes.type_priority,
        nodes.first_observed_at
    from node_components
    inner join nodes
        on node_components.node_key = nodes.node_key

),
{%- if rewrite_changed %}

node_rows_changed as (

    select
        node_rows.cluster_key,
        previous_rows.cluster_key as previous_cluster_key
    from node_rows
    left join {{ this }} as previous_rows
        on node_rows.node_key = previous_rows.node_key
    where
        previous_rows.node_key is null
        or node_rows.component_key != previous_rows.component_key
        or node_rows.cluster_key != previous_rows.cluster_key
        or node_rows.identifier_type is distinct from previous_rows.identifier_type
        or node_rows.identifier_value is distinct from previous_rows.identifier_value
        or node_rows.type_priority is distinct from previous_rows.type_priority
        or node_rows.first_observed_at is distinct from previous_rows.first_observed_at

),

nodes_vanished as (

    select
        previous_rows.node_key,
        previous_rows.cluster_key
    from {{ this }} as previous_rows
    left join node_rows
        on previous_rows.node_key = node_rows.node_key
    where node_rows.node_key is null

),

clusters_to_write as (

    select cluster_key from node_rows_changed
    union
    select previous_cluster_key as cluster_key from node_rows_changed
    where previous_cluster_key is not null
    union
    select cluster_key from nodes_vanished

),
{%- endif %}

nodes_ranked as (

    select
        node_rows.*,
        row_number() over (
            partition by node_rows.cluster_key
            order by
                node_rows.first_observed_at, node_rows.type_priority, node_rows.identifier_value, node_rows.node_key
        ) as survivorship_rank
    from node_rows
    {%- if rewrite_changed %}
    inner join clusters_to_write
        on node_rows.cluster_key = clusters_to_write.cluster_key
    {%- endif %}

),

survivors as (

    select
        cluster_key,
        node_key as survivor_node_key,
        'cus_' || substr(md5(node_key), 1, 16) as customer_id
    from nodes_ranked
    where survivorship_rank = 1

),

final as (

    select
        nodes_ranked.node_key,
        survivors.customer_id,
        nodes_ranked.identifier_type,
        nodes_ranked.identifier_value,
        nodes_ranked.component_key,
        nodes_ranked.cluster_key,
        nodes_ranked.cluster_key != nodes_ranked.component_key as is_split_by_never_link,
        survivors.survivor_node_key,
        nodes_ranked.type_priority,
        nodes_ranked.survivorship_rank = 1 as is_survivor,
        nodes_ranked.first_observed_at
    from nodes_ranked
    inner join survivors
        on nodes_ranked.cluster_key = survivors.cluster_key

)

select * from final
{%- if rewrite_changed %}
union all
{{ cdp_identity_tombstones('nodes_vanished', key_columns=['node_key']) }}
{%- endif %}
