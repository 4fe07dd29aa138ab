-- The blocking statistics account for every candidate pair: the pairs each rule is first to produce add up to
-- the candidate pairs, and no rule is first for more pairs than its window generated.
with

blocking_stats as (
    select * from {{ ref('int_fs_blocking_stats') }}
),

candidate_pairs as (
    select * from {{ ref('int_fs_candidate_pairs') }}
),

totals as (
    select
        (select count(*) from candidate_pairs) as candidate_pair_count,
        (select coalesce(sum(new_pair_count), 0) from blocking_stats) as new_pair_count
),

final as (
    select
        'totals' as problem,
        candidate_pair_count as expected,
        new_pair_count as actual
    from totals
    where candidate_pair_count != new_pair_count
    union all
    select
        blocking_rule as problem,
        generated_pair_count as expected,
        new_pair_count as actual
    from blocking_stats
    where new_pair_count > generated_pair_count or windowed_out_pair_count < 0
)

select * from final
