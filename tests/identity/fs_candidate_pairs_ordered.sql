-- Candidate pairs are ordered (l < r) and every key is a person record.
with

candidate_pairs as (
    select * from {{ ref('int_fs_candidate_pairs') }}
),

person_records as (
    select * from {{ ref('int_person_records') }}
),

final as (
    select
        candidate_pairs.record_key_l,
        candidate_pairs.record_key_r
    from candidate_pairs
    left join person_records as left_records
        on candidate_pairs.record_key_l = left_records.record_key
    left join person_records as right_records
        on candidate_pairs.record_key_r = right_records.record_key
    where
        candidate_pairs.record_key_l >= candidate_pairs.record_key_r
        or left_records.record_key is null
        or right_records.record_key is null
)

select * from final
