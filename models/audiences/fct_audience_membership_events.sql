{#- Who entered and who left each audience (and group), and when: every build appends the difference between
    the audiences' members now and the members after the previous build's events. Append-only on both engines,
    so the history survives every build but a full refresh. -#}
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}

with

members as (

    select * from {{ ref('int_audience_members') }}

),

previous_events as (

    select
        audience_name,
        customer_id,
        audience_group,
        event_type,
        changed_at
    {% if is_incremental() %}
        from {{ this }}
    {% else %}
        -- a full build starts from no events
        from (
            select
                audience_name,
                customer_id,
                audience_group,
                'entered' as event_type,
                {{ cdp_run_stamp() }} as changed_at
            from members
        ) as no_events
        where 1 = 0
    {% endif %}

),

ranked_events as (

    select
        audience_name,
        customer_id,
        audience_group,
        event_type,
        row_number() over (
            partition by audience_name, customer_id, audience_group order by changed_at desc
        ) as recency
    from previous_events

),

members_before as (

    select
        audience_name,
        customer_id,
        audience_group
    from ranked_events
    where recency = 1 and event_type = 'entered'

),

changes as (

    select
        coalesce(members.audience_name, members_before.audience_name) as audience_name,
        coalesce(members.customer_id, members_before.customer_id) as customer_id,
        coalesce(members.audience_group, members_before.audience_group) as audience_group,
        case
            when members_before.customer_id is null then 'entered'
            when members.customer_id is null then 'left'
        end as event_type
    from members
    full outer join members_before
        on
            members.audience_name = members_before.audience_name
            and members.customer_id = members_before.customer_id
            and members.audience_group = members_before.audience_group

),

final as (

    select
        audience_name,
        customer_id,
        audience_group,
        event_type,
        {{ cdp_run_stamp() }} as changed_at
    from changes
    where event_type is not null

)

select * from final
