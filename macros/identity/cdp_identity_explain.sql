{#- "Why are these two records one customer?": a query listing, when both records share a customer, every used
    edge of that customer (identifier type and value at both ends, edge type, match weight, first observation,
    an evidence record), the edges touching either record's node first. Returns no rows when the two records are
    different customers. Use: dbt show --inline "{{ cdp_identity_explain('crm_contacts:C001', 'shop_orders:O01') }}" -#}
{% macro cdp_identity_explain(record_key_a, record_key_b) -%}
with

customer_ids as (

    select * from {{ ref('int_customer_ids') }}

),

identity_components as (

    select * from {{ ref('int_identity_components') }}

),

identity_edges as (

    select * from {{ ref('int_identity_edges') }}

),

record_a as (

    select * from customer_ids where record_key = '{{ record_key_a }}'

),

record_b as (

    select * from customer_ids where record_key = '{{ record_key_b }}'

),

shared_customer as (

    select
        record_a.customer_id,
        record_a.anchor_node_key as node_key_a,
        record_b.anchor_node_key as node_key_b
    from record_a
    inner join record_b
        on record_a.customer_id = record_b.customer_id

),

final as (

    select
        shared_customer.customer_id,
        identity_edges.edge_type,
        identity_edges.identifier_type_l,
        identity_edges.identifier_value_l,
        identity_edges.identifier_type_r,
        identity_edges.identifier_value_r,
        identity_edges.match_weight,
        identity_edges.first_observed_at,
        identity_edges.example_record_key,
        identity_edges.node_key_l in (shared_customer.node_key_a, shared_customer.node_key_b)
        or identity_edges.node_key_r in (shared_customer.node_key_a, shared_customer.node_key_b)
            as touches_either_record
    from shared_customer
    inner join identity_components
        on shared_customer.customer_id = identity_components.customer_id
    inner join identity_edges
        on identity_components.node_key = identity_edges.node_key_l
    inner join identity_components as components_r
        on
            identity_edges.node_key_r = components_r.node_key
            and shared_customer.customer_id = components_r.customer_id
    where identity_edges.is_used

)

select * from final
order by touches_either_record desc, first_observed_at
{%- endmacro %}
