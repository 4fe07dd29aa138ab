{#- A select of the integers 0 .. upper_bound - 1 in one column `n`, from cross-joined digits (no engine-specific
    generate_series / sequence). Used for month spines. -#}
{% macro cdp_integers(upper_bound) -%}
    {%- set digit_count = ((upper_bound - 1) | string | length) -%}
    {%- set digits -%}
        (
            select 0 as digit
            {%- for digit in range(1, 10) %}
            union all select {{ digit }} as digit
            {%- endfor %}
        )
    {%- endset -%}
    select n
    from (
        select
            {%- for position in range(digit_count) %}
            digits_{{ position }}.digit * {{ 10 ** position }}{{ ' +' if not loop.last }}
            {%- endfor %} as n
        from {{ digits }} as digits_0
        {%- for position in range(1, digit_count) %}
        cross join {{ digits }} as digits_{{ position }}
        {%- endfor %}
    ) as integers
    where n < {{ upper_bound }}
{%- endmacro %}
