{#- What each resolved customer told us, one row per customer (every customer_id of int_customer_ids): survey,
    review, complaint and feedback-text rollups, the latest NPS answer, the top complaint topic and purchase
    criterion; the part of mart_customer_attitude that does not depend on the as-of day. Incremental by
    customer on DuckDB: a run rewrites the customers whose records changed since it last read the customer
    change feed (cdp_customer_changes); a table on Spark. -#}
{{ cdp_customer_incremental_config() }}
{%- set from_feed = not cdp_customer_changes_unreadable(ref('int_customer_ids')) %}

with

{{ cdp_changed_customers_cte(from_feed) }}

customer_ids as (

    select * from {{ cdp_changed_customer_rows(ref('int_customer_ids'), from_feed) }}

),

survey_responses as (

    select * from {{ cdp_changed_customer_rows(ref('fct_survey_responses'), from_feed) }}

),

feedback_texts as (

    select * from {{ cdp_changed_customer_rows(ref('fct_feedback_texts'), from_feed) }}

),

feedback_topics as (

    select * from {{ cdp_changed_customer_rows(ref('fct_feedback_topics'), from_feed) }}

),

purchase_criteria as (

    select * from {{ cdp_changed_customer_rows(ref('fct_purchase_criteria'), from_feed) }}

),

reviews as (

    select * from {{ ref('stg_shop__reviews') }}

),

support_tickets as (

    select * from {{ ref('stg_support__tickets') }}

),

customers as (

    select distinct customer_id from customer_ids

),

survey_rollup as (

    select
        customer_id,
        sum(case when survey_type = 'nps' then 1 else 0 end) as nps_response_count,
        sum(case when survey_type = 'csat' then 1 else 0 end) as csat_response_count,
        avg(cast(csat_score as double)) as avg_csat_score,
        max(submitted_at) as last_response_at
    from survey_responses
    where customer_id is not null
    group by customer_id

),

nps_ranked as (

    select
        customer_id,
        nps_score,
        nps_category,
        submitted_at,
        row_number() over (partition by customer_id order by submitted_at desc, response_id desc) as recency_rank
    from survey_responses
    where customer_id is not null and survey_type = 'nps'

),

review_rollup as (

    select
        customer_ids.customer_id,
        count(*) as review_count,
        avg(cast(reviews.rating as double)) as avg_review_rating,
        max(reviews.created_at) as last_review_at
    from reviews
    inner join customer_ids
        on
            customer_ids.source_table = 'shop_reviews'
            and reviews.review_id = customer_ids.record_id
    group by customer_ids.customer_id

),

complaint_rollup as (

    select
        customer_ids.customer_id,
        count(*) as complaint_count,
        max(support_tickets.opened_at) as last_complaint_at
    from support_tickets
    inner join customer_ids
        on
            customer_ids.source_table = 'support_tickets'
            and support_tickets.ticket_id = customer_ids.record_id
    where support_tickets.ticket_type = 'complaint'
    group by customer_ids.customer_id

),

feedback_rollup as (

    select
        customer_id,
        count(*) as feedback_count,
        avg(sentiment_score) as avg_sentiment_score,
        sum(case when sentiment_label = 'positive' then 1 else 0 end) as positive_feedback_count,
        sum(case when sentiment_label = 'negative' then 1 else 0 end) as negative_feedback_count,
        max(created_at) as last_feedback_text_at
    from feedback_texts
    where customer_id is not null
    group by customer_id

),

{# Most frequent topic of the customer's complaints (complaint tickets and negative feedback); ties go to the
   most recent, then alphabetical. -#}
complaint_topics_ranked as (

    select
        customer_id,
        topic,
        row_number() over (
            partition by customer_id order by count(*) desc, max(created_at) desc, topic
        ) as topic_rank
    from feedback_topics
    where customer_id is not null and is_complaint
    group by customer_id, topic

),

{# Most often stated canonical criterion ('other' left out); ties go to the one stated first on average,
   then alphabetical. -#}
criteria_ranked as (

    select
        customer_id,
        criterion,
        row_number() over (
            partition by customer_id order by count(*) desc, avg(criterion_rank), criterion
        ) as criterion_order
    from purchase_criteria
    where customer_id is not null and criterion != 'other'
    group by customer_id, criterion

),

final as (

    select
        customers.customer_id,
        coalesce(survey_rollup.nps_response_count, 0) as nps_response_count,
        latest_nps.nps_score as latest_nps_score,
        latest_nps.nps_category as latest_nps_category,
        latest_nps.submitted_at as latest_nps_at,
        coalesce(survey_rollup.csat_response_count, 0) as csat_response_count,
        survey_rollup.avg_csat_score,
        coalesce(review_rollup.review_count, 0) as review_count,
        review_rollup.avg_review_rating,
        coalesce(feedback_rollup.feedback_count, 0) as feedback_count,
        feedback_rollup.avg_sentiment_score,
        coalesce(feedback_rollup.positive_feedback_count, 0) as positive_feedback_count,
        coalesce(feedback_rollup.negative_feedback_count, 0) as negative_feedback_count,
        coalesce(complaint_rollup.complaint_count, 0) as complaint_count,
        complaint_topics_ranked.topic as top_complaint_topic,
        criteria_ranked.criterion as top_purchase_criterion,
        greatest(
            survey_rollup.last_response_at,
            review_rollup.last_review_at,
            complaint_rollup.last_complaint_at,
            feedback_rollup.last_feedback_text_at
        ) as last_feedback_at,
        cast(greatest(
            survey_rollup.last_response_at,
            review_rollup.last_review_at,
            complaint_rollup.last_complaint_at,
            feedback_rollup.last_feedback_text_at
        ) as date) as last_feedback_date
    from customers
    left join survey_rollup
        on customers.customer_id = survey_rollup.customer_id
    left join nps_ranked as latest_nps
        on
            customers.customer_id = latest_nps.customer_id
            and latest_nps.recency_rank = 1
    left join review_rollup
        on customers.customer_id = review_rollup.customer_id
    left join feedback_rollup
        on customers.customer_id = feedback_rollup.customer_id
    left join complaint_rollup
        on customers.customer_id = complaint_rollup.customer_id
    left join complaint_topics_ranked
        on
            customers.customer_id = complaint_topics_ranked.customer_id
            and complaint_topics_ranked.topic_rank = 1
    left join criteria_ranked
        on
            customers.customer_id = criteria_ranked.customer_id
            and criteria_ranked.criterion_order = 1

)

select * from final
