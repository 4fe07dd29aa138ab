{#- One row per (feedback item, topic keyword found in it): the keyword matching behind fct_feedback_topics.
    Keywords of the seed complaint_topic_keywords in the item's language, matched like the sentiment lexicon
    (whole words or phrases, word prefixes, substrings for var('cdp__feedback_unsegmented_languages')).
    The item's customer_id rides along: incremental by customer on DuckDB (cdp_customer_incremental_config), a
    run matches again the items of the customers the customer change feed lists and the unresolved ones; a table
    on Spark. -#}
{{ cdp_customer_incremental_config() }}
{%- set from_feed = not cdp_customer_changes_unreadable(ref('int_customer_ids')) %}
with

{{ cdp_changed_customers_cte(from_feed) }}

feedback_texts as (

    select * from {{ cdp_changed_customer_rows(ref('int_feedback_texts_unioned'), from_feed) }}

),

topic_keywords as (

    select * from {{ ref('complaint_topic_keywords') }}

),

keywords_normalised as (

    select
        topic,
        language_code,
        keyword,
        {{ cdp_feedback_normalise('keyword') }} as normalised_keyword,
        case
            when language_code in {{ cdp_unsegmented_languages() }} then 'substring'
            else match_type
        end as match_type
    from topic_keywords

),

keyword_patterns as (

    select
        *,
        {{ cdp_feedback_term_pattern('normalised_keyword', 'match_type') }} as keyword_pattern
    from keywords_normalised

),

final as (

    select
        feedback_texts.feedback_id,
        feedback_texts.customer_id,
        keyword_patterns.topic,
        keyword_patterns.keyword,
        keyword_patterns.language_code,
        keyword_patterns.match_type,
        cast(
            {{ cdp_count_occurrences('feedback_texts.match_text', 'keyword_patterns.keyword_pattern') }}
            as integer
        ) as occurrence_count
    from feedback_texts
    inner join keyword_patterns
        on
            feedback_texts.language_code = keyword_patterns.language_code
            and {{ dbt.position('keyword_patterns.keyword_pattern', 'feedback_texts.match_text') }} > 0

)

select * from final
