{#- Connected components that recompute only the components a change touches.

    Touched nodes are the nodes whose edges or presence can have changed since the previous result
    (`previous_relation`: node_key, component_key, the calling model's last build). Every previous component
    holding a touched node is recomputed with cdp_connected_components from the current edges among its nodes
    and the touched nodes; every other component keeps its rows as they were. The result equals a full
    computation: an unchanged edge joins two nodes of one previous component, so the recomputed node set is
    closed under the current edges (an edge leaving it would be a changed edge, whose ends are touched).
    Removed edges split a component correctly, because that component is recomputed.

    Where the touched nodes come from:
    * `change_logs` given (DuckDB: cdp_identity_components_change_logs): they are the nodes the logs list, the
      ends of the edges that appeared, vanished or moved and the anchors that came or went (a node is an anchor
      of `nodes_sql` or the end of an edge). Nothing is compared with the whole graph, and no copy of it is
      kept. Without a readable log (a producer built whole, or the first run), a full computation.
    * no `change_logs` (Spark, whose producers log nothing): the current edges are compared with the edge set
      of the previous build (`<work_prefix>__edges_snapshot`, kept by cdp_connected_components_snapshot in the
      caller's post-hook), and the current nodes with the previous result's: the ends of edges added or
      removed, nodes that appeared and nodes that disappeared. Without the snapshot, a full computation.

    Also a full computation on the first build, on `--full-refresh`, or when
    var('cdp__identity_incremental_components') is false. Logs how many nodes were recomputed.
    The recomputed nodes stay listed, until the caller's post-hook (cdp_connected_components_snapshot), in the
    work table `<work_prefix>__affected` (node_key, is_current: false for a node that left the graph): every
    other node has the component it had in `previous_relation`. A caller that read the logs
    (cdp_connected_components_from_logs) can rely on it.
    Returns the SQL of a query (node_key, component_key). -#}
{% macro cdp_connected_components_incremental(edges_sql, nodes_sql, work_prefix, previous_relation, change_logs=[]) -%}
    {%- if not execute or flags.WHICH not in ['run', 'build', 'test', 'retry'] -%}
        {{ return(cdp_connected_components(edges_sql, nodes_sql, work_prefix)) }}
    {%- endif -%}
    {%- set current_edges = cdp_work_relation(work_prefix, 'edges_current') -%}
    {%- set snapshot = cdp_work_relation(work_prefix, 'edges_snapshot') -%}
    {%- set current_nodes = cdp_work_relation(work_prefix, 'nodes_current') -%}
    {%- set touched = cdp_work_relation(work_prefix, 'touched') -%}
    {%- set candidates = cdp_work_relation(work_prefix, 'candidates') -%}
    {%- set affected = cdp_work_relation(work_prefix, 'affected') -%}
    {%- set use_previous = cdp_connected_components_use_previous(previous_relation) -%}
    {%- do run_query('drop table if exists ' ~ affected) -%}
    {%- if change_logs -%}
        {%- if not cdp_connected_components_from_logs(previous_relation, change_logs) -%}
            {%- do log('cdp_connected_components_incremental: full computation', info=true) -%}
            {{ return(cdp_connected_components(edges_sql, nodes_sql, work_prefix)) }}
        {%- endif -%}
        {%- set touched_sql -%}
            {%- for change_log in change_logs %}
        select node_key from {{ change_log }}
        {{ 'union' if not loop.last }}
            {%- endfor %}
        {%- endset -%}
        {%- set graph_edges_sql = cdp_cc_graph_edges_sql(edges_sql) -%}
    {%- else -%}
        {%- do cdp_replace_work_table(current_edges, cdp_cc_normalised_edges_sql(edges_sql)) -%}
        {%- if not (use_previous and load_relation(snapshot) is not none) -%}
            {%- do log('cdp_connected_components_incremental: full computation', info=true) -%}
            {{ return(cdp_connected_components(
                'select node_a as node_key_l, node_b as node_key_r from ' ~ current_edges, nodes_sql, work_prefix)) }}
        {%- endif -%}
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
        {%- set graph_edges_sql -%}
            select node_a as node_key_l, node_b as node_key_r from {{ current_edges }}
        {%- endset -%}
    {%- endif -%}
    {%- do cdp_replace_work_table(touched, touched_sql) -%}
    {%- set candidates_sql -%}
        with affected_components as (
            select distinct previous.component_key
            from {{ previous_relation }} as previous
            inner join {{ touched }} as touched
                on previous.node_key = touched.node_key
        )
        select previous.node_key
        from {{ previous_relation }} as previous
        inner join affected_components
            on previous.component_key = affected_components.component_key
        union
        select node_key from {{ touched }}
    {%- endset -%}
    {%- do cdp_replace_work_table(candidates, candidates_sql) -%}
    {#- Which of them are nodes now: read from the few candidates' side (the larger inputs are only probed). -#}
    {%- set affected_sql -%}
        with current_candidates as (
            {%- if change_logs %}
            select given_nodes.node_key
            from ({{ nodes_sql }}) as given_nodes
            inner join {{ candidates }} as candidates
                on given_nodes.node_key = candidates.node_key
            union
            select graph_edges.node_key_l
            from ({{ graph_edges_sql }}) as graph_edges
            inner join {{ candidates }} as candidates
                on graph_edges.node_key_l = candidates.node_key
            union
            select graph_edges.node_key_r
            from ({{ graph_edges_sql }}) as graph_edges
            inner join {{ candidates }} as candidates
                on graph_edges.node_key_r = candidates.node_key
            {%- else %}
            select current_nodes.node_key
            from {{ current_nodes }} as current_nodes
            inner join {{ candidates }} as candidates
                on current_nodes.node_key = candidates.node_key
            {%- endif %}
        )
        select
            candidates.node_key,
            current_candidates.node_key is not null as is_current
        from {{ candidates }} as candidates
        left join current_candidates
            on candidates.node_key = current_candidates.node_key
    {%- endset -%}
    {%- do cdp_replace_work_table(affected, affected_sql) -%}
    {%- set counts = run_query(
        'select (select count(*) from ' ~ affected ~ ' where is_current),'
        ~ ' (select count(*) from ' ~ previous_relation ~ ')') -%}
    {%- do log('cdp_connected_components_incremental: recomputing ' ~ counts.columns[0].values()[0]
        ~ ' nodes (previous build: ' ~ counts.columns[1].values()[0] ~ ' nodes)', info=true) -%}
    {#- The recomputed set is closed under the current edges: one end in it puts the edge in. -#}
    {%- set delta_edges_sql -%}
        select graph_edges.node_key_l, graph_edges.node_key_r
        from ({{ graph_edges_sql }}) as graph_edges
        inner join {{ affected }} as affected
            on graph_edges.node_key_l = affected.node_key
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
    {%- for relation in [current_nodes, touched, candidates] -%}
        {%- do run_query('drop table if exists ' ~ relation) -%}
    {%- endfor -%}
    {{ return('select node_key, component_key from ' ~ result) }}
{%- endmacro %}


{#- True when cdp_connected_components_incremental may start from the previous result `previous_relation`: it
    exists, the run is not `--full-refresh` and var('cdp__identity_incremental_components') is on. -#}
{% macro cdp_connected_components_use_previous(previous_relation) -%}
    {{ return(
        var('cdp__identity_incremental_components', true)
        and not flags.FULL_REFRESH
        and previous_relation is not none) }}
{%- endmacro %}

{#- True when cdp_connected_components_incremental, called with these arguments, recomputes only the components
    the change logs touch (and leaves the recomputed nodes in `<work_prefix>__affected`): it may use the
    previous result (cdp_connected_components_use_previous) and every change log is readable
    (cdp_identity_change_logs_readable). -#}
{% macro cdp_connected_components_from_logs(previous_relation, change_logs) -%}
    {{ return(
        cdp_connected_components_use_previous(previous_relation)
        and change_logs | length > 0
        and cdp_identity_change_logs_readable(change_logs)) }}
{%- endmacro %}

{#- Post-hook SQL of a model using cdp_connected_components_incremental, with the same `change_logs`. Without
    change logs (Spark): keep the edge set of this build as `<work_prefix>__edges_snapshot` for the next one
    (written only once the model built: the build's `edges_current` work table is renamed, not copied). With
    them: drop any snapshot an older build left (stale: the next runs read the logs). Then drop the work
    tables (the result and the list of recomputed nodes). -#}
{% macro cdp_connected_components_snapshot(work_prefix, change_logs=[]) -%}
    {%- set current_edges = cdp_work_relation(work_prefix, 'edges_current') -%}
    {%- set snapshot = cdp_work_relation(work_prefix, 'edges_snapshot') -%}
    {%- if execute -%}
        {%- do adapter.drop_relation(cdp_work_relation(work_prefix, 'affected')) -%}
        {%- do adapter.drop_relation(snapshot) -%}
        {%- if not change_logs -%}
            {%- do adapter.rename_relation(current_edges, snapshot) -%}
        {%- endif -%}
    {%- endif -%}
    {{ cdp_connected_components_cleanup(work_prefix) }}
{%- endmacro %}
