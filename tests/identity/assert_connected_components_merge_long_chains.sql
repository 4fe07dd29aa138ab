{#- cdp_connected_components must merge a 300-node line whose smallest id sits at the far end (plus branches),
    a shuffled 120-node line with a cycle, and keep isolated nodes alone: any hop cap would under-merge. Returns
    the nodes whose component differs from the expected one (the test fails on any row). -#}
{%- set edges_sql -%}
    select node_key_l, node_key_r from {{ ref('identity_cc_edges') }}
{%- endset -%}
{%- set nodes_sql -%}
    select node_key from {{ ref('identity_cc_expected') }}
{%- endset %}
with

expected_components as (

    select * from {{ ref('identity_cc_expected') }}

),

computed_components as (

    {{ cdp_connected_components(edges_sql, nodes_sql, 'identity_cc_test', work_relation=ref('identity_cc_expected')) }}

),

final as (

    select
        coalesce(expected_components.node_key, computed_components.node_key) as node_key,
        expected_components.expected_component_key,
        computed_components.component_key
    from expected_components
    full outer join computed_components
        on expected_components.node_key = computed_components.node_key
    where
        expected_components.node_key is null
        or computed_components.node_key is null
        or expected_components.expected_component_key != computed_components.component_key

)

select * from final
