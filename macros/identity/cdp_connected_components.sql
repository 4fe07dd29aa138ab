{#- Connected components of an undirected graph, to convergence, with no hop cap.

    Runs the alternating large-star / small-star algorithm (Kiveris et al., "Connected Components in MapReduce
    and Beyond", 2014) as a loop of `create table ... as select` statements through run_query while the calling
    model executes, until a round leaves the edge set unchanged; every component is then a star around its
    smallest node. O(log^2 n) rounds; fails the build (compiler error) when it has not converged after
    `max_iterations` rounds instead of silently under-merging.

    edges_sql: a query with columns node_key_l, node_key_r (strings; direction and duplicates do not matter).
    nodes_sql: a query with column node_key: nodes that must appear even without an edge (singletons).
    work_prefix: identifier prefix of the work tables, created in the schema of `work_relation` (default: the
        calling model, `this`); the caller drops the result table in a post-hook with
        cdp_connected_components_cleanup(work_prefix).
    max_iterations: default var('cdp__identity_max_iterations').
    Returns the SQL of a query with node_key, component_key (the smallest node_key of the component). -#}
{% macro cdp_connected_components(edges_sql, nodes_sql, work_prefix, max_iterations=none, work_relation=none) -%}
    {{ return(adapter.dispatch('cdp_connected_components', 'cdp')(
        edges_sql, nodes_sql, work_prefix, max_iterations, work_relation)) }}
{%- endmacro %}

{#- The edges of `edges_sql` (node_key_l, node_key_r) that join two nodes: no self-loops, no NULL ends. As
    given otherwise (direction and duplicates kept). -#}
{% macro cdp_cc_graph_edges_sql(edges_sql) -%}
    select node_key_l, node_key_r
    from ({{ edges_sql }}) as input_edges
    where
        node_key_l is not null
        and node_key_r is not null
        and node_key_l != node_key_r
{%- endmacro %}

{#- Edges of `edges_sql` (node_key_l, node_key_r) as distinct undirected pairs node_a < node_b, without
    self-loops and NULL ends (cdp_cc_graph_edges_sql). -#}
{% macro cdp_cc_normalised_edges_sql(edges_sql) -%}
    select distinct
        least(node_key_l, node_key_r) as node_a,
        greatest(node_key_l, node_key_r) as node_b
    from ({{ cdp_cc_graph_edges_sql(edges_sql) }}) as graph_edges
{%- endmacro %}

{#- The edges (node_a, node_b) in one of two normalised edge relations but not in the other. -#}
{% macro cdp_cc_edge_difference_sql(relation_a, relation_b) -%}
    select node_a, node_b from (
        select node_a, node_b from {{ relation_a }}
        except
        select node_a, node_b from {{ relation_b }}
    ) as only_in_a
    union all
    select node_a, node_b from (
        select node_a, node_b from {{ relation_b }}
        except
        select node_a, node_b from {{ relation_a }}
    ) as only_in_b
{%- endmacro %}

{% macro default__cdp_connected_components(edges_sql, nodes_sql, work_prefix, max_iterations=none,
    work_relation=none) -%}
    {%- set max_iterations = max_iterations or var('cdp__identity_max_iterations', 200) -%}
    {%- set result_relation = cdp_work_relation(work_prefix, 'result', work_relation) -%}
    {#- Only `run` / `build` / `test` execute the loop: parsing, `compile`, `docs` and linters get a stub query
        and leave the warehouse alone. -#}
    {%- if not execute or flags.WHICH not in ['run', 'build', 'test', 'retry'] -%}
        {{ return('select cast(null as ' ~ dbt.type_string() ~ ') as node_key, cast(null as '
            ~ dbt.type_string() ~ ') as component_key') }}
    {%- endif -%}
    {%- set input_relation = cdp_work_relation(work_prefix, 'input', work_relation) -%}
    {%- set star_relations = [
        cdp_work_relation(work_prefix, 'a', work_relation),
        cdp_work_relation(work_prefix, 'b', work_relation),
    ] -%}
    {%- set large_relation = cdp_work_relation(work_prefix, 'large', work_relation) -%}

    {%- do cdp_replace_work_table(input_relation, cdp_cc_normalised_edges_sql(edges_sql)) -%}
    {%- do cdp_replace_work_table(star_relations[0], 'select node_a, node_b from ' ~ input_relation) -%}

    {%- set state = {'current': 0, 'converged': false, 'rounds': 0} -%}
    {%- for iteration in range(max_iterations) if not state.converged -%}
        {%- set current_relation = star_relations[state.current] -%}
        {%- set next_relation = star_relations[1 - state.current] -%}
        {#- Large star: every neighbour larger than u is linked to the smallest node of u's neighbourhood. -#}
        {%- set large_star_sql -%}
            with symmetric_edges as (
                select node_a as node_u, node_b as node_v from {{ current_relation }}
                union all
                select node_b as node_u, node_a as node_v from {{ current_relation }}
            ),
            neighbourhood_minimum as (
                select node_u, least(node_u, min(node_v)) as node_m
                from symmetric_edges
                group by node_u
            )
            select distinct
                least(symmetric_edges.node_v, neighbourhood_minimum.node_m) as node_a,
                greatest(symmetric_edges.node_v, neighbourhood_minimum.node_m) as node_b
            from symmetric_edges
            inner join neighbourhood_minimum
                on symmetric_edges.node_u = neighbourhood_minimum.node_u
            where symmetric_edges.node_v > symmetric_edges.node_u
        {%- endset -%}
        {%- do cdp_replace_work_table(large_relation, large_star_sql) -%}
        {#- Small star: u and its smaller neighbours are all linked to the smallest of them. -#}
        {%- set small_star_sql -%}
            with symmetric_edges as (
                select node_a as node_u, node_b as node_v from {{ large_relation }}
                union all
                select node_b as node_u, node_a as node_v from {{ large_relation }}
            ),
            smaller_neighbours as (
                select node_u, node_v from symmetric_edges where node_v < node_u
            ),
            smaller_minimum as (
                select node_u, min(node_v) as node_m
                from smaller_neighbours
                group by node_u
            ),
            star_edges as (
                select node_u as node_x, node_m from smaller_minimum
                union all
                select smaller_neighbours.node_v as node_x, smaller_minimum.node_m
                from smaller_neighbours
                inner join smaller_minimum
                    on smaller_neighbours.node_u = smaller_minimum.node_u
                where smaller_neighbours.node_v != smaller_minimum.node_m
            )
            select distinct
                least(node_x, node_m) as node_a,
                greatest(node_x, node_m) as node_b
            from star_edges
        {%- endset -%}
        {%- do cdp_replace_work_table(next_relation, small_star_sql) -%}
        {%- set change_sql -%}
            select count(*) as changed_edges
            from ({{ cdp_cc_edge_difference_sql(current_relation, next_relation) }}) as changes
        {%- endset -%}
        {%- set changed_edges = cdp_scalar(change_sql) -%}
        {%- do state.update({'current': 1 - state.current, 'rounds': state.rounds + 1}) -%}
        {%- if changed_edges | int == 0 -%}
            {%- do state.update({'converged': true}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if not state.converged -%}
        {%- do exceptions.raise_compiler_error(
            'cdp_connected_components: no convergence after ' ~ max_iterations
            ~ ' rounds (var cdp__identity_max_iterations); refusing to under-merge.') -%}
    {%- endif -%}
    {%- do log('cdp_connected_components: converged after ' ~ state.rounds ~ ' rounds', info=true) -%}
    {%- set final_relation = star_relations[state.current] -%}
    {%- set result_sql -%}
        with symmetric_edges as (
            select node_a as node_u, node_b as node_v from {{ final_relation }}
            union all
            select node_b as node_u, node_a as node_v from {{ final_relation }}
        ),
        labels as (
            select node_u as node_key, least(node_u, min(node_v)) as component_key
            from symmetric_edges
            group by node_u
        ),
        all_nodes as (
            select node_key from ({{ nodes_sql }}) as given_nodes
            union
            select node_a as node_key from {{ input_relation }}
            union
            select node_b as node_key from {{ input_relation }}
        )
        select
            all_nodes.node_key,
            coalesce(labels.component_key, all_nodes.node_key) as component_key
        from all_nodes
        left join labels
            on all_nodes.node_key = labels.node_key
        where all_nodes.node_key is not null
    {%- endset -%}
    {%- do cdp_replace_work_table(result_relation, result_sql) -%}
    {%- for relation in star_relations + [large_relation, input_relation] -%}
        {%- do run_query('drop table if exists ' ~ relation) -%}
    {%- endfor -%}
    {{ return('select node_key, component_key from ' ~ result_relation) }}
{%- endmacro %}

{#- Drop the result work table of cdp_connected_components (use in the calling model's post-hook). -#}
{% macro cdp_connected_components_cleanup(work_prefix, work_relation=none) -%}
    drop table if exists {{ cdp_work_relation(work_prefix, 'result', work_relation) }}
{%- endmacro %}
