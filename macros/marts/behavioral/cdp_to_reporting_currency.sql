{#- An amount converted to the reporting currency (var('cdp__reporting_currency')) with a rate from
    int_currency_rates_to_reporting, as decimal(18, 2), rounded half up. The product is taken in decimals (rate
    to 11 places): on doubles, DuckDB and Spark round a product like 69.82 * 0.25 = 17.455 differently (DuckDB
    from the binary value 17.45499..., Spark from its shortest text '17.455'). NULL when the rate is NULL. -#}
{% macro cdp_to_reporting_currency(amount, rate) -%}
    cast(cast({{ amount }} as decimal(18, 2)) * cast({{ rate }} as decimal(19, 11)) as decimal(18, 2))
{%- endmacro %}
