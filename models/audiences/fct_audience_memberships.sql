{#- Membership history as intervals: one row per stay of a customer in an audience group, from the build that
    saw them enter to the build that saw them leave (open while they are still in). -#}
with

events as (

    select * from {{ ref('fct_audience_membership_events') }}

),

sequenced as (

    select
        audience_name,
        customer_id,
        audience_group,
        event_type,
        changed_at,
        lead(changed_at) over (
            partition by audience_name, customer_id, audience_group order by changed_at
        ) as next_changed_at
    from events

),

final as (

    select
        audience_name,
        customer_id,
        audience_group,
        changed_at as entered_at,
        next_changed_at as left_at,
        next_changed_at is null as is_current
    from sequenced
    where event_type = 'entered'

)

select * from final
