-- Quality check of the lexicon (warns): on reviews with a clear rating (1-2 or 4-5 stars), the text's sentiment
-- must point the same way at least var('cdp__sentiment_min_review_agreement') of the time. Fails with one row
-- per language below the bar (neutral texts count as disagreement).
{{ config(severity='warn') }}

with

feedback_texts as (
    select * from {{ ref('fct_feedback_texts') }}
),

agreement as (
    select
        language_code,
        count(*) as review_count,
        avg(case
            when review_rating >= 4 and sentiment_label = 'positive' then 1.0
            when review_rating <= 2 and sentiment_label = 'negative' then 1.0
            else 0.0
        end) as agreement_rate
    from feedback_texts
    where source_table = 'shop_reviews' and review_rating != 3
    group by language_code
),

final as (
    select * from agreement
    where agreement_rate < {{ var('cdp__sentiment_min_review_agreement', 0.8) }}
)

select * from final
