{#- No mart keeps PII of a customer who asked to be erased: for every model of var('cdp__erasure_models'), each
    erasable column (cdp_erasable_columns: direct PII, linkable PII but customer_id) is NULL on the rows of an
    erased customer (int_erased_customers). One failing row per model and column. -#}
with

erased_customers as (

    select * from {{ ref('int_erased_customers') }}

),

leaks as (

    {%- for model_name in var('cdp__erasure_models') | sort %}
        {%- for column in (cdp_erasable_columns(model_name) if execute else ['customer_id']) %}
            select
                '{{ model_name }}' as model_name,
                '{{ column }}' as column_name,
                count(*) as leaked_rows
            from {{ ref(model_name) }} as erasable
            inner join erased_customers on erasable.customer_id = erased_customers.customer_id
            where erasable.{{ column }} is not null
            union all
        {%- endfor %}
    {%- endfor %}
    select
        'none' as model_name,
        'none' as column_name,
        0 as leaked_rows

),

final as (

    select * from leaks
    where leaked_rows > 0

)

select * from final
