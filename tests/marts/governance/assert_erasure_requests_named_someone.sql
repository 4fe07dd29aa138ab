{{ config(severity='warn') }}
{#- An erasure request whose identifiers the identity rules judge unusable (a blocklisted placeholder, a value
    shared beyond its limit) or that the CDP never saw erased nobody: its tombstone counts 0 identifiers. Warns so
    a privacy officer can check the request by hand. -#}
with

tombstones as (

    select * from {{ ref('fct_erasure_tombstones') }}

),

final as (

    select
        erasure_request_id,
        requested_at
    from tombstones
    where suppressed_identifier_count = 0

)

select * from final
