{#- One row per record that takes part in the identity graph, with the graph node that stands for it: its anchor
    (strongest usable identifier) or, for a person-describing record with no usable identifier, a node of its own
    `record:<record_key>` so probabilistic links can still attach it. Event records without a usable identifier
    resolve to nobody and are left out.
    Incremental by record on DuckDB: a run rewrites the records int_identity_observations_assessed rewrote since
    this model's last build (its change log, cdp_identity_change_log), the person records that are new or
    changed, and the record nodes whose person record is gone; every other record keeps its row. Without a
    change log (the assessment was built whole) its pre-hook empties it and it writes every record. It keeps a
    change log of its own, which int_customer_ids reads. -#}
{%- set change_log = cdp_identity_change_log(ref('int_identity_observations_assessed')) -%}
{%- set from_change_log = cdp_identity_change_logs_readable([change_log]) -%}
{{ cdp_identity_incremental_config(
    pre_hook=["{{ cdp_identity_empty_without_change_logs(
        [cdp_identity_change_log(ref('int_identity_observations_assessed'))]) }}"],
    post_hook=["{{ cdp_identity_consume_change_logs(
        [cdp_identity_change_log(ref('int_identity_observations_assessed'))]) }}"],
    tombstone_column='anchor_node_key',
    log_changes=true,
    input_nodes={'anchor_condition': 'is_record_node'}) }}
with

all_person_records as (

    select * from {{ ref('int_identity_records') }}

),

{% if from_change_log -%}
logged_records as (

    select record_key from {{ change_log }}

),

changed_records as (

    select record_key from logged_records
    union
    select all_person_records.record_key
    from all_person_records
    left join {{ this }} as previous
        on
            all_person_records.record_key = previous.record_key
            and all_person_records.observed_at is not distinct from previous.observed_at
    where previous.record_key is null
    union
    select previous.record_key
    from {{ this }} as previous
    left join all_person_records
        on previous.record_key = all_person_records.record_key
    where
        previous.is_record_node
        and all_person_records.record_key is null

),

{% endif -%}
{#- The assessment rewrote the logged records after this model last read its log: in a later run than this
    model's last build, whose stamp (written_at) is therefore newer. Finding them among those few rows first
    spares a lookup of every observation by record key. A changed record the log does not list is looked up
    in the other rows. -#}
{%- set last_build_stamp = cdp_last_run_stamp(this) %}
observations_assessed as (

    select * from {{ ref('int_identity_observations_assessed') }}
    {%- if from_change_log %}
    where
        written_at > {{ last_build_stamp }}
        and record_key in (select record_key from changed_records)
    union all
    select * from {{ ref('int_identity_observations_assessed') }}
    where
        written_at <= {{ last_build_stamp }}
        and record_key in (
            select record_key from changed_records
            except
            select record_key from logged_records
        )
    {%- endif %}

),

person_records as (

    select * from all_person_records
    {%- if from_change_log %}
    where record_key in (select record_key from changed_records)
    {%- endif %}

),

observed_records as (

    {#- one pass over the observations: a record has one source table, record id and observed_at, and at most
        one anchor row (int_identity_observations_assessed ranks them) -#}
    select
        record_key,
        min(source_table) as source_table,
        min(record_id) as record_id,
        min(observed_at) as observed_at,
        max(case when is_anchor then node_key end) as anchor_node_key,
        max(case when is_anchor then identifier_type end) as anchor_identifier_type,
        max(case when is_anchor then identifier_value end) as anchor_identifier_value,
        max(case when is_anchor then type_priority end) as anchor_type_priority
    from observations_assessed
    group by record_key

),

records as (

    select
        coalesce(person_records.record_key, observed_records.record_key) as record_key,
        coalesce(person_records.source_table, observed_records.source_table) as source_table,
        coalesce(person_records.record_id, observed_records.record_id) as record_id,
        coalesce(person_records.observed_at, observed_records.observed_at) as observed_at,
        observed_records.anchor_node_key,
        observed_records.anchor_identifier_type,
        observed_records.anchor_identifier_value,
        observed_records.anchor_type_priority,
        person_records.record_key is not null as is_person_record
    from person_records
    full outer join observed_records
        on person_records.record_key = observed_records.record_key

),

final as (

    select
        record_key,
        source_table,
        record_id,
        coalesce(anchor_node_key, 'record:' || record_key) as anchor_node_key,
        coalesce(anchor_identifier_type, 'record') as anchor_identifier_type,
        coalesce(anchor_identifier_value, record_key) as anchor_identifier_value,
        coalesce(anchor_type_priority, 1000) as anchor_type_priority,
        anchor_node_key is null as is_record_node,
        observed_at,
        {{ cdp_run_stamp() }} as written_at
    from records
    where
        anchor_node_key is not null
        or is_person_record

)

select * from final
{%- if from_change_log %}
union all
{{ cdp_identity_tombstones('changed_records', from_record_key=true) }}
{%- endif %}
