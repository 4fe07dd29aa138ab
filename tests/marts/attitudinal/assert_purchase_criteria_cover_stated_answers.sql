-- Every response that states purchase criteria has at least one criterion row, numbered 1..n without gaps.
with

responses as (
    select * from {{ ref('stg_surveys__responses') }}
),

purchase_criteria as (
    select * from {{ ref('fct_purchase_criteria') }}
),

per_response as (
    select
        response_id,
        count(*) as criterion_count,
        max(criterion_rank) as max_rank,
        min(criterion_rank) as min_rank
    from purchase_criteria
    group by response_id
),

final as (
    select
        responses.response_id,
        per_response.criterion_count
    from responses
    left join per_response
        on responses.response_id = per_response.response_id
    where
        responses.purchase_criteria is not null
        and trim(replace(responses.purchase_criteria, ',', '')) != ''
        and (
            per_response.response_id is null
            or per_response.min_rank != 1
            or per_response.max_rank != per_response.criterion_count
        )
)

select * from final
