{#- One row per (feedback item, topic) the item mentions, found by keyword matching (seed
    complaint_topic_keywords through int_feedback_topic_keywords_matched). A topic is a complaint when the item
    is a complaint ticket or its sentiment is negative. -#}
with

keyword_matches as (

    select * from {{ ref('int_feedback_topic_keywords_matched') }}

),

feedback_texts as (

    select * from {{ ref('fct_feedback_texts') }}

),

topics as (

    select
        feedback_id,
        topic,
        count(*) as matched_keyword_count,
        sum(occurrence_count) as keyword_occurrence_count
    from keyword_matches
    group by feedback_id, topic

),

final as (

    select
        cast(topics.feedback_id as {{ dbt.type_string() }}) as feedback_id,
        cast(topics.topic as {{ dbt.type_string() }}) as topic,
        cast(feedback_texts.source_table as {{ dbt.type_string() }}) as source_table,
        cast(feedback_texts.source_record_id as {{ dbt.type_string() }}) as source_record_id,
        cast(feedback_texts.customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(feedback_texts.language_code as {{ dbt.type_string() }}) as language_code,
        cast(feedback_texts.sentiment_label as {{ dbt.type_string() }}) as sentiment_label,
        cast(topics.matched_keyword_count as integer) as matched_keyword_count,
        cast(topics.keyword_occurrence_count as integer) as keyword_occurrence_count,
        cast(feedback_texts.is_complaint_ticket or feedback_texts.sentiment_label = 'negative' as boolean)
            as is_complaint,
        cast(feedback_texts.created_at as timestamp) as created_at
    from topics
    inner join feedback_texts
        on topics.feedback_id = feedback_texts.feedback_id

)

select * from final
