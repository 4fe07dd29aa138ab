-- Every free text in staging is one row of fct_feedback_texts (per source, counts must match), and scores stay
-- in -1..1 with a label that agrees with the score's sign.
with

feedback_texts as (
    select * from {{ ref('fct_feedback_texts') }}
),

expected as (
    select
        'shop_reviews' as source_table,
        count(*) as item_count
    from {{ ref('stg_shop__reviews') }}
    where title is not null or body is not null
    union all
    select
        'surveys_responses' as source_table,
        count(*) as item_count
    from {{ ref('stg_surveys__responses') }}
    where answer_text is not null
    union all
    select
        'support_tickets' as source_table,
        count(*) as item_count
    from {{ ref('stg_support__tickets') }}
    where subject is not null or description is not null
    union all
    select
        'social_engagements' as source_table,
        count(*) as item_count
    from {{ ref('stg_social__engagements') }}
    where comment_text is not null
),

actual as (
    select
        source_table,
        count(*) as item_count
    from feedback_texts
    group by source_table
),

final as (
    select
        expected.source_table,
        'count mismatch' as problem
    from expected
    left join actual
        on expected.source_table = actual.source_table
    where coalesce(actual.item_count, 0) != expected.item_count

    union all

    select
        feedback_id as source_table,
        'score out of range or label disagrees' as problem
    from feedback_texts
    where
        sentiment_score < -1
        or sentiment_score > 1
        or (sentiment_label = 'positive' and sentiment_score <= 0)
        or (sentiment_label = 'negative' and sentiment_score >= 0)
        or positive_term_count + negative_term_count > matched_term_count
)

select * from final
