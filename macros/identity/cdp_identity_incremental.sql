{#- The head of the identity stage (int_identity_observations, int_identity_observations_assessed) is
    incremental by record on DuckDB: a run rewrites only the records loaded since the previous build (minus the
    lookback; cdp_identity_touched_records), and leaves every other row as it was. A record that lost its last
    observation is removed through a tombstone row (identifier_type NULL) that the model's post-hook deletes.
    Spark builds these models whole: plain Parquet tables cannot delete rows, and one partition per record
    would be absurd. -#}

{#- The sources of the identity graph: for each source table (the `source_table` of int_identity_observations
    and the prefix of its record keys), the staged model it is observed in, that model's base model and the
    record key the base model declares (cdp_delivery_spec). A list of dicts with keys source_table,
    staged_model, base_relation, key. -#}
{% macro cdp_identity_sources() -%}
    {%- set staged_models = {
        'crm_contacts': 'stg_crm__contacts',
        'shop_accounts': 'stg_shop__accounts',
        'shop_orders': 'stg_shop__orders',
        'shop_order_lines': 'stg_shop__order_lines',
        'shop_carts': 'stg_shop__carts',
        'shop_reviews': 'stg_shop__reviews',
        'support_tickets': 'stg_support__tickets',
        'surveys_responses': 'stg_surveys__responses',
        'privacy_consent_events': 'stg_privacy__consent_events',
        'privacy_erasure_requests': 'stg_privacy__erasure_requests',
        'web_events': 'stg_web__events',
        'app_events': 'stg_app__events',
        'esp_email_events': 'stg_esp__email_events',
        'ads_ad_events': 'stg_ads__ad_events',
        'social_engagements': 'stg_social__engagements',
        'billing_subscription_events': 'stg_billing__subscription_events',
    } -%}
    {%- set sources = [] -%}
    {%- for source_table, staged_model in staged_models.items() -%}
        {%- set base_relation = ref('base_' ~ staged_model[4:]) -%}
        {%- do sources.append({
            'source_table': source_table,
            'staged_model': staged_model,
            'base_relation': base_relation,
            'key': cdp_delivery_spec(base_relation)['key'],
        }) -%}
    {%- endfor -%}
    {{ return(sources) }}
{%- endmacro %}

{#- The config of the record-incremental identity models: incremental by `unique_key` (delete+insert, then
    the post-hook drops the tombstones, the rows whose `tombstone_column` is NULL) where the adapter can delete
    rows, a table on Spark (which runs no hook given here). Also declares the base models the incremental
    branch of the stage's head reads (cdp_identity_touched_records refs them only in an incremental run, which
    dbt's parser never sees; for the models after the head the declaration is redundant). `log_changes`: also
    keep a change log of the records each run rewrites (cdp_identity_change_log).
    `log_customer_changes`: also keep the customer change feed (cdp_customer_changes; int_customer_ids).
    `log_edge_changes`: also keep the edge change log (cdp_identity_edge_change_log; int_identity_edges).
    `unique_key`: the key rows are replaced by (default record_key; int_fs_pair_comparisons: the pair;
    int_identity_edges: edge_id).
    `input_nodes`: with log_changes, the graph nodes whose survivorship inputs a run can change, for the
    components' input change log (cdp_identity_components_input_change_log): a dict, either `work_table` (a
    suffix of cdp_work_relation) and `node_key` (SQL over its columns), read from that work table of the model,
    which lists them (int_identity_observations_assessed); or `anchor_condition` (SQL over the model's columns:
    the row's anchor is one of the node's inputs), read with the anchor logs from the rows the run deletes and
    writes (int_identity_record_anchors). -#}
{% macro cdp_identity_incremental_config(
    pre_hook=[], post_hook=[], tombstone_column='identifier_type', log_changes=false, log_customer_changes=false,
    unique_key='record_key', log_edge_changes=false, input_nodes=none) -%}
    {%- for source in cdp_identity_sources() %}
-- depends_on: {{ source.base_relation }}
    {%- endfor %}
    {{ adapter.dispatch('cdp_identity_incremental_config', 'cdp')(
        pre_hook, post_hook, tombstone_column, log_changes, log_customer_changes, unique_key, log_edge_changes,
        input_nodes) }}
{%- endmacro %}

{% macro default__cdp_identity_incremental_config(
    pre_hook, post_hook, tombstone_column, log_changes, log_customer_changes, unique_key, log_edge_changes,
    input_nodes) -%}
    {%- if log_customer_changes -%}
        {%- set strategy = 'cdp_delete_insert_customer_changes' -%}
    {%- elif log_edge_changes -%}
        {%- set strategy = 'cdp_delete_insert_edge_changes' -%}
    {%- elif log_changes -%}
        {%- set strategy = 'cdp_delete_insert_logged' -%}
    {%- else -%}
        {%- set strategy = 'delete+insert' -%}
    {%- endif -%}
    {{ config(
        materialized='incremental',
        incremental_strategy=strategy,
        unique_key=unique_key,
        on_schema_change='fail',
        pre_hook=pre_hook + (['{{ cdp_identity_drop_change_log_on_full_build() }}']
            if log_changes or log_edge_changes else []),
        post_hook=post_hook + ['delete from {{ this }} where ' ~ tombstone_column ~ ' is null']
            + (['{{ cdp_customer_changes_restart() }}'] if log_customer_changes else []),
        cdp_input_nodes=input_nodes,
    ) }}
{%- endmacro %}

{% macro spark__cdp_identity_incremental_config(
    pre_hook, post_hook, tombstone_column, log_changes, log_customer_changes, unique_key, log_edge_changes,
    input_nodes) -%}
    {{ config(materialized='table') }}
{%- endmacro %}

{#- The change log of a record-incremental identity model `relation` (`<model>__changed_records`, one column
    record_key): the records its incremental runs rewrote (tombstones included) since its consumer last read
    the log. The consumer creates the log when it has caught up (cdp_identity_consume_change_log); the model
    writes to it only while it exists, and drops it when it is built whole, so a missing log means "read
    everything". -#}
{% macro cdp_identity_change_log(relation) -%}
    {{ return(cdp_work_relation(relation.identifier, 'changed_records', relation)) }}
{%- endmacro %}

{#- Incremental strategy `cdp_delete_insert_logged`: delete+insert by the unique key, then append the run's
    record keys to the model's change log, if the log exists (in the same transaction). Before that, if the
    model keeps anchor change logs (int_identity_record_anchors), append to each that exists the anchors of the
    records the run replaces: to cdp_identity_anchor_change_log the ones they had and the ones they get, to
    cdp_identity_components_anchor_change_log only those of the records whose anchor changes (a new record, a
    record that leaves through a tombstone, or one anchored elsewhere). And if the model declares `input_nodes`
    (cdp_identity_incremental_config) and its components input log exists
    (cdp_identity_components_input_change_log), append to it the input nodes: with `anchor_condition`, from the
    same batch, the anchors (before and after) of the rows meeting it; with `work_table`, those the work table
    lists. -#}
{% macro get_incremental_cdp_delete_insert_logged_sql(arg_dict) -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set change_log = cdp_identity_change_log(target) -%}
    {%- set input_nodes = config.get('cdp_input_nodes') or {} -%}
    {%- set input_condition = input_nodes.get('anchor_condition', 'false') -%}
    {%- set anchor_changes_sql -%}
with batch as (
    {#- a rewritten record's batch rows: a tombstone (anchor NULL), and its new row unless it is gone -#}
    select
        record_key,
        max(anchor_node_key) as anchor_node_key,
        max(case when {{ input_condition }} then 1 else 0 end) as is_input
    from {{ arg_dict['temp_relation'] }}
    group by record_key
),
{#- the rows replaced, found by a semi-join that hashes the few batch keys, not the whole target -#}
previous as (
    select
        record_key,
        anchor_node_key,
        case when {{ input_condition }} then 1 else 0 end as is_input
    from {{ target }}
    where record_key in (select record_key from batch)
),
rewritten as (
    select
        batch.anchor_node_key,
        batch.is_input,
        previous.anchor_node_key as previous_anchor_node_key,
        previous.is_input as previous_is_input,
        batch.anchor_node_key is distinct from previous.anchor_node_key as is_anchor_change
    from batch
    left join previous
        on batch.record_key = previous.record_key
)
select anchor_node_key as node_key, is_anchor_change, is_input = 1 as is_input
from rewritten where anchor_node_key is not null
union all
select previous_anchor_node_key, is_anchor_change, previous_is_input = 1
from rewritten where previous_anchor_node_key is not null
    {%- endset -%}
    {%- set anchor_log_filters = [
        [cdp_identity_anchor_change_log(target), 'true'],
        [cdp_identity_components_anchor_change_log(target), 'is_anchor_change']] -%}
    {%- if input_nodes.anchor_condition -%}
        {%- do anchor_log_filters.append([cdp_identity_components_input_change_log(target), 'is_input']) -%}
    {%- endif -%}
    {{ cdp_identity_append_change_logs(target, anchor_changes_sql, anchor_log_filters) }}
    {%- if input_nodes.work_table %}
        {%- set input_changes_sql -%}
select {{ input_nodes.node_key }} as node_key
from {{ cdp_work_relation(target.identifier, input_nodes.work_table, target) }}
        {%- endset %}
    {{ cdp_identity_append_change_logs(target, input_changes_sql, [
        [cdp_identity_components_input_change_log(target), 'true']]) }}
    {%- endif %}
    {{ get_incremental_delete_insert_sql(arg_dict) }}
    {%- if load_relation(change_log) is not none %};

insert into {{ change_log }} (record_key)
select distinct record_key from {{ arg_dict['temp_relation'] }}
    {%- endif %}
{%- endmacro %}

{#- SQL appending a run's changes to the change logs of `target_relation` (a strategy's, before its
    delete+insert): `changes_sql` is a query of node_key and flag columns, computed once into a work table
    (`<target>__log_batch`) when a log exists; each of `log_filters` ([log relation, condition over the flags])
    whose log exists receives the distinct node keys meeting its condition. Nothing when no log exists. -#}
{% macro cdp_identity_append_change_logs(target_relation, changes_sql, log_filters) -%}
    {%- set existing = [] -%}
    {%- for log_filter in log_filters if load_relation(log_filter[0]) is not none -%}
        {%- do existing.append(log_filter) -%}
    {%- endfor -%}
    {%- if existing -%}
        {%- set batch = cdp_work_relation(target_relation.identifier, 'log_batch', target_relation) %}
create or replace table {{ batch }} as
{{ changes_sql }};
        {%- for change_log, condition in existing %}
insert into {{ change_log }} (node_key)
select distinct node_key from {{ batch }} where {{ condition }};
        {%- endfor %}
drop table {{ batch }};
    {%- endif -%}
{%- endmacro %}

{#- Pre-hook of a model keeping change logs (`change_log`, default all its own: cdp_identity_drop_own_change_logs):
    a full build drops the log (its consumer must read everything). -#}
{% macro cdp_identity_drop_change_log_on_full_build(change_log=none) -%}
    {%- if execute and not is_incremental() -%}
        {%- if change_log is not none %}
            {#- the hook drops the log right after rendering: tell dbt's relation cache, which consumers read -#}
            {%- do adapter.cache_dropped(change_log) %}
    drop table if exists {{ change_log }}
        {%- else %}
    {{ cdp_identity_drop_own_change_logs() }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- SQL dropping the calling model's own change logs (record, anchor, input and edge, each consumer's; any may not exist), with dbt's
    relation cache told at once: a hook runs the SQL right after rendering, and the strategy and the consumers
    ask the cache whether a log exists. -#}
{% macro cdp_identity_drop_own_change_logs() -%}
    {%- set own_logs = [
        cdp_identity_change_log(this),
        cdp_identity_anchor_change_log(this), cdp_identity_components_anchor_change_log(this),
        cdp_identity_components_input_change_log(this),
        cdp_identity_edge_change_log(this), cdp_identity_components_edge_change_log(this)] -%}
    {%- for change_log in own_logs %}
        {%- do adapter.cache_dropped(change_log) %}
    drop table if exists {{ change_log }}{{ ';' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- The anchor change log of int_identity_record_anchors (`<model>__changed_anchors`, one column node_key): the
    anchor nodes, before and after, of the records its incremental runs rewrote since int_identity_edges last
    read the log. Every deterministic edge has the anchor of each record behind it at one end, so the edges
    that can have changed are the edges at these nodes. Same life cycle as cdp_identity_change_log: the consumer
    creates it, and a missing log means "read everything". -#}
{% macro cdp_identity_anchor_change_log(relation) -%}
    {{ return(cdp_work_relation(relation.identifier, 'changed_anchors', relation)) }}
{%- endmacro %}

{#- The anchor change log of int_identity_record_anchors for int_identity_components
    (`<model>__components_changed_anchors`, one column node_key): the anchors, before and after, of the records
    whose anchor changed (new records and records gone included) since the components last read the log. A
    graph node is an anchor or the end of a used edge, so these and the ends of changed edges are the nodes
    that can have appeared or vanished. Same life cycle as cdp_identity_change_log. -#}
{% macro cdp_identity_components_anchor_change_log(relation) -%}
    {{ return(cdp_work_relation(relation.identifier, 'components_changed_anchors', relation)) }}
{%- endmacro %}

{#- The input change log of int_identity_observations_assessed or int_identity_record_anchors for
    int_identity_components (`<model>__components_changed_inputs`, one column node_key): the graph nodes whose
    survivorship inputs (identifier, type priority, first observed_at) come from rows its incremental runs
    deleted or wrote since the components last read the log: every identifier the assessment judged again (a
    superset of the usable observations it changed), the record nodes the anchors rewrote. Every other node
    has the same inputs as in the components' previous build. Same life cycle as cdp_identity_change_log. -#}
{% macro cdp_identity_components_input_change_log(relation) -%}
    {{ return(cdp_work_relation(relation.identifier, 'components_changed_inputs', relation)) }}
{%- endmacro %}

{#- The node change log of int_identity_components (`<model>__changed_nodes`, one column node_key): the nodes
    whose customer_id or survivor changed, appeared or vanished in its runs since its consumer
    (int_customer_ids) last read the log (strategy cdp_delete_insert_node_changes). Same life cycle as
    cdp_identity_change_log: the consumer creates it, and a missing log means "read everything". -#}
{% macro cdp_identity_node_change_log(relation) -%}
    {{ return(cdp_work_relation(relation.identifier, 'changed_nodes', relation)) }}
{%- endmacro %}

{#- The same node change log of int_identity_components for its other consumer, int_identity_merge_audit
    (`<model>__audit_changed_nodes`): each consumer empties its own log when it has read it. -#}
{% macro cdp_identity_audit_node_change_log(relation) -%}
    {{ return(cdp_work_relation(relation.identifier, 'audit_changed_nodes', relation)) }}
{%- endmacro %}

{#- The edge change log of int_identity_edges (`<model>__changed_edge_nodes`, one column node_key): the ends of
    every used edge that appeared, vanished or changed (ends, match weight, example record, first observation)
    in its runs since its consumer (int_identity_merge_audit) last read the log (strategy
    cdp_delete_insert_edge_changes). Same life cycle as cdp_identity_change_log. -#}
{% macro cdp_identity_edge_change_log(relation) -%}
    {{ return(cdp_work_relation(relation.identifier, 'changed_edge_nodes', relation)) }}
{%- endmacro %}

{#- The edge change log of int_identity_edges for int_identity_components
    (`<model>__components_changed_edge_nodes`, one column node_key): the ends, before and after, of every used
    edge that appeared, vanished or moved to other ends since the components last read the log (a change of
    weight, example or first observation alone is not logged: it moves no component). Same life cycle as
    cdp_identity_change_log. -#}
{% macro cdp_identity_components_edge_change_log(relation) -%}
    {{ return(cdp_work_relation(relation.identifier, 'components_changed_edge_nodes', relation)) }}
{%- endmacro %}

{#- The change logs int_identity_components reads (cdp_connected_components_incremental): on DuckDB, its copies
    of the anchor and edge change logs (cdp_identity_components_anchor_change_log,
    cdp_identity_components_edge_change_log); on Spark, where their producers are tables that log nothing,
    none (the components compare the edges with a snapshot instead). -#}
{% macro cdp_identity_components_change_logs() -%}
    {{ return(adapter.dispatch('cdp_identity_components_change_logs', 'cdp')()) }}
{%- endmacro %}

{% macro default__cdp_identity_components_change_logs() -%}
    {{ return([
        cdp_identity_components_anchor_change_log(ref('int_identity_record_anchors')),
        cdp_identity_components_edge_change_log(ref('int_identity_edges'))]) }}
{%- endmacro %}

{% macro spark__cdp_identity_components_change_logs() -%}
    {{ return([]) }}
{%- endmacro %}

{#- The input change logs int_identity_components reads to find the nodes whose survivorship inputs can have
    changed (cdp_identity_components_input_change_log of int_identity_observations_assessed and of
    int_identity_record_anchors): on DuckDB both; on Spark, where the producers log nothing, none. -#}
{% macro cdp_identity_components_input_change_logs() -%}
    {{ return(adapter.dispatch('cdp_identity_components_input_change_logs', 'cdp')()) }}
{%- endmacro %}

{% macro default__cdp_identity_components_input_change_logs() -%}
    {{ return([
        cdp_identity_components_input_change_log(ref('int_identity_observations_assessed')),
        cdp_identity_components_input_change_log(ref('int_identity_record_anchors'))]) }}
{%- endmacro %}

{% macro spark__cdp_identity_components_input_change_logs() -%}
    {{ return([]) }}
{%- endmacro %}

{#- The key column of a change log: record_key in a record change log, node_key in an anchor, node or edge change log. -#}
{% macro cdp_identity_change_log_key(change_log) -%}
    {{ return('record_key' if change_log.identifier.endswith('__changed_records') else 'node_key') }}
{%- endmacro %}

{#- True when an incremental run of the consumer of the change logs `change_logs` can read what changed from them:
    every log exists. Otherwise (a full build, a producer built whole, or a consumer that never read the logs)
    the consumer writes every record. -#}
{% macro cdp_identity_change_logs_readable(change_logs) -%}
    {%- if not execute or not is_incremental() -%}
        {{ return(false) }}
    {%- endif -%}
    {%- for change_log in change_logs if load_relation(change_log) is none -%}
        {{ return(false) }}
    {%- endfor -%}
    {{ return(true) }}
{%- endmacro %}

{#- Pre-hook of the consumer of the change logs `change_logs` (relations, cdp_identity_change_log /
    cdp_identity_node_change_log / cdp_identity_anchor_change_log): an incremental run that misses one of them
    (its producer was built whole, or the consumer never read it) empties the consumer, which then writes every
    row: cheaper than replacing every row by key. The consumer's own change logs, if it keeps any (record,
    anchor), are dropped too, so that their consumers read everything in turn; a customer change feed it keeps
    starts over (cdp_customer_changes_restart). -#}
{% macro cdp_identity_empty_without_change_logs(change_logs) -%}
    {%- if execute and is_incremental() -%}
        {%- if not cdp_identity_change_logs_readable(change_logs) %}
    delete from {{ this }};
    {{ cdp_identity_drop_own_change_logs() }}
            {%- if load_relation(cdp_customer_changes(this)) is not none %};
    {{ cdp_customer_changes_restart(everything=true) }}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- Post-hook of the consumer of the change logs `change_logs`, once it has read them: each log is created if
    missing and emptied, so that the producers' next runs record only what the consumer has not seen. -#}
{% macro cdp_identity_consume_change_logs(change_logs) -%}
    {%- for change_log in change_logs %}
        {%- do adapter.cache_added(change_log) %}
    create table if not exists {{ change_log }} ({{ cdp_identity_change_log_key(change_log) }} {{ dbt.type_string() }});
    delete from {{ change_log }}{{ ';' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- The records (source_table, record_id) a run of a record-incremental identity model rewrites: every record
    with a delivery loaded since the newest load of its source in `relation` (the model itself) minus the
    lookback (cdp_late_loads_from), plus the records `relation` holds without a load time (the base models'
    sentinel month, and rows of var('cdp__identity_extra_observations')), which every run rewrites. A source
    with no row in `relation` rewrites all its records. Day-precise, unlike the base models' month partitions:
    the older rows of a rebuilt month are normalised again but come out the same. `only`: a list of source tables
    to limit the records to (default: every source of cdp_identity_sources()). -#}
{% macro cdp_identity_touched_records(relation, only=none) -%}
    with

    late_loads_from as (

        select
            source_table,
            {{ cdp_late_loads_from('max(loaded_at)') }} as late_loads_from
        from {{ relation }}
        group by source_table

    )
    {%- for source in cdp_identity_sources() if only is none or source.source_table in only %}

    select
        cast('{{ source.source_table }}' as {{ dbt.type_string() }}) as source_table,
        cast({{ source.key }} as {{ dbt.type_string() }}) as record_id
    from {{ source.base_relation }}
    where
        loaded_at is null
        or loaded_at >= coalesce(
            (select late_loads_from from late_loads_from where source_table = '{{ source.source_table }}'),
            cast('1900-01-01' as {{ dbt.type_timestamp() }})
        )

    union
    {%- endfor %}

    select
        source_table,
        record_id
    from {{ relation }}
    where loaded_at is null
{%- endmacro %}

{#- Pre-hook of int_identity_observations_assessed (SQL; nothing unless an incremental run): write the work tables
    its incremental run reads, from the model as it is once the earlier pre-hooks ran (a configuration change
    empties it, and then every record is touched):
    * `<model>__touched_records` (source_table, record_id): cdp_identity_touched_records, plus every record
      observed without a load time;
    * `<model>__rejudged_records` (record_key): the records judged again from their own rows, the touched ones
      and both records of every never-link pair (a change to one changes the other's never_link reasons);
    * `<model>__touched_values` (identifier_type, identifier_value): every value those records hold or held,
      whose over_limit verdict may change. The run rewrites only rows of the rejudged records and rows of these
      values, so they are also the only nodes whose survivorship inputs the run can change: the strategy copies
      them to the components' input log (`input_nodes`).
    `drop`: the post-hook's SQL instead, dropping the three. -#}
{% macro cdp_identity_assessment_touched(drop=false) -%}
    {%- set work_tables = cdp_work_relations(['touched_records', 'rejudged_records', 'touched_values']) -%}
    {%- if drop -%}
    {{ cdp_drop_work_tables_sql(work_tables.values()) }}
    {%- elif execute and is_incremental() %}
    create or replace table {{ work_tables.touched_records }} as
    {{ cdp_identity_touched_records(this) }}
    union
    select
        source_table,
        record_id
    from {{ ref('int_identity_observations') }}
    where loaded_at is null;

    create or replace table {{ work_tables.rejudged_records }} as
    select source_table || ':' || record_id as record_key
    from {{ work_tables.touched_records }}
    union
    select record_key_l as record_key
    from {{ ref('identity_never_link') }}
    union
    select record_key_r as record_key
    from {{ ref('identity_never_link') }};

    create or replace table {{ work_tables.touched_values }} as
    select
        identifier_type,
        identifier_value
    from {{ this }}
    where record_key in (select record_key from {{ work_tables.rejudged_records }})
    union
    select
        identifier_type,
        identifier_value
    from {{ ref('int_identity_observations') }}
    where record_key in (select record_key from {{ work_tables.rejudged_records }})
    {%- endif -%}
{%- endmacro %}

{#- The import CTEs of int_identity_observations: one per source table of cdp_identity_sources(), named after
    it, with the staged rows of the records in `touched_records` (a CTE of cdp_identity_touched_records) when
    `incremental`, else every staged row. `only`: a list of source tables to render CTEs for (default: all). -#}
{% macro cdp_identity_source_ctes(incremental, only=none) -%}
    {%- for source in cdp_identity_sources() if only is none or source.source_table in only %}
{{ source.source_table }} as (

    select * from {{ ref(source.staged_model) }}
        {%- if incremental %}
    where cast({{ source.key }} as {{ dbt.type_string() }}) in (
        select record_id from touched_records
        where source_table = '{{ source.source_table }}'
    )
        {%- endif %}

),
{% endfor -%}
{%- endmacro %}

{#- Tombstones for the records of `records_cte`: one row per record with every column but the key NULL, so that
    delete+insert removes the record's previous rows even when it has no row left; the model's post-hook
    deletes the tombstones. The CTE has columns (source_table, record_id), or a column record_key when
    `from_record_key`. The columns (names, types, order) are read from the model's previous build (`this`),
    which on_schema_change='fail' keeps equal to the model's own; the key columns may stand anywhere.
    `key_columns`: the key columns to fill (default record_key, source_table and record_id), so that a model can
    mark its tombstones with a NULL source_table, or keyed otherwise (a column of the CTE of the same name). -#}
{% macro cdp_identity_tombstones(records_cte, from_record_key=false, key_columns=none) -%}
    {%- set source_table = dbt.split_part(records_cte ~ '.record_key', "':'", 1) -%}
    {%- if from_record_key -%}
        {%- set keys = {
            'record_key': records_cte ~ '.record_key',
            'source_table': source_table,
            'record_id': 'substr(' ~ records_cte ~ '.record_key, length(' ~ source_table ~ ') + 2)',
        } -%}
    {%- else -%}
        {%- set keys = {
            'record_key': records_cte ~ ".source_table || ':' || " ~ records_cte ~ '.record_id',
            'source_table': records_cte ~ '.source_table',
            'record_id': records_cte ~ '.record_id',
        } -%}
    {%- endif %}
    {%- set kept_keys = {} -%}
    {%- for name in key_columns or [] -%}
        {%- do kept_keys.update({name: keys.get(name, records_cte ~ '.' ~ name)}) -%}
    {%- else -%}
        {%- do kept_keys.update(keys) -%}
    {%- endfor %}
    select
        {%- for column in adapter.get_columns_in_relation(this) %}
        {{ kept_keys.get(column.name, 'cast(null as ' ~ column.data_type ~ ')') }} as {{ column.name }}
        {{- ',' if not loop.last }}
        {%- endfor %}
    from {{ records_cte }}
{%- endmacro %}

{#- The configuration int_identity_observations_assessed judges observations by, as rows (config_kind, a, b,
    c): the identifier rules and their source allow-lists, the blocklist and the never-link pairs. -#}
{% macro cdp_identity_rules_config_sql() -%}
    select
        'rule' as config_kind,
        identifier_type as a,
        cast(type_priority as {{ dbt.type_string() }}) as b,
        cast(shared_limit as {{ dbt.type_string() }}) as c
    from ({{ cdp_identity_rules_sql() }}) as identifier_rules
    union all
    select
        'rule_source' as config_kind,
        identifier_type as a,
        source_table as b,
        cast(null as {{ dbt.type_string() }}) as c
    from ({{ cdp_identity_rule_sources_sql() }}) as rule_sources
    union all
    select
        'blocklist' as config_kind,
        identifier_type as a,
        match_type as b,
        value as c
    from {{ ref('identity_blocklist') }}
    union all
    select
        'never_link' as config_kind,
        record_key_l as a,
        record_key_r as b,
        cast(null as {{ dbt.type_string() }}) as c
    from {{ ref('identity_never_link') }}
{%- endmacro %}

{#- True when an incremental run of the calling model finds its configuration (`config_sql`: a query of rows
    config_kind, a, b, c, all strings) different from the snapshot its previous build kept
    (`<model>__config_snapshot`, cdp_identity_snapshot_config), or finds no snapshot: what it holds was derived
    under another configuration. False on a full build, and on Spark (tables). Runs a query: call it while
    executing (a model body, a hook). -#}
{% macro cdp_identity_config_changed(config_sql) -%}
    {%- if not execute or this is none or not is_incremental() -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set snapshot = cdp_work_relation(this.identifier, 'config_snapshot') -%}
    {%- if load_relation(snapshot) is none -%}
        {{ return(true) }}
    {%- endif -%}
    {%- set differences -%}
        with configured as ({{ config_sql }})
        select count(*) from (
            (select * from {{ snapshot }} except select * from configured)
            union all
            (select * from configured except select * from {{ snapshot }})
        ) as differences
    {%- endset -%}
    {{ return(cdp_scalar(differences) > 0) }}
{%- endmacro %}

{#- Pre-hook of an incremental model derived under a configuration (`config_sql`, see
    cdp_identity_config_changed): when it changed, empty the model, so that the run writes every row again, and
    drop the work tables it keeps (`work_tables`: suffixes of cdp_work_relation), so that they are rebuilt, and
    its own change logs, so that its consumers read everything as after a full build (a log records the rows a
    run rewrites, not those the emptying removed). -#}
{% macro cdp_identity_reset_on_config_change(config_sql, work_tables=[]) -%}
    {%- if cdp_identity_config_changed(config_sql) %}
        {%- for suffix in work_tables %}
            {#- dropped right after rendering: tell dbt's relation cache, which the next hooks read -#}
            {%- do adapter.cache_dropped(cdp_work_relation(this.identifier, suffix)) %}
    drop table if exists {{ cdp_work_relation(this.identifier, suffix) }};
        {%- endfor %}
    delete from {{ this }};
    {{ cdp_identity_drop_own_change_logs() }}
    {%- endif -%}
{%- endmacro %}

{#- Post-hook of a model using cdp_identity_reset_on_config_change: keep the configuration this build was derived
    under (`<model>__config_snapshot`) for the next run to compare with. -#}
{% macro cdp_identity_snapshot_config(config_sql) -%}
    {%- if execute -%}
        {%- do cdp_replace_work_table(cdp_work_relation(this.identifier, 'config_snapshot'), config_sql) -%}
    {%- endif -%}
{%- endmacro %}

{#- One configuration row (config_kind `kind`, a = md5 of `text`) for a config_sql: a fingerprint of settings or
    rendered code that has no table of its own. -#}
{% macro cdp_identity_fingerprint_sql(kind, text) -%}
    select
        '{{ kind }}' as config_kind,
        '{{ local_md5(text) }}' as a,
        cast(null as {{ dbt.type_string() }}) as b,
        cast(null as {{ dbt.type_string() }}) as c
{%- endmacro %}

{#- The config of the node-keyed identity models (int_identity_components, int_identity_merge_audit): incremental
    by `node_key` (delete+insert; the post-hook then drops the tombstones, rows whose customer_id is NULL) where
    the adapter can delete rows, a table on Spark (which runs no hook given here). `log_node_changes`: also keep
    the node change log (cdp_identity_node_change_log; strategy cdp_delete_insert_node_changes). -#}
{% macro cdp_identity_node_incremental_config(pre_hook=[], post_hook=[], log_node_changes=false) -%}
    {{ adapter.dispatch('cdp_identity_node_incremental_config', 'cdp')(pre_hook, post_hook, log_node_changes) }}
{%- endmacro %}

{% macro default__cdp_identity_node_incremental_config(pre_hook, post_hook, log_node_changes) -%}
    {%- set log_hooks = [
        '{{ cdp_identity_drop_change_log_on_full_build(cdp_identity_node_change_log(this)) }}',
        '{{ cdp_identity_drop_change_log_on_full_build(cdp_identity_audit_node_change_log(this)) }}'] -%}
    {{ config(
        materialized='incremental',
        incremental_strategy='cdp_delete_insert_node_changes' if log_node_changes else 'delete+insert',
        unique_key='node_key',
        on_schema_change='fail',
        pre_hook=pre_hook + (log_hooks if log_node_changes else []),
        post_hook=post_hook + ['delete from {{ this }} where customer_id is null'],
    ) }}
{%- endmacro %}

{% macro spark__cdp_identity_node_incremental_config(pre_hook, post_hook, log_node_changes) -%}
    {{ config(materialized='table') }}
{%- endmacro %}

{#- Incremental strategy `cdp_delete_insert_node_changes` (int_identity_components): before dbt's delete+insert by
    node_key, append to each node change log that exists (cdp_identity_node_change_log,
    cdp_identity_audit_node_change_log) every node of the run's batch whose customer_id or survivor differs from
    the row it replaces, or that is new; a tombstone (customer_id NULL) always differs. The comparison runs
    once, whatever the number of logs (cdp_identity_append_change_logs). -#}
{% macro get_incremental_cdp_delete_insert_node_changes_sql(arg_dict) -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set node_changes_sql -%}
select batch.node_key
from {{ arg_dict['temp_relation'] }} as batch
left join {{ target }} as previous
    on batch.node_key = previous.node_key
where
    previous.node_key is null
    or batch.customer_id is distinct from previous.customer_id
    or batch.survivor_node_key is distinct from previous.survivor_node_key
    {%- endset -%}
    {{ cdp_identity_append_change_logs(target, node_changes_sql, [
        [cdp_identity_node_change_log(target), 'true'],
        [cdp_identity_audit_node_change_log(target), 'true']]) }}
    {{ get_incremental_delete_insert_sql(arg_dict) }}
{%- endmacro %}

{#- Incremental strategy `cdp_delete_insert_edge_changes` (int_identity_edges): before dbt's delete+insert by
    edge_id, append both ends, before and after, of every used edge of the run's batch that differs from the
    used edge it replaces or that replaces none, and of every used edge the batch turns unused or removes (a
    tombstone, node_key_l NULL), to each edge change log that exists: to the audit's
    (cdp_identity_edge_change_log) when anything differs (ends, match weight, example record, first
    observation), to the components' (cdp_identity_components_edge_change_log) only when the edge appears,
    vanishes or changes ends. An edge the batch rewrites unchanged is not logged. -#}
{% macro get_incremental_cdp_delete_insert_edge_changes_sql(arg_dict) -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set edge_changes_sql -%}
with compared_edges as (
    select
        batch.node_key_l,
        batch.node_key_r,
        previous.node_key_l as previous_node_key_l,
        previous.node_key_r as previous_node_key_r,
        coalesce(batch.is_used, false) != (previous.edge_id is not null)
        or (
            previous.edge_id is not null
            and (
                batch.node_key_l is distinct from previous.node_key_l
                or batch.node_key_r is distinct from previous.node_key_r
            )
        ) as is_graph_change,
        previous.edge_id is not null
        and (
            batch.match_weight is distinct from previous.match_weight
            or batch.example_record_key is distinct from previous.example_record_key
            or batch.first_observed_at is distinct from previous.first_observed_at
        ) as is_detail_change
    from {{ arg_dict['temp_relation'] }} as batch
    left join {{ target }} as previous
        on batch.edge_id = previous.edge_id and previous.is_used
),
changed_edges as (
    select * from compared_edges where is_graph_change or is_detail_change
)
select node_key_l as node_key, is_graph_change from changed_edges where node_key_l is not null
union all
select node_key_r, is_graph_change from changed_edges where node_key_r is not null
union all
select previous_node_key_l, is_graph_change from changed_edges where previous_node_key_l is not null
union all
select previous_node_key_r, is_graph_change from changed_edges where previous_node_key_r is not null
    {%- endset -%}
    {{ cdp_identity_append_change_logs(target, edge_changes_sql, [
        [cdp_identity_edge_change_log(target), 'true'],
        [cdp_identity_components_edge_change_log(target), 'is_graph_change']]) }}
    {{ get_incremental_delete_insert_sql(arg_dict) }}
{%- endmacro %}

{#- Pre-hook of an incremental model that finds what to rewrite by comparing with a snapshot it keeps
    (`<model>__<suffix>`): an incremental run without the snapshot empties the model, whose body then writes
    every row. -#}
{% macro cdp_identity_empty_without_snapshot(suffix) -%}
    {%- if execute and is_incremental() and load_relation(cdp_work_relation(this.identifier, suffix)) is none %}
    delete from {{ this }}
    {%- endif -%}
{%- endmacro %}
