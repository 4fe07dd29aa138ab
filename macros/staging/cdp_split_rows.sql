{#- The rows of a validated base model that passed (`passed=true`: the staged model, without `dq_reason`) or
    failed (`passed=false`: the quarantine model, with it) their data-quality checks.

    Row-level checks are the base model's own `dq_reason`. The one check across rows is added here:
    `duplicate_key`, true for every delivery of a record key but the latest. The base model declares the key
    and the order that ranks deliveries (latest first) with cdp_base_model_config (meta `cdp_delivery_key`,
    `cdp_delivery_order`).
    Only keys delivered more than once are ranked, so the window never sorts the whole table; NULL keys are
    never duplicates (they fail `missing_key`).

    Incremental by key on DuckDB (cdp_split_rows_replaced): a run splits again only the keys delivered since
    the model's newest load (minus the lookback), with every delivery of those keys, old ones included, and
    replaces their rows (strategy cdp_replace_keys). Spark builds the table whole (plain Parquet cannot delete
    rows).

    Retention (macros/governance/cdp_retention.sql): when var('cdp__retention') lists the raw table, the staged
    model keeps only the rows on or after the table's cutoff, and an incremental run also deletes the staged rows
    the cutoff has passed since; fct_retention_expired_daily counts the rows left out. -#}
{% macro cdp_split_rows(base_relation, passed=true) -%}
    {%- set delivery = cdp_delivery_spec(base_relation) -%}
    {%- set key = delivery['key'] -%}
    {#- Retention (cdp_retention): the staged model leaves out the rows before its raw table's cutoff. -#}
    {%- set source_table = cdp_retention_source_table(base_relation.identifier) -%}
    {%- set retained = passed and cdp_retention_rule(source_table) is not none -%}
    {%- set cutoff = cdp_retention_cutoff(source_table, this) if retained else none -%}
    {{ cdp_split_rows_config() }}
    {%- if retained %}
    {{ config(post_hook=["{{ cdp_retention_remember_cutoff('" ~ source_table ~ "') }}"]) }}
    {%- endif %}
with

deliveries as (

    select * from {{ base_relation }}
    {%- if is_incremental() %}
    where {{ cdp_split_rows_replaced(base_relation, this) }}
    {%- endif %}

),

redelivered_keys as (

    select {{ key }} as redelivered_key
    from deliveries
    where {{ key }} is not null
    group by {{ key }}
    having count(*) > 1

),

single_deliveries as (

    select
        deliveries.*,
        false as is_superseded
    from deliveries
    left join redelivered_keys
        on deliveries.{{ key }} = redelivered_keys.redelivered_key
    where redelivered_keys.redelivered_key is null

),

redeliveries as (

    select
        deliveries.*,
        row_number() over (
            partition by deliveries.{{ key }}
            order by {{ delivery['order'] }}
        ) > 1 as is_superseded
    from deliveries
    inner join redelivered_keys
        on deliveries.{{ key }} = redelivered_keys.redelivered_key

),

ranked as (

    select * from single_deliveries
    union all
    select * from redeliveries

)

    {%- set columns = cdp_star(base_relation, except=['dq_reason', 'loaded_month']) %}
    {%- if passed %}
select {{ columns }}
from ranked
where
    dq_reason is null and not is_superseded
    {%- if cutoff is not none %}
    and {{ cdp_retention_kept(source_table, cutoff) }}
    {%- endif %}
    {%- else %}
select
    {{ columns }},
    nullif(concat_ws(',', case when is_superseded then 'duplicate_key' end, dq_reason), '') as dq_reason
from ranked
where dq_reason is not null or is_superseded
    {%- endif %}
{%- endmacro %}

{#- The record key and delivery order a base model declares in its meta (see cdp_split_rows). -#}
{% macro cdp_delivery_spec(base_relation) -%}
    {%- if not execute -%}
        {{ return({'key': 'loaded_at', 'order': 'loaded_at desc'}) }}
    {%- endif -%}
    {%- for node in graph.nodes.values()
        if node.resource_type == 'model' and node.alias == base_relation.identifier -%}
        {%- set meta = node.config.meta -%}
        {%- if 'cdp_delivery_key' not in meta -%}
            {{ exceptions.raise_compiler_error(node.name ~ ' declares no meta cdp_delivery_key') }}
        {%- endif -%}
        {{ return({'key': meta['cdp_delivery_key'], 'order': meta.get('cdp_delivery_order', 'loaded_at desc')}) }}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error('no model builds ' ~ base_relation) }}
{%- endmacro %}

{#- The config of the staged and quarantine models: incremental with strategy cdp_replace_keys where the
    adapter can delete rows, a table on Spark. -#}
{% macro cdp_split_rows_config() -%}
    {{ adapter.dispatch('cdp_split_rows_config', 'cdp')() }}
{%- endmacro %}

{% macro default__cdp_split_rows_config() -%}
    {{ config(materialized='incremental', incremental_strategy='cdp_replace_keys', on_schema_change='fail') }}
{%- endmacro %}

{% macro spark__cdp_split_rows_config() -%}
    {{ config(materialized='table') }}
{%- endmacro %}

{#- A condition on rows of `base_relation` (or of a model split from it) that holds for the rows an incremental
    run of a model split from it replaces: every row of a key delivered since `relation`'s newest load minus
    the lookback (cdp_late_loads_from) or without a load time, and every keyless row loaded then (keyless rows
    are quarantined, never ranked). All of a key's deliveries are replaced together, so a new delivery
    supersedes an old one in an earlier load month. `relation` empty: every row. -#}
{% macro cdp_split_rows_replaced(base_relation, relation) -%}
    {%- set key = cdp_delivery_spec(base_relation)['key'] -%}
    {%- set is_new -%}
        coalesce(loaded_at >= (
            select coalesce(
                {{ cdp_late_loads_from('max(loaded_at)') }}, cast('1900-01-01' as {{ dbt.type_timestamp() }})
            )
            from {{ relation }}
        ), true)
    {%- endset -%}
    (
        {{ key }} in (select {{ key }} from {{ base_relation }} where {{ is_new }})
        or ({{ key }} is null and {{ is_new }})
    )
{%- endmacro %}

{#- Incremental strategy `cdp_replace_keys` of the models cdp_split_rows builds: delete the target's rows that
    cdp_split_rows_replaced selects (evaluated on the target as it stood before the run, in one statement) and,
    in a staged model under retention, the rows before the cutoff, then insert the run's rows. The base relation
    is the model the calling model refs that is named after it (`stg_x__y` splits `base_x__y`). -#}
{% macro get_incremental_cdp_replace_keys_sql(arg_dict) -%}
    {#- Retention also refs the base models the as-of day is read from: the one split is named after the model. -#}
    {%- set split_name = cdp_retention_model_name(cdp_retention_source_table(model.name), 'base') -%}
    {%- set model_nodes = [] -%}
    {%- set base_nodes = [] -%}
    {%- for node_id in model.depends_on.nodes if node_id.startswith('model.') -%}
        {%- do model_nodes.append(node_id) -%}
        {%- if node_id.endswith('.' ~ split_name) -%}
            {%- do base_nodes.append(node_id) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set base_nodes = base_nodes or model_nodes -%}
    {%- if base_nodes | length != 1 -%}
        {{ exceptions.raise_compiler_error(
            model.name ~ ': strategy cdp_replace_keys needs exactly one model to split, found ' ~ base_nodes) }}
    {%- endif -%}
    {%- set base_relation = ref(graph.nodes[base_nodes[0]].name) -%}
    {%- set source_table = cdp_retention_source_table(model.name) -%}
    {%- set cutoff = cdp_retention_cutoff(source_table, this) if not model.name.endswith('_quarantine') else none %}
delete from {{ arg_dict['target_relation'] }}
where {{ cdp_split_rows_replaced(base_relation, arg_dict['target_relation']) }}
    {%- if cutoff is not none %}
    or not {{ cdp_retention_kept(source_table, cutoff) }}
    {%- endif %};

{{ get_incremental_append_sql(arg_dict) }}
{%- endmacro %}
