{#- One row per currency of seeds/reference/currency_rates: the factor turning an amount in that currency into
    the reporting currency var('cdp__reporting_currency'). Every money column of the behavioral marts that is
    added up across customers goes through this one table. -#}
{%- set reporting_currency = var('cdp__reporting_currency', 'USD') | upper -%}

with

currency_rates as (

    select * from {{ ref('currency_rates') }}

),

reporting_rate as (

    select units_per_usd
    from currency_rates
    where upper(currency_code) = '{{ reporting_currency }}'

),

final as (

    select
        cast(upper(currency_rates.currency_code) as {{ dbt.type_string() }}) as currency_code,
        cast('{{ reporting_currency }}' as {{ dbt.type_string() }}) as reporting_currency,
        cast(reporting_rate.units_per_usd / currency_rates.units_per_usd as double) as rate_to_reporting
    from currency_rates
    cross join reporting_rate

)

select * from final
