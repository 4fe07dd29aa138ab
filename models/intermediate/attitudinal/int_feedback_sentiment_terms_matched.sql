{#- One row per (feedback item, sentiment lexicon term found in it) with the term's net contribution to the
    item's sentiment. Terms of the item's language only. Matching (cdp_feedback_term_pattern): whole words or
    phrases, or word prefixes (stems of inflected words), and substrings for languages written without spaces
    (var('cdp__feedback_unsegmented_languages'), e.g. Chinese). Then:
    - longest match wins: an occurrence inside a longer matched term ("recommend" inside "not recommend",
      "满意" inside "不满意") counts only for the longer term;
    - modifiers: a negator or intensifier of the lexicon right before the term (right after for `after`
      modifiers such as Persian "نیست") multiplies that occurrence by the modifier's weight ("not good" = good
      x -0.75, "very bad" = bad x 1.5). Only adjacent modifiers count; a prefix term takes no `after` modifier.
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

sentiment_lexicon as (

    select * from {{ ref('sentiment_lexicon') }}

),

lexicon_normalised as (

    select
        language_code,
        term,
        term_type,
        weight,
        modifier_position,
        {{ cdp_feedback_normalise('term') }} as normalised_term,
        case
            when language_code in {{ cdp_unsegmented_languages() }} then 'substring'
            else match_type
        end as match_type
    from sentiment_lexicon

),

lexicon_patterns as (

    select
        *,
        {{ cdp_feedback_term_pattern('normalised_term', 'match_type') }} as term_pattern,
        case
            when match_type = 'substring' then normalised_term
            else {{ cdp_feedback_padded('normalised_term') }}
        end as term_as_text
    from lexicon_normalised

),

sentiment_terms as (

    select * from lexicon_patterns
    where term_type = 'sentiment'

),

modifiers as (

    select * from lexicon_patterns
    where term_type in ('negator', 'intensifier')

),

term_occurrences as (

    select
        feedback_texts.feedback_id,
        feedback_texts.customer_id,
        feedback_texts.match_text,
        sentiment_terms.language_code,
        sentiment_terms.term,
        sentiment_terms.match_type,
        sentiment_terms.weight,
        sentiment_terms.term_pattern,
        sentiment_terms.term_as_text,
        {{ cdp_count_occurrences('feedback_texts.match_text', 'sentiment_terms.term_pattern') }} as occurrence_count
    from feedback_texts
    inner join sentiment_terms
        on
            feedback_texts.language_code = sentiment_terms.language_code
            and {{ dbt.position('sentiment_terms.term_pattern', 'feedback_texts.match_text') }} > 0

),

{# Occurrences of a term that lie inside occurrences of a longer matched term of the same item. -#}
covered_occurrences as (

    select
        shorter.feedback_id,
        shorter.term,
        sum(
            longer.occurrence_count
            * {{ cdp_count_occurrences('longer.term_as_text', 'shorter.term_pattern') }}
        ) as covered_count
    from term_occurrences as shorter
    inner join term_occurrences as longer
        on
            shorter.feedback_id = longer.feedback_id
            and shorter.term != longer.term
            and {{ dbt.position('shorter.term_pattern', 'longer.term_as_text') }} > 0
    group by shorter.feedback_id, shorter.term

),

effective_occurrences as (

    select
        term_occurrences.*,
        greatest(term_occurrences.occurrence_count - coalesce(covered_occurrences.covered_count, 0), 0)
            as effective_count
    from term_occurrences
    left join covered_occurrences
        on
            term_occurrences.feedback_id = covered_occurrences.feedback_id
            and term_occurrences.term = covered_occurrences.term

),

modifier_patterns as (

    select
        effective_occurrences.feedback_id,
        effective_occurrences.term,
        effective_occurrences.match_text,
        modifiers.term_type as modifier_type,
        modifiers.weight as modifier_weight,
        case
            when effective_occurrences.match_type = 'substring' and modifiers.modifier_position = 'before'
                then modifiers.normalised_term || effective_occurrences.term_pattern
            when effective_occurrences.match_type = 'substring'
                then effective_occurrences.term_pattern || modifiers.normalised_term
            when modifiers.modifier_position = 'before'
                then ' ' || replace(modifiers.normalised_term, ' ', '  ') || ' ' || effective_occurrences.term_pattern
            when effective_occurrences.match_type = 'word'
                then effective_occurrences.term_pattern || ' ' || replace(modifiers.normalised_term, ' ', '  ') || ' '
        end as modified_pattern
    from effective_occurrences
    inner join modifiers
        on effective_occurrences.language_code = modifiers.language_code
    where effective_occurrences.effective_count > 0

),

modifier_occurrences as (

    select
        feedback_id,
        term,
        sum(case when modifier_type = 'negator' then modified_count else 0 end) as negated_count,
        sum(case when modifier_type = 'intensifier' then modified_count else 0 end) as intensified_count,
        sum(modified_count) as modified_count,
        sum(modified_count * modifier_weight) as modified_weight_sum
    from (
        select
            feedback_id,
            term,
            modifier_type,
            modifier_weight,
            {{ cdp_count_occurrences('match_text', 'modified_pattern') }} as modified_count
        from modifier_patterns
        where {{ dbt.position('modified_pattern', 'match_text') }} > 0
    ) as modified
    group by feedback_id, term

),

final as (

    select
        effective_occurrences.feedback_id,
        effective_occurrences.customer_id,
        effective_occurrences.language_code,
        effective_occurrences.term,
        effective_occurrences.match_type,
        cast(effective_occurrences.weight as double) as weight,
        cast(effective_occurrences.occurrence_count as integer) as occurrence_count,
        cast(effective_occurrences.effective_count as integer) as effective_count,
        cast(
            least(coalesce(modifier_occurrences.negated_count, 0), effective_occurrences.effective_count)
            as integer
        ) as negated_count,
        cast(
            least(coalesce(modifier_occurrences.intensified_count, 0), effective_occurrences.effective_count)
            as integer
        ) as intensified_count,
        -- plain occurrences at full weight; modified ones at weight x modifier (scaled down when modifiers
        -- overlap: more modified than effective occurrences)
        cast(
            effective_occurrences.weight * (
                greatest(effective_occurrences.effective_count - coalesce(modifier_occurrences.modified_count, 0), 0)
                + coalesce(
                    modifier_occurrences.modified_weight_sum
                    * least(effective_occurrences.effective_count, modifier_occurrences.modified_count)
                    / nullif(cast(modifier_occurrences.modified_count as double), 0),
                    0
                )
            ) as double
        ) as sentiment_contribution
    from effective_occurrences
    left join modifier_occurrences
        on
            effective_occurrences.feedback_id = modifier_occurrences.feedback_id
            and effective_occurrences.term = modifier_occurrences.term
    where effective_occurrences.effective_count > 0

)

select * from final
