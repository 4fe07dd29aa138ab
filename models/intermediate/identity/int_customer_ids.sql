{#- record_key -> customer_id for every record that resolved to a node of the identity graph (person records
    always; event records when they carry a usable identifier).
    Incremental by record on DuckDB: a run rewrites the records int_identity_record_anchors rewrote (its change
    log) and the records of the nodes whose customer changed (int_identity_components' node change log); every
    other record keeps its row. Without either log its pre-hook empties it and it writes every record. It keeps
    the customer change feed that the customer-grain marts read (cdp_customer_changes). A table on Spark.
    Stored by source_table on DuckDB (cdp_storage_order): most of its readers want one or a few source tables,
    and a filter on it then skips the other row groups. -#}
{%- set change_logs = [
    cdp_identity_change_log(ref('int_identity_record_anchors')),
    cdp_identity_node_change_log(ref('int_identity_components')),
] -%}
{%- set from_change_log = cdp_identity_change_logs_readable(change_logs) -%}
{{ cdp_identity_incremental_config(
    pre_hook=["{{ cdp_identity_empty_without_change_logs([
        cdp_identity_change_log(ref('int_identity_record_anchors')),
        cdp_identity_node_change_log(ref('int_identity_components'))]) }}"],
    post_hook=["{{ cdp_identity_consume_change_logs([
        cdp_identity_change_log(ref('int_identity_record_anchors')),
        cdp_identity_node_change_log(ref('int_identity_components'))]) }}"],
    tombstone_column='customer_id',
    log_customer_changes=true) }}
with

record_anchors as {{ cdp_not_materialized() }} (

    select * from {{ ref('int_identity_record_anchors') }}

),

identity_components as (

    select * from {{ ref('int_identity_components') }}

),

{% if from_change_log -%}
changed_records as (

    select record_key from {{ change_logs[0] }}
    union
    select record_anchors.record_key
    from record_anchors
    inner join {{ change_logs[1] }} as changed_nodes
        on record_anchors.anchor_node_key = changed_nodes.node_key

),

{#- The changed records first: as a WHERE ... IN filter, DuckDB would join every record with its node before
    keeping the few changed ones. -#}
changed_record_anchors as (

    select record_anchors.*
    from changed_records
    inner join record_anchors
        on changed_records.record_key = record_anchors.record_key

),

{% endif -%}
final as (

    select
        record_anchors.record_key,
        identity_components.customer_id,
        record_anchors.source_table,
        record_anchors.record_id,
        record_anchors.anchor_node_key,
        record_anchors.anchor_identifier_type,
        identity_components.survivor_node_key,
        record_anchors.is_record_node,
        record_anchors.observed_at,
        {{ cdp_run_stamp() }} as written_at
    from {{ 'changed_record_anchors' if from_change_log else 'record_anchors' }} as record_anchors
    inner join identity_components
        on record_anchors.anchor_node_key = identity_components.node_key

)

select * from final
{%- if from_change_log %}
union all
{{ cdp_identity_tombstones('changed_records', from_record_key=true) }}
{%- endif %}
{#- stored by source table: most readers want one or a few (cdp_storage_order) #}
{{ cdp_storage_order(['source_table']) }}
