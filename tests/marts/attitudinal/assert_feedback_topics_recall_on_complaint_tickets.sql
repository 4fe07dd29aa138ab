-- Quality check of the topic keywords (warns): on complaint tickets, whose topic the agent picked, keyword
-- matching must find the agent's topic (recall) and predict mostly that topic (precision), each at least
-- var('cdp__topic_min_precision_recall'). The agent topic maps to ours through the seed complaint_topics.
{{ config(severity='warn') }}

with

tickets as (
    select * from {{ ref('stg_support__tickets') }}
),

complaint_topics as (
    select * from {{ ref('complaint_topics') }}
),

feedback_topics as (
    select * from {{ ref('fct_feedback_topics') }}
),

truth as (
    select
        tickets.ticket_id,
        complaint_topics.topic
    from tickets
    inner join complaint_topics
        on tickets.topic = complaint_topics.support_ticket_topic
    where tickets.ticket_type = 'complaint'
),

predicted as (
    select
        feedback_topics.source_record_id as ticket_id,
        feedback_topics.topic
    from feedback_topics
    inner join truth
        on feedback_topics.source_record_id = truth.ticket_id
    where feedback_topics.source_table = 'support_tickets'
),

scores as (
    select
        (select count(*) from truth) as truth_count,
        (select count(*) from predicted) as predicted_count,
        (
            select count(*) from predicted
            inner join truth
                on predicted.ticket_id = truth.ticket_id and predicted.topic = truth.topic
        ) as true_positive_count
),

final as (
    select
        *,
        true_positive_count / nullif(cast(predicted_count as double), 0) as topic_precision,
        true_positive_count / nullif(cast(truth_count as double), 0) as topic_recall
    from scores
    where
        truth_count > 0
        and (
            true_positive_count < {{ var('cdp__topic_min_precision_recall', 0.8) }} * predicted_count
            or true_positive_count < {{ var('cdp__topic_min_precision_recall', 0.8) }} * truth_count
        )
)

select * from final
