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

known_assignments as (

    -- What earlier runs recorded; nothing on the first run.
    select
        node_key,
        customer_id
    {% if is_incremental() %}
        from {{ this }}
    {% else %}
        from current_assignments
        where false
    {% endif %}

),

final as (

    select
        current_assignments.node_key,
        current_assignments.customer_id,
        {{ dbt.current_timestamp() }} as assigned_at
    from current_assignments
    left join known_assignments
        on
            current_assignments.node_key = known_assignments.node_key
            and current_assignments.customer_id = known_assignments.customer_id
    where known_assignments.node_key is null

)

select * from final
