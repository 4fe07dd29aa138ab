{#- Append-only memory of every customer_id each graph node has ever belonged to. A run adds the
    (node, customer_id) pairs it has not seen before; int_customer_id_lineage reads it to map retired ids to the
    id that survived. Rebuilding it with --full-refresh forgets the past (lineage then starts over). -#}
{{ config(materialized='incremental', incremental_strategy='append') }}
with

identity_components as (

    select * from {{ ref('int_identity_components') }}

),

current_assignments as (

    select
        node_key,
        customer_id
    from identity_components

),

{% if is_incremental() -%}
known_assignments as (

    select
        node_key,
        customer_id
    from {{ this }}

),

{% endif -%}
final as (

    select
        current_assignments.node_key,
        current_assignments.customer_id,
        {{ dbt.current_timestamp() }} as assigned_at
    from current_assignments
    {%- if is_incremental() %}
    left join known_assignments
        on
            current_assignments.node_key = known_assignments.node_key
            and current_assignments.customer_id = known_assignments.customer_id
    where known_assignments.node_key is null
    {%- endif %}

)

select * from final
