{#- Every candidate pair with its comparison level per field (cdp_fs_comparison_levels) and the values the
    term-frequency adjustment looks up.
    Incremental by pair on DuckDB: a run compares the candidate pairs int_fs_candidate_pairs wrote since this
    model last read it (cdp_fs_compared_until: new pairs, pairs under another blocking rule, and every pair of a
    record int_person_records rewrote, which the candidate pairs write again), and drops the pairs no longer
    candidates through tombstones (blocking_rule NULL): it looks for them among its pairs of the records in the
    change log int_fs_candidate_pairs keeps for it (the rewritten records and both records of each pair it
    dropped). Without the change log (the candidate pairs or the person records were built whole) its pre-hook
    empties it and it compares every pair. So it does when the comparison levels (as rendered) or the nickname
    pairs differ from those of its previous build (cdp_fs_comparisons_config_sql, against
    `<model>__config_snapshot`), and when the compared_until table is missing. -#}
{%- set change_log = cdp_identity_change_log(ref('int_fs_candidate_pairs')) -%}
{%- set from_change_log = cdp_identity_change_logs_readable([change_log])
    and load_relation(cdp_fs_compared_until()) is not none
    and not cdp_identity_config_changed(cdp_fs_comparisons_config_sql(ref('int_fs_nickname_pairs'))) -%}
{{ cdp_identity_incremental_config(
    pre_hook=[
        "{{ cdp_identity_reset_on_config_change(
            cdp_fs_comparisons_config_sql(ref('int_fs_nickname_pairs')), ['compared_until']) }}",
        "{{ cdp_identity_empty_without_change_logs([cdp_identity_change_log(ref('int_fs_candidate_pairs'))]) }}",
        "{{ cdp_identity_empty_without_snapshot('compared_until') }}",
    ],
    post_hook=[
        "{{ cdp_identity_consume_change_logs([cdp_identity_change_log(ref('int_fs_candidate_pairs'))]) }}",
        "{{ cdp_identity_snapshot_config(cdp_fs_comparisons_config_sql(ref('int_fs_nickname_pairs'))) }}",
        "{{ cdp_fs_remember_compared_until(ref('int_fs_candidate_pairs')) }}",
    ],
    tombstone_column='blocking_rule',
    unique_key=['record_key_l', 'record_key_r']) }}

with

candidate_pairs as {{ cdp_not_materialized() }} (
    select * from {{ ref('int_fs_candidate_pairs') }}
),

person_records as {{ cdp_not_materialized() }} (
    select * from {{ ref('int_person_records') }}
),

nickname_pairs as (
    select * from {{ ref('int_fs_nickname_pairs') }}
),

{% if from_change_log -%}
changed_records as (
    select record_key from {{ change_log }}
),

pairs_gone as (
    {#- A pair gone has a logged record (cdp_fs_pass_on_changed_records): only the pairs of those are compared
        with the candidates, on both sides. #}
    (
        select
            record_key_l,
            record_key_r
        from {{ this }}
        where record_key_l in (select record_key from changed_records)
        union
        select
            record_key_l,
            record_key_r
        from {{ this }}
        where record_key_r in (select record_key from changed_records)
    )
    except
    (
        select
            record_key_l,
            record_key_r
        from candidate_pairs
        where record_key_l in (select record_key from changed_records)
        union
        select
            record_key_l,
            record_key_r
        from candidate_pairs
        where record_key_r in (select record_key from changed_records)
    )
),

{% endif -%}
pairs_to_compare as (
    select
        candidate_pairs.record_key_l,
        candidate_pairs.record_key_r,
        candidate_pairs.blocking_rule
    from candidate_pairs
    {%- if from_change_log %}
    where candidate_pairs.written_at > {{ cdp_last_run_stamp(cdp_fs_compared_until()) }}
    {%- endif %}
),

pairs_compared as (
    select
        pairs_to_compare.record_key_l,
        pairs_to_compare.record_key_r,
        pairs_to_compare.blocking_rule,
        record_l.first_name_folded as first_name_folded_l,
        record_l.last_name_folded as last_name_folded_l,
        record_l.city_folded as city_folded_l,
        {{ cdp_fs_comparison_levels('record_l', 'record_r', 'nick') }}
    from pairs_to_compare
    inner join person_records as record_l
        on pairs_to_compare.record_key_l = record_l.record_key
    inner join person_records as record_r
        on pairs_to_compare.record_key_r = record_r.record_key
    left join nickname_pairs as nick
        on record_l.first_name_folded = nick.name_a and record_r.first_name_folded = nick.name_b
),

final as (
    select
        *,
        {{ cdp_fs_comparison_vector() }} as comparison_vector
    from pairs_compared
){%- if from_change_log %},

tombstones as (
    {{ cdp_identity_tombstones('pairs_gone', key_columns=['record_key_l', 'record_key_r']) }}
)
{%- endif %}

select * from final
{%- if from_change_log %}
union all
select * from tombstones
{%- endif %}
