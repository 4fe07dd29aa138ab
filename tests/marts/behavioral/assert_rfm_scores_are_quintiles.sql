{#- Each RFM score splits the buyers into five groups whose sizes differ by at most one (ntile). Returns the
    scores whose groups are uneven or missing. -#}
with

customers as (

    select * from {{ ref('mart_customer_behavior') }}

),

scores as (

    select
        'recency' as score_name,
        rfm_recency_score as score
    from customers
    where is_buyer
    union all
    select
        'frequency' as score_name,
        rfm_frequency_score as score
    from customers
    where is_buyer
    union all
    select
        'monetary' as score_name,
        rfm_monetary_score as score
    from customers
    where is_buyer

),

group_sizes as (

    select
        score_name,
        score,
        count(*) as buyer_count
    from scores
    group by score_name, score

),

spreads as (

    select
        score_name,
        count(*) as group_count,
        max(buyer_count) - min(buyer_count) as size_spread,
        sum(buyer_count) as buyer_count
    from group_sizes
    group by score_name

)

select *
from spreads
where size_spread > 1 or (group_count != 5 and buyer_count >= 5)
