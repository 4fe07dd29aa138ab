{#- Retired customer ids -> the id that absorbed them. An id retires when its component merges into one whose
    earliest-observed node is older (survivorship: the customer first seen survives). A retired id whose nodes
    now sit in several customers (a component split) has one row per surviving id. -#}
with

customer_id_history as (

    select * from {{ ref('int_customer_id_history') }}

),

identity_components as (

    select * from {{ ref('int_identity_components') }}

),

current_customer_ids as (

    select distinct customer_id
    from identity_components

),

retired_assignments as (

    select
        customer_id_history.customer_id as retired_customer_id,
        identity_components.customer_id as surviving_customer_id,
        customer_id_history.node_key
    from customer_id_history
    inner join identity_components
        on customer_id_history.node_key = identity_components.node_key
    left join current_customer_ids
        on customer_id_history.customer_id = current_customer_ids.customer_id
    where current_customer_ids.customer_id is null

),

surviving_assigned_at as (

    select
        node_key,
        customer_id,
        min(assigned_at) as assigned_at
    from customer_id_history
    group by
        node_key,
        customer_id

),

final as (

    select
        retired_assignments.retired_customer_id,
        retired_assignments.surviving_customer_id,
        min(surviving_assigned_at.assigned_at) as merged_at,
        count(*) as node_count
    from retired_assignments
    inner join surviving_assigned_at
        on
            retired_assignments.node_key = surviving_assigned_at.node_key
            and retired_assignments.surviving_customer_id = surviving_assigned_at.customer_id
    group by
        retired_assignments.retired_customer_id,
        retired_assignments.surviving_customer_id

)

select * from final
