{#- Free text is empty exactly for the customers who asked to be erased: a NULL text of anyone else is a lost
    row, a text of an erased customer is PII that survived the erasure. -#}
with

feedback_texts as (

    select * from {{ ref('fct_feedback_texts') }}

),

purchase_criteria as (

    select * from {{ ref('fct_purchase_criteria') }}

),

erased_customers as (

    select * from {{ ref('int_erased_customers') }}

),

texts as (

    select
        'fct_feedback_texts' as model_name,
        feedback_id as row_id,
        customer_id,
        feedback_text as free_text
    from feedback_texts
    union all
    select
        'fct_purchase_criteria' as model_name,
        response_id as row_id,
        customer_id,
        stated_criterion as free_text
    from purchase_criteria

),

final as (

    select
        texts.model_name,
        texts.row_id,
        texts.customer_id,
        erased_customers.customer_id is not null as is_erased,
        texts.free_text is null as is_empty
    from texts
    left join erased_customers on texts.customer_id = erased_customers.customer_id
    where (erased_customers.customer_id is not null) != (texts.free_text is null)

)

select * from final
