{#- One row per (survey response, purchase criterion it states): the comma-separated answer split into its
    parts (cdp_split_to_rows), a part repeated in one answer kept once, each mapped to a canonical criterion
    through the seed purchase_criteria_terms, in every language: an exact match of the normalised text first,
    else the longest term the text contains (as whole words; as a substring for
    var('cdp__feedback_unsegmented_languages')), terms of the questionnaire's language before others;
    'other' when nothing matches. -#}
with

survey_responses as (

    select * from {{ ref('fct_survey_responses') }}

),

erased_customers as (

    select * from {{ ref('int_erased_customers') }}

),

staged_responses as (

    select * from {{ ref('stg_surveys__responses') }}

),

criteria_terms as (

    select * from {{ ref('purchase_criteria_terms') }}

),

stated_parts as (

    select
        response_id,
        {{ cdp_split_to_rows('purchase_criteria', ',', 'stated_part', 'part_index') }}
    from staged_responses
    where purchase_criteria is not null

),

stated_normalised as (

    select
        response_id,
        part_index,
        trim(stated_part) as stated_criterion,
        {{ cdp_feedback_normalise('stated_part') }} as normalised_criterion
    from stated_parts

),

{# A criterion given twice in one answer ("price, price") is one stated criterion, at its first position. -#}
stated_ranked as (

    select
        *,
        row_number() over (partition by response_id, normalised_criterion order by part_index) as repeat_number
    from stated_normalised
    where normalised_criterion != ''

),

stated_criteria as (

    select
        stated_ranked.response_id,
        stated_ranked.stated_criterion,
        stated_ranked.normalised_criterion,
        {{ cdp_feedback_padded('stated_ranked.normalised_criterion') }} as match_text,
        survey_responses.language_code,
        row_number() over (partition by stated_ranked.response_id order by stated_ranked.part_index)
            as criterion_rank
    from stated_ranked
    inner join survey_responses
        on stated_ranked.response_id = survey_responses.response_id
    where stated_ranked.repeat_number = 1

),

terms_normalised as (

    select
        language_code,
        criterion,
        {{ cdp_feedback_normalise('term') }} as normalised_term,
        case
            when language_code in {{ cdp_unsegmented_languages() }} then 'substring'
            else 'word'
        end as match_type
    from criteria_terms

),

terms_patterns as (

    select
        *,
        {{ cdp_feedback_term_pattern('normalised_term', 'match_type') }} as term_pattern
    from terms_normalised

),

term_candidates as (

    select
        stated_criteria.response_id,
        stated_criteria.criterion_rank,
        terms_patterns.criterion,
        terms_patterns.normalised_term,
        case when stated_criteria.normalised_criterion = terms_patterns.normalised_term then 0 else 1 end
            as exactness_order,
        case when stated_criteria.language_code = terms_patterns.language_code then 0 else 1 end as language_order
    from stated_criteria
    inner join terms_patterns
        on {{ dbt.position('terms_patterns.term_pattern', 'stated_criteria.match_text') }} > 0

),

term_matches as (

    select
        response_id,
        criterion_rank,
        criterion,
        case when exactness_order = 0 then 'exact' else 'contains' end as criterion_match_type,
        row_number() over (
            partition by response_id, criterion_rank
            order by
                exactness_order asc,
                language_order asc,
                length(normalised_term) desc,
                criterion asc,
                normalised_term asc
        ) as match_rank
    from term_candidates

),

final as (

    select
        cast(stated_criteria.response_id as {{ dbt.type_string() }}) as response_id,
        cast(survey_responses.customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(coalesce(term_matches.criterion, 'other') as {{ dbt.type_string() }}) as criterion,
        cast(stated_criteria.stated_criterion as {{ dbt.type_string() }}) as stated_criterion,
        cast(coalesce(term_matches.criterion_match_type, 'unmatched') as {{ dbt.type_string() }})
            as criterion_match_type,
        cast(survey_responses.survey_type as {{ dbt.type_string() }}) as survey_type,
        cast(survey_responses.language_code as {{ dbt.type_string() }}) as language_code,
        cast(stated_criteria.criterion_rank as integer) as criterion_rank,
        cast(survey_responses.submitted_at as timestamp) as submitted_at
    from stated_criteria
    inner join survey_responses
        on stated_criteria.response_id = survey_responses.response_id
    left join term_matches
        on
            stated_criteria.response_id = term_matches.response_id
            and stated_criteria.criterion_rank = term_matches.criterion_rank
            and term_matches.match_rank = 1

),

erased as (

    {#- The free text of a customer who asked to be erased is emptied (int_erased_customers). #}
    select {{ cdp_erased_columns('fct_purchase_criteria', 'final', 'erased_customers.customer_id is not null') }}
    from final
    left join erased_customers on final.customer_id = erased_customers.customer_id

)

select * from erased
