
{#- Candidate record pairs for Fellegi-Sunter scoring: the union of the blocks of every rule in
    var('cdp__blocking_rules') (records agreeing on all expressions of a rule, none of them NULL),
    deduplicated, record_key_l < record_key_r, labelled with the first rule that produced the pair.
    Inside a block, records are sorted by var('cdp__block_sort_expressions') (the fields that tell people with
    the same name apart) and each is paired with the next var('cdp__block_window') records only (sorted
    neighbourhood): a block of s records gives all s * (s - 1) / 2 pairs while s <= window + 1 and at most
    s * window beyond, so the pair count grows linearly with the data however common a name gets. Blocks
    larger than var('cdp__max_block_size') are skipped (placeholder values). See int_fs_blocking_stats. -#}

{%- set rules = cdp_fs_setting('cdp__blocking_rules') %}
{%- set window = cdp_fs_setting('cdp__block_window') | int %}

with

person_records as (
    select * from {{ ref('int_person_records') }}
),

window_offsets as (
    {% for offset in range(1, window + 1) %}
        select {{ offset }} as offset_value
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

{% for rule in rules %}
    block_keys_{{ loop.index }} as (
        select
            record_key,
            {{ cdp_fs_block_key(rule) }} as block_key,
            row_number() over (
                partition by {{ cdp_fs_block_key(rule) }}
                order by {{ cdp_fs_block_sort_key() }}, record_key
            ) as block_position
        from person_records
        where
            {{ cdp_fs_block_filter(rule) }}
    ),

    block_sizes_{{ loop.index }} as (
        select
            block_key,
            count(*) as block_size
        from block_keys_{{ loop.index }}
        group by block_key
    ),

    pairs_{{ loop.index }} as (
        select
            least(block_l.record_key, block_r.record_key) as record_key_l,
            greatest(block_l.record_key, block_r.record_key) as record_key_r,
            {{ loop.index }} as blocking_rule_index,
            '{{ rule | join(", ") | replace("'", "") }}' as blocking_rule
        from block_keys_{{ loop.index }} as block_l
        cross join window_offsets
        inner join block_keys_{{ loop.index }} as block_r
            on
                block_l.block_key = block_r.block_key
                and block_l.block_position + window_offsets.offset_value = block_r.block_position
        inner join block_sizes_{{ loop.index }} as sizes
            on block_l.block_key = sizes.block_key
        where sizes.block_size <= {{ cdp_fs_setting('cdp__max_block_size') }}
    ),

{% endfor %}
pairs_unioned as (
    {% for rule in rules %}
        select * from pairs_{{ loop.index }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        record_key_l,
        record_key_r,
        min(blocking_rule_index) as blocking_rule_index,
        {{ cdp_arg_min('blocking_rule', ['blocking_rule_index']) }} as blocking_rule
    from pairs_unioned
    group by record_key_l, record_key_r
)

select * from final
