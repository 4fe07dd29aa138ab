{#- The nickname seed in both directions (robert -> bob and bob -> robert), for the first-name nickname level of
    the comparisons, on candidate pairs and on the u sample alike. -#}

with

nicknames as (
    select * from {{ ref('nicknames') }}
),

final as (
    select
        formal_name as name_a,
        nickname as name_b
    from nicknames
    union
    select
        nickname as name_a,
        formal_name as name_b
    from nicknames
)

select * from final
