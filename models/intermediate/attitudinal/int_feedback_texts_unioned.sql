{#- Every free-text item a person wrote, from every source, in one shape: review title + body, survey answer,
    support ticket subject + description, social comment. The text is normalised for matching
    (cdp_feedback_normalise) and its language is the one the source declares (review and questionnaire locale)
    or, where the source records none (tickets, social comments), the one read from the text
    (cdp_detect_text_language). The customer is attached through int_customer_ids (NULL when unresolved).
    Incremental by customer on DuckDB (cdp_customer_incremental_config): a run rewrites the items of the
    customers the customer change feed lists since it last read it (a new or re-delivered item is a rewritten
    identity record) and the unresolved items; a table on Spark. -#}
{{ cdp_customer_incremental_config() }}
{%- set from_feed = not cdp_customer_changes_unreadable(ref('int_customer_ids')) %}
with

{{ cdp_changed_customers_cte(from_feed) }}

reviews as (

    select * from {{ ref('stg_shop__reviews') }}

),

survey_responses as (

    select * from {{ ref('stg_surveys__responses') }}

),

support_tickets as (

    select * from {{ ref('stg_support__tickets') }}

),

social_engagements as (

    select * from {{ ref('stg_social__engagements') }}

),

customer_ids as (

    select * from {{ ref('int_customer_ids') }}

),

feedback_items as (

    select
        'shop_reviews' as source_table,
        review_id as source_record_id,
        locale_code,
        language_code as declared_language_code,
        concat_ws(' | ', title, body) as feedback_text,
        rating as review_rating,
        false as is_complaint_ticket,
        created_at
    from reviews
    where title is not null or body is not null

    union all

    select
        'surveys_responses' as source_table,
        response_id as source_record_id,
        locale_code,
        lower({{ dbt.split_part('locale_code', "'-'", 1) }}) as declared_language_code,
        answer_text as feedback_text,
        cast(null as integer) as review_rating,
        false as is_complaint_ticket,
        submitted_at as created_at
    from survey_responses
    where answer_text is not null

    union all

    select
        'support_tickets' as source_table,
        ticket_id as source_record_id,
        cast(null as {{ dbt.type_string() }}) as locale_code,
        cast(null as {{ dbt.type_string() }}) as declared_language_code,
        concat_ws(' | ', subject, description) as feedback_text,
        cast(null as integer) as review_rating,
        coalesce(ticket_type = 'complaint', false) as is_complaint_ticket,
        opened_at as created_at
    from support_tickets
    where subject is not null or description is not null

    union all

    select
        'social_engagements' as source_table,
        engagement_id as source_record_id,
        cast(null as {{ dbt.type_string() }}) as locale_code,
        cast(null as {{ dbt.type_string() }}) as declared_language_code,
        comment_text as feedback_text,
        cast(null as integer) as review_rating,
        false as is_complaint_ticket,
        occurred_at as created_at
    from social_engagements
    where comment_text is not null

),

feedback_items_resolved as (

    select
        feedback_items.*,
        customer_ids.customer_id
    from feedback_items
    left join customer_ids
        on
            feedback_items.source_table = customer_ids.source_table
            and feedback_items.source_record_id = customer_ids.record_id
    where {{ cdp_in_changed_customers(from_feed, 'customer_ids.customer_id') }}

),

normalised as (

    select
        *,
        {{ cdp_feedback_normalise('feedback_text') }} as normalised_text
    from feedback_items_resolved

),

padded as (

    select
        *,
        {{ cdp_feedback_padded('normalised_text') }} as match_text
    from normalised

),

final as (

    select
        padded.source_table || ':' || padded.source_record_id as feedback_id,
        padded.source_table,
        padded.source_record_id,
        padded.customer_id,
        padded.locale_code,
        coalesce(padded.declared_language_code, {{ cdp_detect_text_language('padded.match_text') }})
            as language_code,
        padded.declared_language_code is null as is_language_detected,
        padded.feedback_text,
        padded.match_text,
        padded.review_rating,
        padded.is_complaint_ticket,
        padded.created_at
    from padded

)

select * from final
