{#- The reporting currency var('cdp__reporting_currency') must have a rate in the seed currency_rates, or every
    reporting amount would be NULL. Returns a row when int_currency_rates_to_reporting is empty. -#}
with

currency_rates as (

    select * from {{ ref('int_currency_rates_to_reporting') }}

),

rate_count as (

    select count(*) as currency_count
    from currency_rates

)

select currency_count
from rate_count
where currency_count = 0
