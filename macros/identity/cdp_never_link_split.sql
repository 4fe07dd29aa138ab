{#- Split connected components that hold a never-link pair, so that no chain of links through other records
    can join two records a steward declared different.

    `seeds_sql` lists the graph nodes of never-link records that ended in one component (node_key). Inside each
    such component every node joins the territory of its nearest seed (breadth-first over the component's edges,
    one round per hop, run through run_query until no node is left; ties go to the smallest seed key), so each
    seed, and with it each side of a never-link pair, gets its own cluster, and the records between them go to
    the side they are closest to. Components without a seed are untouched (cluster_key = component_key).
    components_sql: query (node_key, component_key); edges_sql: query (node_key_l, node_key_r) of the used edges.
    With no seed (the usual case) nothing is copied: the components come back as they are. Work tables
    `<work_prefix>__split_*` live next to the calling model and are dropped before returning, except
    `<work_prefix>__split_result`, which cdp_never_link_split_cleanup drops (post-hook).
    Returns the SQL of a query (node_key, component_key, cluster_key). -#}
{% macro cdp_never_link_split(components_sql, edges_sql, seeds_sql, work_prefix, max_iterations=none) -%}
    {%- set unsplit_sql = 'select node_key, component_key, component_key as cluster_key from ('
        ~ components_sql ~ ') as components' -%}
    {%- if not execute or flags.WHICH not in ['run', 'build', 'test', 'retry'] -%}
        {{ return(unsplit_sql) }}
    {%- endif -%}
    {%- set max_iterations = max_iterations or var('cdp__identity_max_iterations', 200) -%}
    {%- set seeds = cdp_work_relation(work_prefix, 'split_seeds') -%}
    {%- set edges = cdp_work_relation(work_prefix, 'split_edges') -%}
    {%- set territories = [
        cdp_work_relation(work_prefix, 'split_a'),
        cdp_work_relation(work_prefix, 'split_b'),
    ] -%}
    {%- set result = cdp_work_relation(work_prefix, 'split_result') -%}
    {%- set seeds_table_sql -%}
        select distinct seeds.node_key, components.component_key
        from ({{ seeds_sql }}) as seeds
        inner join ({{ components_sql }}) as components
            on seeds.node_key = components.node_key
    {%- endset -%}
    {%- do cdp_replace_work_table(seeds, seeds_table_sql) -%}
    {%- set split_count = cdp_scalar('select count(*) from ' ~ seeds) -%}
    {%- if split_count | int == 0 -%}
        {%- do run_query('drop table if exists ' ~ seeds) -%}
        {{ return(unsplit_sql) }}
    {%- endif -%}
    {%- set edges_table_sql -%}
        with split_nodes as (
            select components.node_key
            from ({{ components_sql }}) as components
            inner join (select distinct component_key from {{ seeds }}) as split_components
                on components.component_key = split_components.component_key
        ),
        used_edges as (
            select node_key_l as node_u, node_key_r as node_v from ({{ edges_sql }}) as given_edges
            union
            select node_key_r as node_u, node_key_l as node_v from ({{ edges_sql }}) as given_edges
        )
        select used_edges.node_u, used_edges.node_v
        from used_edges
        inner join split_nodes
            on used_edges.node_u = split_nodes.node_key
    {%- endset -%}
    {%- do cdp_replace_work_table(edges, edges_table_sql) -%}
    {%- do cdp_replace_work_table(territories[0], 'select node_key, node_key as cluster_key from ' ~ seeds) -%}
    {%- set state = {'current': 0, 'done': false, 'rounds': 0} -%}
    {%- for iteration in range(max_iterations) if not state.done -%}
        {%- set current = territories[state.current] -%}
        {%- set grown_sql -%}
            select node_key, cluster_key from {{ current }}
            union all
            select edges.node_v as node_key, min(claimed.cluster_key) as cluster_key
            from {{ edges }} as edges
            inner join {{ current }} as claimed
                on edges.node_u = claimed.node_key
            left join {{ current }} as already
                on edges.node_v = already.node_key
            where already.node_key is null
            group by edges.node_v
        {%- endset -%}
        {%- do cdp_replace_work_table(territories[1 - state.current], grown_sql) -%}
        {%- set grown = cdp_scalar('select (select count(*) from ' ~ territories[1 - state.current] ~ ') - (select count(*) from '
            ~ current ~ ')') -%}
        {%- do state.update({'current': 1 - state.current, 'rounds': state.rounds + 1}) -%}
        {%- if grown | int == 0 -%}
            {%- do state.update({'done': true}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if not state.done -%}
        {%- do exceptions.raise_compiler_error(
            'cdp_never_link_split: territories still growing after ' ~ max_iterations
            ~ ' rounds (var cdp__identity_max_iterations).') -%}
    {%- endif -%}
    {%- do log('cdp_never_link_split: ' ~ split_count ~ ' never-link records split apart in '
        ~ state.rounds ~ ' rounds', info=true) -%}
    {%- set result_sql -%}
        select
            components.node_key,
            components.component_key,
            coalesce(territory.cluster_key, components.component_key) as cluster_key
        from ({{ components_sql }}) as components
        left join {{ territories[state.current] }} as territory
            on components.node_key = territory.node_key
    {%- endset -%}
    {%- do cdp_replace_work_table(result, result_sql) -%}
    {%- for relation in territories + [seeds, edges] -%}
        {%- do run_query('drop table if exists ' ~ relation) -%}
    {%- endfor -%}
    {{ return('select node_key, component_key, cluster_key from ' ~ result) }}
{%- endmacro %}


{#- Drop the result work table of cdp_never_link_split (use in the calling model's post-hook). -#}
{% macro cdp_never_link_split_cleanup(work_prefix) -%}
    drop table if exists {{ cdp_work_relation(work_prefix, 'split_result') }}
{%- endmacro %}
