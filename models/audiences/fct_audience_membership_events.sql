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

entered as (

    select
        members.audience_name,
        members.customer_id,
        members.audience_group,
        'entered' as event_type
    from members
    left join members_before
        on
            members.audience_name = members_before.audience_name
            and members.customer_id = members_before.customer_id
            and members.audience_group = members_before.audience_group
    where members_before.customer_id is null

),

exited as (

    select
        members_before.audience_name,
        members_before.customer_id,
        members_before.audience_group,
        'left' as event_type
    from members_before
    left join members
        on
            members_before.audience_name = members.audience_name
            and members_before.customer_id = members.customer_id
            and members_before.audience_group = members.audience_group
    where members.customer_id is null

),

final as (

    select
        audience_name,
        customer_id,
        audience_group,
        event_type,
        {{ cdp_run_stamp() }} as changed_at
    from entered

    union all

    select
        audience_name,
        customer_id,
        audience_group,
        event_type,
        {{ cdp_run_stamp() }} as changed_at
    from exited

)

select * from final
