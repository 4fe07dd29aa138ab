{#- mart_customer_360 for BI readers: direct PII hashed with the secret salt, or redacted, as each column's
    meta says (cdp_masked_columns); a column without a PII class fails the build. -#}
{{ config(materialized='view', schema='marts_masked') }}

with

customer_360 as (

    select * from {{ ref('mart_customer_360') }}

),

final as (

    select {{ cdp_masked_columns('mart_customer_360', 'customer_360') }}
    from customer_360

)

select * from final
