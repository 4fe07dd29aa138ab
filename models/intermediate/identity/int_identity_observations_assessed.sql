{#- Every observation judged usable for merging or not, with the reason, in this order: unknown_type (no rule in
    var('cdp__identity_rules')), blocklisted (seed identity_blocklist), source_not_allowed (the type's `sources`
    allow-list), never_link (an identifier two never-link records share is not used for those two records),
    over_limit (the value was observed on the same records as more than `limit` distinct values of some stronger
    type: a shared value). The record's strongest usable identifier is its anchor.
    Incremental by record on DuckDB (macros/identity/cdp_identity_incremental.sql): a run judges again the
    records loaded since its newest load (minus the lookback) and both records of every never-link pair, and
    judges again every value those records hold or held (its over_limit verdict may change) from every record
    holding it; every other value keeps its verdict. It rewrites the records judged again and every record
    holding a value whose verdict changed; every other record keeps its rows. A change to the rules, the
    blocklist or the never-link pairs judges everything again. The records a run rewrites go to a change log
    that int_identity_record_anchors reads, and the values it judges again (the only nodes whose survivorship
    inputs it can change) to the input log int_identity_components reads. -#}
{#- The regex entries are read from the seed when the model runs and inlined as constant patterns: a pattern
    held in a column is recompiled for every row on DuckDB, far too slow on millions of values.
    load_relation: a linter or `compile` against an empty warehouse has no seed to read (then no regex rows). -#}
{%- set regex_predicates = [] -%}
{%- if execute and load_relation(ref('identity_blocklist')) is not none -%}
    {%- set regex_query -%}
        select identifier_type, value from {{ ref('identity_blocklist') }} where match_type = 'regex' order by 1, 2
    {%- endset -%}
    {%- for row in run_query(regex_query).rows -%}
        {%- set type_condition = '' if row[0] == '*' else "identifier_type = '" ~ row[0] ~ "' and " -%}
        {%- do regex_predicates.append(
            '(' ~ type_condition ~ cdp_regexp_matches('identifier_value', row[1] | replace("'", "''")) ~ ')') -%}
    {%- endfor -%}
{%- endif -%}
{{ cdp_identity_incremental_config(
    pre_hook=[
        '{{ cdp_identity_reset_on_config_change(cdp_identity_rules_config_sql()) }}',
        '{{ cdp_identity_assessment_touched() }}',
    ],
    post_hook=[
        '{{ cdp_identity_snapshot_config(cdp_identity_rules_config_sql()) }}',
        '{{ cdp_identity_assessment_touched(drop=true) }}',
    ],
    log_changes=true,
    input_nodes={'work_table': 'touched_values', 'node_key': "identifier_type || ':' || identifier_value"}) }}
with

blocklist as (

    select * from {{ ref('identity_blocklist') }}

),

never_link as (

    select * from {{ ref('identity_never_link') }}

),

all_observations as {{ cdp_not_materialized() }} (

    select * from {{ ref('int_identity_observations') }}

),

{% if is_incremental() -%}
{#- The records judged again and the values they hold or held: work tables the pre-hook writes
    (cdp_identity_assessment_touched, which says why) and the post-hook drops. -#}
touched_records as (

    select
        source_table,
        record_id
    from {{ cdp_work_relation(this.identifier, 'touched_records') }}

),

rejudged_records as (

    select record_key from {{ cdp_work_relation(this.identifier, 'rejudged_records') }}

),

touched_values as (

    select
        identifier_type,
        identifier_value
    from {{ cdp_work_relation(this.identifier, 'touched_values') }}

),

{#- Every record holding a touched value is read, to judge the touched values again; of those, the records that
    are judged again or hold a value whose verdict changed are rewritten whole (their anchor may change). -#}
records_read as (

    select distinct all_observations.record_key
    from all_observations
    inner join touched_values
        on
            all_observations.identifier_type = touched_values.identifier_type
            and all_observations.identifier_value = touched_values.identifier_value

),

{#- The values that were over the limit, and whether they are touched. An untouched value holds the same records
    as before: it keeps its verdict. A touched value's verdict is judged again, and compared with this one: a
    row of a value shows over_limit unless a check before it rejected the row, and those checks do not depend on
    other records (a change to their config judges everything again). -#}
previous_over_limit_values as (

    select distinct
        previous.identifier_type,
        previous.identifier_value,
        touched_values.identifier_value is not null as is_touched
    from {{ this }} as previous
    left join touched_values
        on
            previous.identifier_type = touched_values.identifier_type
            and previous.identifier_value = touched_values.identifier_value
    where previous.rejected_reason = 'over_limit'

),

{% endif -%}
observations as (

    select all_observations.*
    from all_observations
    {%- if is_incremental() %}
    inner join records_read
        on all_observations.record_key = records_read.record_key
    {%- endif %}

),

identifier_rules as (
    {{ cdp_identity_rules_sql() }}
),

identifier_rule_sources as (
    {{ cdp_identity_rule_sources_sql() }}
),

types_with_source_allow_list as (

    select distinct identifier_type
    from identifier_rule_sources

),

distinct_values as (

    select distinct
        identifier_type,
        identifier_value
    from observations

),

blocked_exact as (

    select
        distinct_values.identifier_type,
        distinct_values.identifier_value
    from distinct_values
    inner join blocklist
        on distinct_values.identifier_value = blocklist.value
    where
        blocklist.match_type = 'exact'
        and blocklist.identifier_type in (distinct_values.identifier_type, '*')

),

blocked_regex as (

    select
        identifier_type,
        identifier_value
    from distinct_values
    where {{ regex_predicates | join('\n        or ') if regex_predicates else '1 = 0' }}

),

blocked_values as (

    select
        identifier_type,
        identifier_value
    from blocked_exact
    union
    select
        identifier_type,
        identifier_value
    from blocked_regex

),

never_link_directed as (

    select
        record_key_l as record_key,
        record_key_r as other_record_key
    from never_link
    union
    select
        record_key_r as record_key,
        record_key_l as other_record_key
    from never_link

),

never_link_shared_identifiers as (

    select distinct
        this_record.record_key,
        this_record.identifier_type,
        this_record.identifier_value
    from never_link_directed
    inner join observations as this_record
        on never_link_directed.record_key = this_record.record_key
    inner join observations as other_record
        on
            never_link_directed.other_record_key = other_record.record_key
            and this_record.identifier_type = other_record.identifier_type
            and this_record.identifier_value = other_record.identifier_value

),

observations_prechecked as (

    select
        observations.record_key,
        observations.source_table,
        observations.record_id,
        observations.identifier_type,
        observations.identifier_value,
        observations.observed_at,
        observations.loaded_at,
        identifier_rules.type_priority,
        identifier_rules.shared_limit,
        case
            when identifier_rules.identifier_type is null then 'unknown_type'
            when blocked_values.identifier_value is not null then 'blocklisted'
            when
                types_with_source_allow_list.identifier_type is not null
                and identifier_rule_sources.source_table is null
                then 'source_not_allowed'
            when never_link_shared_identifiers.record_key is not null then 'never_link'
        end as precheck_reason
    from observations
    left join identifier_rules
        on observations.identifier_type = identifier_rules.identifier_type
    left join blocked_values
        on
            observations.identifier_type = blocked_values.identifier_type
            and observations.identifier_value = blocked_values.identifier_value
    left join types_with_source_allow_list
        on observations.identifier_type = types_with_source_allow_list.identifier_type
    left join identifier_rule_sources
        on
            observations.identifier_type = identifier_rule_sources.identifier_type
            and observations.source_table = identifier_rule_sources.source_table
    left join never_link_shared_identifiers
        on
            observations.record_key = never_link_shared_identifiers.record_key
            and observations.identifier_type = never_link_shared_identifiers.identifier_type
            and observations.identifier_value = never_link_shared_identifiers.identifier_value

),

clean_observations as (

    select distinct
        record_key,
        identifier_type,
        identifier_value,
        type_priority,
        shared_limit
    from observations_prechecked
    where precheck_reason is null

),
{%- if is_incremental() %}

{#- Only the touched values are judged again. -#}
clean_touched_observations as (

    select clean_observations.*
    from clean_observations
    inner join touched_values
        on
            clean_observations.identifier_type = touched_values.identifier_type
            and clean_observations.identifier_value = touched_values.identifier_value

),
{%- endif %}

co_observed_stronger_values as (

    select distinct
        weaker.identifier_type,
        weaker.identifier_value,
        weaker.shared_limit,
        stronger.identifier_type as stronger_identifier_type,
        stronger.identifier_value as stronger_identifier_value
    from {{ 'clean_touched_observations' if is_incremental() else 'clean_observations' }} as weaker
    inner join clean_observations as stronger
        on
            weaker.record_key = stronger.record_key
            and weaker.type_priority > stronger.type_priority
    where weaker.shared_limit is not null

),

judged_over_limit_values as (

    -- the values this run judges over the limit (in an incremental run: of the touched values)
    select distinct
        identifier_type,
        identifier_value
    from (
        select
            identifier_type,
            identifier_value,
            stronger_identifier_type,
            max(shared_limit) as shared_limit,
            count(*) as stronger_value_count
        from co_observed_stronger_values
        group by
            identifier_type,
            identifier_value,
            stronger_identifier_type
    ) as stronger_value_counts
    where stronger_value_count > shared_limit

),

over_limit_values as (

    select
        identifier_type,
        identifier_value
    from judged_over_limit_values
    {%- if is_incremental() %}
    union
    select
        identifier_type,
        identifier_value
    from previous_over_limit_values
    where not is_touched
    {%- endif %}

),
{%- if is_incremental() %}

verdict_changed_values as (

    (
        select
            identifier_type,
            identifier_value
        from judged_over_limit_values
        except
        select
            identifier_type,
            identifier_value
        from previous_over_limit_values
        where is_touched
    )
    union all
    (
        select
            identifier_type,
            identifier_value
        from previous_over_limit_values
        where is_touched
        except
        select
            identifier_type,
            identifier_value
        from judged_over_limit_values
    )

),

{#- The records this run writes: those judged again, and those holding a value whose verdict changed. Every
    other record read here holds the same values with the same verdicts, so its rows would come out the same. -#}
written_records as (

    select record_key from rejudged_records
    union
    select observations.record_key
    from observations
    inner join verdict_changed_values
        on
            observations.identifier_type = verdict_changed_values.identifier_type
            and observations.identifier_value = verdict_changed_values.identifier_value

),

observations_written as (

    select observations_prechecked.*
    from observations_prechecked
    inner join written_records
        on observations_prechecked.record_key = written_records.record_key

),
{%- endif %}

observations_assessed as (

    select
        observations_prechecked.record_key,
        observations_prechecked.source_table,
        observations_prechecked.record_id,
        observations_prechecked.identifier_type,
        observations_prechecked.identifier_value,
        observations_prechecked.identifier_type || ':' || observations_prechecked.identifier_value as node_key,
        observations_prechecked.type_priority,
        observations_prechecked.observed_at,
        observations_prechecked.loaded_at,
        coalesce(
            observations_prechecked.precheck_reason,
            case when over_limit_values.identifier_value is not null then 'over_limit' end
        ) as rejected_reason
    from {{ 'observations_written' if is_incremental() else 'observations_prechecked' }} as observations_prechecked
    left join over_limit_values
        on
            observations_prechecked.identifier_type = over_limit_values.identifier_type
            and observations_prechecked.identifier_value = over_limit_values.identifier_value

),

final as (

    select
        record_key,
        source_table,
        record_id,
        identifier_type,
        identifier_value,
        node_key,
        type_priority,
        observed_at,
        loaded_at,
        rejected_reason,
        rejected_reason is null as is_usable,
        rejected_reason is null
        and row_number() over (
            partition by record_key, rejected_reason is null
            order by type_priority, identifier_value, observed_at
        ) = 1 as is_anchor,
        {{ cdp_run_stamp() }} as written_at
    from observations_assessed

)

select * from final
{%- if is_incremental() %}
union all
{{ cdp_identity_tombstones('touched_records') }}
{%- endif %}
