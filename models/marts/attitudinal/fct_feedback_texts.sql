{#- One row per free-text item a person wrote (review, survey answer, support ticket, social comment) with its
    lexicon sentiment: the matched terms of int_feedback_sentiment_terms_matched summed into a raw score,
    normalised to -1..1 (cdp_sentiment_score) and labelled (cdp_sentiment_label). -#}
with

feedback_texts as (

    select * from {{ ref('int_feedback_texts_unioned') }}

),

erased_customers as (

    select * from {{ ref('int_erased_customers') }}

),

sentiment_terms as (

    select * from {{ ref('int_feedback_sentiment_terms_matched') }}

),

sentiment_lexicon as (

    select * from {{ ref('sentiment_lexicon') }}

),

lexicon_languages as (

    select distinct language_code from sentiment_lexicon

),

term_totals as (

    select
        feedback_id,
        sum(effective_count) as matched_term_count,
        sum(case when sentiment_contribution > 0 then effective_count else 0 end) as positive_term_count,
        sum(case when sentiment_contribution < 0 then effective_count else 0 end) as negative_term_count,
        sum(negated_count) as negated_term_count,
        sum(sentiment_contribution) as sentiment_raw_score
    from sentiment_terms
    group by feedback_id

),

scored as (

    select
        feedback_texts.*,
        lexicon_languages.language_code is not null as is_language_supported,
        coalesce(term_totals.matched_term_count, 0) as matched_term_count,
        coalesce(term_totals.positive_term_count, 0) as positive_term_count,
        coalesce(term_totals.negative_term_count, 0) as negative_term_count,
        coalesce(term_totals.negated_term_count, 0) as negated_term_count,
        coalesce(term_totals.sentiment_raw_score, 0) as sentiment_raw_score,
        {{ cdp_sentiment_score('term_totals.sentiment_raw_score') }} as sentiment_score
    from feedback_texts
    left join term_totals
        on feedback_texts.feedback_id = term_totals.feedback_id
    left join lexicon_languages
        on feedback_texts.language_code = lexicon_languages.language_code

),

final as (

    select
        cast(feedback_id as {{ dbt.type_string() }}) as feedback_id,
        cast(source_table as {{ dbt.type_string() }}) as source_table,
        cast(source_record_id as {{ dbt.type_string() }}) as source_record_id,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(locale_code as {{ dbt.type_string() }}) as locale_code,
        cast(language_code as {{ dbt.type_string() }}) as language_code,
        cast(feedback_text as {{ dbt.type_string() }}) as feedback_text,
        cast({{ cdp_sentiment_label('sentiment_score') }} as {{ dbt.type_string() }}) as sentiment_label,
        cast(review_rating as integer) as review_rating,
        cast(matched_term_count as integer) as matched_term_count,
        cast(positive_term_count as integer) as positive_term_count,
        cast(negative_term_count as integer) as negative_term_count,
        cast(negated_term_count as integer) as negated_term_count,
        cast(sentiment_raw_score as double) as sentiment_raw_score,
        cast(sentiment_score as double) as sentiment_score,
        cast(is_language_detected as boolean) as is_language_detected,
        cast(is_language_supported as boolean) as is_language_supported,
        cast(is_complaint_ticket as boolean) as is_complaint_ticket,
        cast(created_at as timestamp) as created_at
    from scored

),

erased as (

    {#- The free text of a customer who asked to be erased is emptied (int_erased_customers). #}
    select {{ cdp_erased_columns('fct_feedback_texts', 'final', 'erased_customers.customer_id is not null') }}
    from final
    left join erased_customers on final.customer_id = erased_customers.customer_id

)

select * from erased
