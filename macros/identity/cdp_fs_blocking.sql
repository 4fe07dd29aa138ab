{#- The block key of a blocking rule (a list of SQL expressions): the expressions cast to string and joined
    with '||', one per line. -#}
{% macro cdp_fs_block_key(rule) -%}
    concat_ws(
        '||'{% for expr in rule %},
        cast({{ expr }} as string){% endfor %}
    )
{%- endmacro %}


{#- True when none of a blocking rule's expressions is NULL (records missing one are in no block). -#}
{% macro cdp_fs_block_filter(rule) -%}
    {%- for expr in rule %}
        {% if not loop.first %}and {% endif %}{{ expr }} is not null
    {%- endfor %}
{%- endmacro %}


{#- The order of records inside a block for the sorted-neighbourhood window: the fields of
    var('cdp__block_sort_expressions'), missing values last, so records of one person (same date of birth,
    postcode, e-mail) sit next to each other in a block of many people with the same name. -#}
{% macro cdp_fs_block_sort_key() -%}
    {%- for expr in cdp_fs_setting('cdp__block_sort_expressions') -%}
        case when {{ expr }} is null then 1 else 0 end, {{ expr }}{% if not loop.last %}, {% endif %}
    {%- endfor -%}
{%- endmacro %}


{#- Two CTEs, each followed by a comma: `<name>` holds the sorted-neighbourhood pairs of blocking rule number
    `rule_index` (`rule`: its expressions) among the records of `members` (a CTE with the columns of
    int_person_records and block_key, holding every record of each block it holds), `<name>_positions` the
    records' places in their blocks. Inside a block, records go in cdp_fs_block_sort_key() order and each is
    paired with its next var('cdp__block_window') records (the caller's CTE `window_offsets`, one offset_value
    per row, 1 to the window); blocks of more than var('cdp__max_block_size') records yield nothing. Columns of
    `<name>`: record_key_l < record_key_r, blocking_rule_index, blocking_rule. -#}
{% macro cdp_fs_block_pairs_ctes(name, members, rule_index, rule) -%}
    {{ name }}_positions as (
        select
            record_key,
            block_key,
            row_number() over (
                partition by block_key
                order by {{ cdp_fs_block_sort_key() }}, record_key
            ) as block_position,
            count(*) over (partition by block_key) as block_size
        from {{ members }}
    ),

    {{ name }} as (
        select
            least(block_l.record_key, block_r.record_key) as record_key_l,
            greatest(block_l.record_key, block_r.record_key) as record_key_r,
            {{ rule_index }} as blocking_rule_index,
            '{{ rule | join(", ") | replace("'", "") }}' as blocking_rule
        from {{ name }}_positions as block_l
        cross join window_offsets
        inner join {{ name }}_positions as block_r
            on
                block_l.block_key = block_r.block_key
                and block_l.block_position + window_offsets.offset_value = block_r.block_position
        where block_l.block_size <= {{ cdp_fs_setting('cdp__max_block_size') }}
    ),
{%- endmacro %}

{#- Post-hook of int_fs_candidate_pairs: bring its record-to-block table (`<model>__block_members`:
    blocking_rule_index, block_key, record_key for every rule and record in a block) up to date: rewrite the
    rows of the records in `change_log` (int_person_records' change log) in an incremental run where both exist,
    else rebuild it from every person record. -#}
{% macro cdp_fs_update_block_members(person_records, change_log) -%}
    {%- set block_members = cdp_work_relation(this.identifier, 'block_members') -%}
    {%- set rules = cdp_fs_setting('cdp__blocking_rules') -%}
    {%- set from_change_log = execute and is_incremental() and load_relation(block_members) is not none
        and load_relation(change_log) is not none -%}
    {%- set members_sql -%}
        {%- for rule in rules %}
        select
            {{ loop.index }} as blocking_rule_index,
            {{ cdp_fs_block_key(rule) }} as block_key,
            record_key
        from {{ person_records }}
        where
            {{ cdp_fs_block_filter(rule) }}
            {%- if from_change_log %}
            and record_key in (select record_key from {{ change_log }})
            {%- endif %}
            {%- if not loop.last %}
        union all
            {%- endif %}
        {%- endfor %}
    {%- endset -%}
    {%- if from_change_log %}
    delete from {{ block_members }} where record_key in (select record_key from {{ change_log }});
    insert into {{ block_members }} (blocking_rule_index, block_key, record_key)
    {{ members_sql }}
    {%- elif execute -%}
        {%- do cdp_replace_work_table(block_members, members_sql) -%}
    {%- endif -%}
{%- endmacro %}

{#- Post-hook of int_fs_candidate_pairs: pass the records of int_person_records' change log (`change_log`) on
    to its own (cdp_identity_change_log(this)), which int_fs_pair_comparisons reads: their pairs must be
    compared again even when they stay candidates. With them go both records of every pair the run drops (its
    tombstones, which the next post-hook deletes), so that the comparisons look for the pairs gone among the
    pairs of the logged records only. Nothing while its own log does not exist, nor in a full build (which
    drops it). -#}
{% macro cdp_fs_pass_on_changed_records(change_log) -%}
    {%- set own_log = cdp_identity_change_log(this) -%}
    {%- if execute and is_incremental() and load_relation(own_log) is not none
        and load_relation(change_log) is not none %}
    insert into {{ own_log }} (record_key)
    select record_key from {{ change_log }}
    union
    select record_key_l from {{ this }} where blocking_rule is null
    union
    select record_key_r from {{ this }} where blocking_rule is null
    {%- endif -%}
{%- endmacro %}

{#- The configuration int_fs_candidate_pairs is derived under (cdp_identity_config_changed): a fingerprint of
    every blocking rule as rendered (block key and filter), the sort key, the window and the largest block. -#}
{% macro cdp_fs_blocking_config_sql() -%}
    {%- set parts = [] -%}
    {%- for rule in cdp_fs_setting('cdp__blocking_rules') -%}
        {%- do parts.append(cdp_fs_block_key(rule) ~ ' where ' ~ cdp_fs_block_filter(rule)) -%}
    {%- endfor -%}
    {%- do parts.append(cdp_fs_block_sort_key()) -%}
    {%- do parts.append('window ' ~ cdp_fs_setting('cdp__block_window')) -%}
    {%- do parts.append('max block ' ~ cdp_fs_setting('cdp__max_block_size')) -%}
    {{ return(cdp_identity_fingerprint_sql('blocking', parts | join('\n'))) }}
{%- endmacro %}
