{#- Candidate record pairs for Fellegi-Sunter scoring: the union of the blocks of every rule in
    var('cdp__blocking_rules') (records agreeing on all expressions of a rule, none of them NULL),
    deduplicated, record_key_l < record_key_r, labelled with the first rule that produced the pair.
    Inside a block, records are sorted by var('cdp__block_sort_expressions') (the fields that tell people with
    the same name apart) and each is paired with the next var('cdp__block_window') records only (sorted
    neighbourhood, cdp_fs_block_pairs_ctes): a block of s records gives all s * (s - 1) / 2 pairs while
    s <= window + 1 and at most s * window beyond, so the pair count grows linearly with the data however common
    a name gets. Blocks larger than var('cdp__max_block_size') are skipped (placeholder values). See
    int_fs_blocking_stats.
    Incremental by pair on DuckDB. A record int_person_records rewrote (its change log) can join, leave or move
    inside blocks, which shifts its neighbours' pairs too. So a run takes the touched blocks (those the rewritten
    records are in now, and were in: `<model>__block_members`, kept by a post-hook), the pairs it holds with a
    rewritten record or inside a touched block, and the pairs the touched blocks give now. Each of these pairs
    gets its first rule from the touched blocks and its previous row (pairs_settled); only a pair of unchanged
    records that lost its first rule in a touched block is paired again with every block of every rule holding
    one of its records. The run writes the pairs that are new, change their first rule or have a rewritten
    record (what int_fs_pair_comparisons compares again); a pair leaves (tombstone, blocking_rule NULL) only
    when no rule pairs it any more. It passes the rewritten records on to its own change log, which
    int_fs_pair_comparisons reads. A change of the blocking settings
    (cdp_fs_blocking_config_sql, against the previous build's `<model>__config_snapshot`) pairs everything again
    and rebuilds the block members. -#}
{%- set rules = cdp_fs_setting('cdp__blocking_rules') %}
{%- set window = cdp_fs_setting('cdp__block_window') | int %}
{%- set person_records_log = cdp_identity_change_log(ref('int_person_records')) -%}
{%- set block_members_table = cdp_work_relation(this.identifier, 'block_members') -%}
{%- set from_change_log = cdp_identity_change_logs_readable([person_records_log])
    and load_relation(block_members_table) is not none
    and not cdp_identity_config_changed(cdp_fs_blocking_config_sql()) -%}
{{ cdp_identity_incremental_config(
    pre_hook=[
        "{{ cdp_identity_reset_on_config_change(cdp_fs_blocking_config_sql(), ['block_members']) }}",
        "{{ cdp_identity_empty_without_change_logs([cdp_identity_change_log(ref('int_person_records'))]) }}",
        "{{ cdp_identity_empty_without_snapshot('block_members') }}",
        "{{ cdp_identity_drop_change_log_on_full_build() }}",
    ],
    post_hook=[
        "{{ cdp_fs_update_block_members(ref('int_person_records'), cdp_identity_change_log(ref('int_person_records'))) }}",
        "{{ cdp_fs_pass_on_changed_records(cdp_identity_change_log(ref('int_person_records'))) }}",
        "{{ cdp_identity_consume_change_logs([cdp_identity_change_log(ref('int_person_records'))]) }}",
        "{{ cdp_identity_snapshot_config(cdp_fs_blocking_config_sql()) }}",
    ],
    tombstone_column='blocking_rule',
    unique_key=['record_key_l', 'record_key_r']) }}

with

person_records as {{ cdp_not_materialized() }} (
    select * from {{ ref('int_person_records') }}
),

window_offsets as (
    {% for offset in range(1, window + 1) %}
        select {{ offset }} as offset_value
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

{% for rule in rules %}
    block_members_{{ loop.index }} as (
        select
            *,
            {{ cdp_fs_block_key(rule) }} as block_key
        from person_records
        where
            {{ cdp_fs_block_filter(rule) }}
    ),

{% endfor %}
{%- if from_change_log %}
changed_records as (
    select record_key from {{ person_records_log }}
),

changed_person_records as (
    {#- The rewritten records' rows, found once: their block keys come from these few rows, not from every
        record's block key filtered by the change log (a semi-join per rule over 3 million rows at 1M people). -#}
    select person_records.*
    from person_records
    inner join changed_records
        on person_records.record_key = changed_records.record_key
),

touched_blocks as (
    {% for rule in rules %}
        select
            {{ loop.index }} as blocking_rule_index,
            {{ cdp_fs_block_key(rule) }} as block_key
        from changed_person_records
        where
            {{ cdp_fs_block_filter(rule) }}
        union
    {% endfor %}
    select
        blocking_rule_index,
        block_key
    from {{ block_members_table }}
    where record_key in (select record_key from changed_records)
),

{% for rule in rules %}
    touched_members_{{ loop.index }} as (
        select block_members_{{ loop.index }}.*
        from block_members_{{ loop.index }}
        inner join touched_blocks
            on
                touched_blocks.blocking_rule_index = {{ loop.index }}
                and block_members_{{ loop.index }}.block_key = touched_blocks.block_key
    ),

    {{ cdp_fs_block_pairs_ctes('touched_pairs_' ~ loop.index, 'touched_members_' ~ loop.index, loop.index, rule) }}

{% endfor %}
touched_member_rules as (
    {#- (record, rule) for every record of a touched block: its block of that rule is touched -#}
    {% for rule in rules %}
        select
            record_key,
            {{ loop.index }} as blocking_rule_index
        from touched_members_{{ loop.index }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

touched_member_records as (
    select distinct record_key from touched_member_rules
),

changed_record_keys as (
    select distinct record_key from changed_records
),

previous_pairs as (
    {#- the pairs held now that the run may change: with a rewritten record, or both records in touched blocks -#}
    select
        record_key_l,
        record_key_r,
        blocking_rule_index,
        blocking_rule
    from {{ this }}
    where
        record_key_l in (select record_key from changed_records)
        or record_key_r in (select record_key from changed_records)
        or (
            record_key_l in (select record_key from touched_member_records)
            and record_key_r in (select record_key from touched_member_records)
        )
),

touched_pairs_grouped as (
    {#- the pairs the touched blocks give now, with the first rule among those blocks -#}
    select
        record_key_l,
        record_key_r,
        min(blocking_rule_index) as blocking_rule_index,
        {{ cdp_arg_min('blocking_rule', ['blocking_rule_index']) }} as blocking_rule
    from (
        {% for rule in rules %}
            select * from touched_pairs_{{ loop.index }}
            {% if not loop.last %}union all{% endif %}
        {% endfor %}
    ) as touched_pairs_unioned
    group by record_key_l, record_key_r
),

pairs_compared as (
    select
        coalesce(previous_pairs.record_key_l, touched_pairs_grouped.record_key_l) as record_key_l,
        coalesce(previous_pairs.record_key_r, touched_pairs_grouped.record_key_r) as record_key_r,
        previous_pairs.blocking_rule_index as previous_rule_index,
        previous_pairs.blocking_rule as previous_rule,
        touched_pairs_grouped.blocking_rule_index as touched_rule_index,
        touched_pairs_grouped.blocking_rule as touched_rule,
        changed_l.record_key is not null or changed_r.record_key is not null as has_changed_record,
        previous_rule_touched.record_key is not null as is_previous_rule_touched
    from previous_pairs
    full outer join touched_pairs_grouped
        on
            previous_pairs.record_key_l = touched_pairs_grouped.record_key_l
            and previous_pairs.record_key_r = touched_pairs_grouped.record_key_r
    left join changed_record_keys as changed_l
        on coalesce(previous_pairs.record_key_l, touched_pairs_grouped.record_key_l) = changed_l.record_key
    left join changed_record_keys as changed_r
        on coalesce(previous_pairs.record_key_r, touched_pairs_grouped.record_key_r) = changed_r.record_key
    left join touched_member_rules as previous_rule_touched
        on
            previous_pairs.record_key_l = previous_rule_touched.record_key
            and previous_pairs.blocking_rule_index = previous_rule_touched.blocking_rule_index
),

{#- A pair's first rule, settled from the touched blocks and the pair's previous row where they tell it:
    * with a rewritten record, every block of the pair is touched: the touched blocks' first rule (none: it ends);
    * a new pair: no rule paired it before, so no untouched block pairs it now: the touched blocks' first rule;
    * its previous first rule's block untouched: that rule still pairs it, and no untouched block of an earlier
      rule does; the earlier of it and the touched blocks' first rule;
    * its previous first rule's block touched and a touched block of that rule or an earlier one pairs it:
      that rule (an untouched block of an earlier rule did not pair it before, nor does now).
    Left: pairs of unchanged records that lost their first rule in a touched block and gained none as early.
    A later rule may pair them in a block the run did not touch, so only these are paired again with every
    block of their records (pairs_rechecked: a handful, where pairing again every touched pair's blocks read
    about 40 % of the run's candidate-pair time at 1M people). -#}
pairs_settled as (
    select
        record_key_l,
        record_key_r,
        has_changed_record,
        previous_rule_index,
        needs_recheck,
        case when keeps_previous_rule then previous_rule_index else touched_rule_index end as blocking_rule_index,
        case when keeps_previous_rule then previous_rule else touched_rule end as blocking_rule
    from (
        select
            *,
            not has_changed_record
            and previous_rule_index is not null
            and is_previous_rule_touched
            and coalesce(touched_rule_index > previous_rule_index, true) as needs_recheck,
            not has_changed_record
            and previous_rule_index is not null
            and not is_previous_rule_touched
            and coalesce(touched_rule_index >= previous_rule_index, true) as keeps_previous_rule
        from pairs_compared
    ) as pairs_judged
),

pairs_rechecked as (
    select
        record_key_l,
        record_key_r
    from pairs_settled
    where needs_recheck
),

pair_ends as (
    select record_key_l as record_key from pairs_rechecked
    union
    select record_key_r as record_key from pairs_rechecked
),

pair_end_person_records as (
    {#- as changed_person_records: the pair ends' rows found once, their block keys computed from them -#}
    select person_records.*
    from person_records
    inner join pair_ends
        on person_records.record_key = pair_ends.record_key
),

{% for rule in rules %}
    end_members_{{ loop.index }} as (
        select block_members_{{ loop.index }}.*
        from block_members_{{ loop.index }}
        where block_key in (
            select {{ cdp_fs_block_key(rule) }}
            from pair_end_person_records
            where
                {{ cdp_fs_block_filter(rule) }}
        )
    ),

{% endfor %}
{%- endif %}
{% for rule in rules %}
    {{ cdp_fs_block_pairs_ctes(
        'pairs_' ~ loop.index,
        ('end_members_' if from_change_log else 'block_members_') ~ loop.index,
        loop.index,
        rule) }}

{% endfor %}
pairs_unioned as (
    {% for rule in rules %}
        select * from pairs_{{ loop.index }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

pairs_grouped as (
    select
        pairs_unioned.record_key_l,
        pairs_unioned.record_key_r,
        min(pairs_unioned.blocking_rule_index) as blocking_rule_index,
        {{ cdp_arg_min('pairs_unioned.blocking_rule', ['pairs_unioned.blocking_rule_index']) }} as blocking_rule
    from pairs_unioned
    {%- if from_change_log %}
    inner join pairs_rechecked
        on
            pairs_unioned.record_key_l = pairs_rechecked.record_key_l
            and pairs_unioned.record_key_r = pairs_rechecked.record_key_r
    {%- endif %}
    group by pairs_unioned.record_key_l, pairs_unioned.record_key_r
),

final as (
    select
        *,
        {{ cdp_run_stamp() }} as written_at
    from pairs_grouped
    {%- if from_change_log %}
    union all
    select
        record_key_l,
        record_key_r,
        blocking_rule_index,
        blocking_rule,
        {{ cdp_run_stamp() }} as written_at
    from pairs_settled
    where
        not needs_recheck
        and blocking_rule_index is not null
        {#- what int_fs_pair_comparisons compares again: a pair between unchanged records that keeps its first
            rule keeps its row #}
        and (
            has_changed_record
            or previous_rule_index is null
            or blocking_rule_index != previous_rule_index
        )
    {%- endif %}
){%- if from_change_log %},

-- Touched pairs no rule gives any more: tombstones (blocking_rule NULL) the post-hook deletes.
tombstones as (
    select
        record_key_l,
        record_key_r,
        cast(null as {{ dbt.type_int() }}) as blocking_rule_index,
        cast(null as {{ dbt.type_string() }}) as blocking_rule,
        cast(null as {{ dbt.type_timestamp() }}) as written_at
    from pairs_settled
    where not needs_recheck and blocking_rule_index is null
    union all
    select
        pairs_rechecked.record_key_l,
        pairs_rechecked.record_key_r,
        cast(null as {{ dbt.type_int() }}) as blocking_rule_index,
        cast(null as {{ dbt.type_string() }}) as blocking_rule,
        cast(null as {{ dbt.type_timestamp() }}) as written_at
    from pairs_rechecked
    left join pairs_grouped
        on
            pairs_rechecked.record_key_l = pairs_grouped.record_key_l
            and pairs_rechecked.record_key_r = pairs_grouped.record_key_r
    where pairs_grouped.record_key_l is null
)
{%- endif %}

select * from final
{%- if from_change_log %}
union all
select * from tombstones
{%- endif %}
