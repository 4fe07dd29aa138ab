{#- A money amount divided by a positive count (an average order value), as decimal(18, 2) rounded half up, the
    same on every engine: computed in whole cents, floor((2 * cents + n) / (2 * n)). Dividing a decimal gives a
    double on DuckDB and a decimal on Spark, which round ties such as 34.91 / 2 = 17.455 differently. -#}
{% macro cdp_divide_amount(amount, divisor) -%}
    cast(
        cast(
            floor(
                (2 * cast(cast({{ amount }} as decimal(18, 2)) * 100 as bigint) + {{ divisor }})
                / (2.0 * {{ divisor }})
            ) as decimal(18, 0)
        ) / 100 as decimal(18, 2)
    )
{%- endmacro %}
