
{#- Every candidate pair with its comparison level per field (cdp_fs_comparison_levels) and the values the
    term-frequency adjustment looks up. -#}

with

candidate_pairs as (
    select * from {{ ref('int_fs_candidate_pairs') }}
),

person_records as (
    select * from {{ ref('int_person_records') }}
),

nickname_pairs as (
    select * from {{ ref('int_fs_nickname_pairs') }}
),

pairs_compared as (
    select
        candidate_pairs.record_key_l,
        candidate_pairs.record_key_r,
        candidate_pairs.blocking_rule,
        record_l.first_name_folded as first_name_folded_l,
        record_l.last_name_folded as last_name_folded_l,
        record_l.city_folded as city_folded_l,
        {{ cdp_fs_comparison_levels('record_l', 'record_r', 'nick') }}
    from candidate_pairs
    inner join person_records as record_l
        on candidate_pairs.record_key_l = record_l.record_key
    inner join person_records as record_r
        on candidate_pairs.record_key_r = record_r.record_key
    left join nickname_pairs as nick
        on record_l.first_name_folded = nick.name_a and record_r.first_name_folded = nick.name_b
),

final as (
    select
        *,
        {{ cdp_fs_comparison_vector() }} as comparison_vector
    from pairs_compared
)

select * from final
