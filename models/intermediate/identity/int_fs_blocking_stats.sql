
{#- One row per blocking rule: how many blocks and pairs it produced and what the size cap skipped. -#}

{%- set rules = cdp_fs_setting('cdp__blocking_rules') %}
{%- set cap = cdp_fs_setting('cdp__max_block_size') %}
{%- set window = cdp_fs_setting('cdp__block_window') | int %}
{#- Pairs a block of s records yields with the sorted-neighbourhood window w: all pairs while s - 1 <= w,
    else each record with its next w records, s * w - w * (w + 1) / 2. -#}
{%- set window_pairs -%}
    case
        when block_size - 1 <= {{ window }} then block_size * (block_size - 1) / 2
        else block_size * {{ window }} - {{ (window * (window + 1)) // 2 }}
    end
{%- endset %}

with

person_records as {{ cdp_not_materialized() }} (
    select * from {{ ref('int_person_records') }}
),

candidate_pairs as (
    select * from {{ ref('int_fs_candidate_pairs') }}
),

{% for rule in rules %}
    block_sizes_{{ loop.index }} as (
        select
            block_key,
            count(*) as block_size
        from (
            select {{ cdp_fs_block_key(rule) }} as block_key
            from person_records
            where
                {{ cdp_fs_block_filter(rule) }}
        ) as block_keys
        group by block_key
    ),

    rule_stats_{{ loop.index }} as (
        select
            {{ loop.index }} as blocking_rule_index,
            '{{ rule | join(", ") | replace("'", "") }}' as blocking_rule,
            count(*) as block_count,
            coalesce(sum(case when block_size > {{ cap }} then 1 else 0 end), 0) as skipped_block_count,
            coalesce(sum(case when block_size > {{ cap }} then block_size else 0 end), 0) as skipped_record_count,
            coalesce(sum(case when block_size > {{ cap }} then block_size * (block_size - 1) / 2 else 0 end), 0)
                as skipped_pair_count,
            coalesce(sum(case when block_size <= {{ cap }} then {{ window_pairs }} else 0 end), 0)
                as generated_pair_count,
            coalesce(
                sum(
                    case
                        when block_size <= {{ cap }}
                            then block_size * (block_size - 1) / 2 - {{ window_pairs }}
                        else 0
                    end
                ),
                0
            ) as windowed_out_pair_count,
            max(block_size) as max_block_size
        from block_sizes_{{ loop.index }}
    ),

{% endfor %}
rule_stats as (
    {% for rule in rules %}
        select * from rule_stats_{{ loop.index }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

first_rule_pairs as (
    select
        blocking_rule_index,
        count(*) as new_pair_count
    from candidate_pairs
    group by blocking_rule_index
),

final as (
    select
        rule_stats.blocking_rule_index,
        rule_stats.blocking_rule,
        rule_stats.block_count,
        rule_stats.max_block_size,
        rule_stats.skipped_block_count,
        rule_stats.skipped_record_count,
        rule_stats.skipped_pair_count,
        rule_stats.generated_pair_count,
        rule_stats.windowed_out_pair_count,
        coalesce(first_rule_pairs.new_pair_count, 0) as new_pair_count
    from rule_stats
    left join first_rule_pairs
        on rule_stats.blocking_rule_index = first_rule_pairs.blocking_rule_index
)

select * from final
