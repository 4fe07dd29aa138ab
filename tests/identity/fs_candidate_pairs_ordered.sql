-- Candidate pairs are ordered (l < r) and every key is a person record. Checks the pairs the last run wrote
-- (every pair after a full build; cdp_written_by_last_run): a pair whose record leaves int_person_records is
-- rewritten (removed) by that run, so an older pair keeps the verdict it had when it was written.
with

candidate_pairs as (
    select * from {{ ref('int_fs_candidate_pairs') }}
    where {{ cdp_written_by_last_run(ref('int_fs_candidate_pairs')) }}
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
