{#- No pair of identity_never_link may end in one customer. The deterministic graph stops using the identifiers
    such a pair shares for those two records, the probabilistic matcher never links them, and a component that
    other records still chain them into is split around them (int_identity_components, cdp_never_link_split). -#}
with

never_link as (

    select * from {{ ref('identity_never_link') }}

),

never_link_records as (

    select record_key_l as record_key from never_link
    union
    select record_key_r as record_key from never_link

),

customer_ids as (

    {#- one pass over the record -> customer map, for the few records of the pairs -#}
    select * from {{ ref('int_customer_ids') }}
    where record_key in (select never_link_records.record_key from never_link_records)

),

final as (

    select
        never_link.record_key_l,
        never_link.record_key_r,
        customer_l.customer_id
    from never_link
    inner join customer_ids as customer_l
        on never_link.record_key_l = customer_l.record_key
    inner join customer_ids as customer_r
        on never_link.record_key_r = customer_r.record_key
    where customer_l.customer_id = customer_r.customer_id

)

select * from final
