{#- Connected components that recompute only the components a change touches.

    The previous result (`previous_relation`: node_key, component_key, the calling model's last build) and the
    edge set it was computed from (`<work_prefix>__edges_snapshot`, written by
    cdp_connected_components_snapshot in the caller's post-hook) are compared with the current graph:
    touched nodes are the ends of edges added or removed since then, nodes that appeared and nodes that
    disappeared. Every previous component holding a touched node is recomputed with cdp_connected_components
    from the current edges among its nodes and the touched nodes; every other component keeps its rows as they
    were. The result equals a full computation: an unchanged edge joins two nodes of one previous component, so
    the recomputed node set is closed under the current edges (an edge leaving it would be a changed edge, whose
    ends are touched). Removed edges split a component correctly, because that component is recomputed.

    Falls back to the full computation on the first build, on `--full-refresh`, when the snapshot is missing
    or when var('cdp__identity_incremental_components') is false. Logs how many nodes were recomputed.
    Returns the SQL of a query (node_key, component_key). -#}
{% macro cdp_connected_components_incremental(edges_sql, nodes_sql, work_prefix, previous_relation) -%}
    {%- if not execute or flags.WHICH not in ['run', 'build', 'test', 'retry'] -%}
        {{ return(cdp_connected_components(edges_sql, nodes_sql, work_prefix)) }}
    {%- endif -%}
    {%- set current_edges = cdp_work_relation(work_prefix, 'edges_current') -%}
    {%- set snapshot = cdp_work_relation(work_prefix, 'edges_snapshot') -%}
    {%- do cdp_replace_work_table(current_edges, cdp_cc_normalised_edges_sql(edges_sql)) -%}
    {%- set use_previous = var('cdp__identity_incremental_components', true)
        and not flags.FULL_REFRESH
        and previous_relation is not none
        and load_relation(snapshot) is not none -%}
    {%- if not use_previous -%}
        {%- do log('cdp_connected_components_incremental: full computation', info=true) -%}
        {{ return(cdp_connected_components(
            'select node_a as node_key_l, node_b as node_key_r from ' ~ current_edges, nodes_sql, work_prefix)) }}
    {%- endif -%}

    {%- set current_nodes = cdp_work_relation(work_prefix, 'nodes_current') -%}
    {%- set touched = cdp_work_relation(work_prefix, 'touched') -%}
    {%- set affected = cdp_work_relation(work_prefix, 'affected') -%}
    {%- set current_nodes_sql -%}
        select node_key from ({{ nodes_sql }}) as given_nodes
        union
        select node_a as node_key from {{ current_edges }}
        union
        select node_b as node_key from {{ current_edges }}
    {%- endset -%}
    {%- do cdp_replace_work_table(current_nodes, current_nodes_sql) -%}
    {%- set touched_sql -%}
        with changed_edges as (
            {{ cdp_cc_edge_difference_sql(current_edges, snapshot) }}
        ),
        current_nodes as (
            select node_key from {{ current_nodes }}
        ),
        previous_nodes as (
            select node_key from {{ previous_relation }}
        ),
        node_changes as (
            select node_key from (
                select node_key from current_nodes
                except
                select node_key from previous_nodes
            ) as added_nodes
            union all
            select node_key from (
                select node_key from previous_nodes
                except
                select node_key from current_nodes
            ) as removed_nodes
        )
        select node_a as node_key from changed_edges
        union
        select node_b as node_key from changed_edges
        union
        select node_key from node_changes
    {%- endset -%}
    {%- do cdp_replace_work_table(touched, touched_sql) -%}
    {%- set affected_sql -%}
        with affected_components as (
            select distinct previous.component_key
            from {{ previous_relation }} as previous
            inner join {{ touched }} as touched
                on previous.node_key = touched.node_key
        ),
        current_nodes as (
            select node_key from {{ current_nodes }}
        ),
        candidate_nodes as (
            select previous.node_key
            from {{ previous_relation }} as previous
            inner join affected_components
                on previous.component_key = affected_components.component_key
            union
            select node_key from {{ touched }}
        )
        select
            candidate_nodes.node_key,
            current_nodes.node_key is not null as is_current
        from candidate_nodes
        left join current_nodes
            on candidate_nodes.node_key = current_nodes.node_key
    {%- endset -%}
    {%- do cdp_replace_work_table(affected, affected_sql) -%}
    {%- set counts = run_query(
        'select (select count(*) from ' ~ affected ~ ' where is_current),'
        ~ ' (select count(*) from ' ~ previous_relation ~ ')') -%}
    {%- do log('cdp_connected_components_incremental: recomputing ' ~ counts.columns[0].values()[0]
        ~ ' nodes (previous build: ' ~ counts.columns[1].values()[0] ~ ' nodes)', info=true) -%}
    {%- set delta_edges_sql -%}
        select current_edges.node_a as node_key_l, current_edges.node_b as node_key_r
        from {{ current_edges }} as current_edges
        inner join {{ affected }} as affected
            on current_edges.node_a = affected.node_key
    {%- endset -%}
    {%- set delta_nodes_sql -%}
        select node_key from {{ affected }} where is_current
    {%- endset -%}
    {%- set delta_sql = cdp_connected_components(delta_edges_sql, delta_nodes_sql, work_prefix ~ '_delta') -%}
    {%- set result_sql -%}
        select previous.node_key, previous.component_key
        from {{ previous_relation }} as previous
        left join {{ affected }} as affected
            on previous.node_key = affected.node_key
        where affected.node_key is null
        union all
        select node_key, component_key from ({{ delta_sql }}) as delta
    {%- endset -%}
    {%- set result = cdp_work_relation(work_prefix, 'result') -%}
    {%- do cdp_replace_work_table(result, result_sql) -%}
    {%- do run_query(cdp_connected_components_cleanup(work_prefix ~ '_delta')) -%}
    {%- for relation in [current_nodes, touched, affected] -%}
        {%- do run_query('drop table if exists ' ~ relation) -%}
    {%- endfor -%}
    {{ return('select node_key, component_key from ' ~ result) }}
{%- endmacro %}


{#- Post-hook SQL of a model using cdp_connected_components_incremental: keep the edge set of this build as
    `<work_prefix>__edges_snapshot` for the next one (written only once the model built: the build's
    `edges_current` work table is renamed, not copied), drop the work tables. -#}
{% macro cdp_connected_components_snapshot(work_prefix) -%}
    {%- set current_edges = cdp_work_relation(work_prefix, 'edges_current') -%}
    {%- set snapshot = cdp_work_relation(work_prefix, 'edges_snapshot') -%}
    {%- if execute -%}
        {%- do adapter.drop_relation(snapshot) -%}
        {%- do adapter.rename_relation(current_edges, snapshot) -%}
    {%- endif -%}
    {{ cdp_connected_components_cleanup(work_prefix) }}
{%- endmacro %}
