{#- Base models are incremental by load time: a run normalises only the raw rows loaded since the newest load
    already built, minus var('cdp__late_load_lookback_hours') for late loads, and replaces the rows loaded
    since then: on DuckDB the rows from that moment on (strategy cdp_replace_loads), on Spark the whole
    `loaded_month` partitions holding it (insert_overwrite; plain Parquet tables cannot delete rows). Rows
    without a load time sit in one sentinel month (1900-01) that every run rebuilds, so no row is lost or
    doubled. -#}

{#- The partition of a base row: the first day of the month it was loaded in, or 1900-01-01 when its load time
    is unknown. -#}
{% macro cdp_loaded_month(loaded_at) -%}
    coalesce(cast({{ dbt.date_trunc('month', loaded_at) }} as date), cast('1900-01-01' as date))
{%- endmacro %}

{#- The earliest load time an incremental run expects new rows at, given the newest load time already built
    (an SQL expression): that time minus var('cdp__late_load_lookback_hours') (loads committed out of
    load-time order). NULL when the expression is NULL. -#}
{% macro cdp_late_loads_from(newest_loaded_at) -%}
    {{ dbt.dateadd('hour', -1 * var('cdp__late_load_lookback_hours'), newest_loaded_at) }}
{%- endmacro %}

{#- The work table (`<model>__<input>_loaded`, one row loaded_until) in which an incremental model built from the
    staged model `relation` keeps the newest load of it that its last build saw. -#}
{% macro cdp_input_loaded_until(relation) -%}
    {{ return(cdp_work_relation(this.identifier, relation.identifier ~ '_loaded')) }}
{%- endmacro %}

{#- A query of the `key` (a column, or a comma-separated list of columns) of the rows of the staged model
    `relation` loaded since the calling model's last build saw it (cdp_remember_newest_load), minus
    var('cdp__late_load_lookback_hours') for late loads; every key when no build has seen it yet. -#}
{% macro cdp_loaded_since_last_build(relation, key) -%}
    {%- set seen = cdp_input_loaded_until(relation) -%}
    select {{ key }} from {{ relation }}
    {%- if load_relation(seen) is not none %}
    where loaded_at >= (select {{ cdp_late_loads_from('max(loaded_until)') }} from {{ seen }})
    {%- endif %}
{%- endmacro %}

{#- Pre-hook of an incremental run: delete the rows whose `key` was loaded in `relation` since the last build
    (cdp_loaded_since_last_build); the run writes them again. -#}
{% macro cdp_delete_loaded_since_last_build(relation, key) -%}
    {%- if execute and is_incremental() %}
    delete from {{ this }} where {{ key }} in ({{ cdp_loaded_since_last_build(relation, key) }})
    {%- endif -%}
{%- endmacro %}

{#- Post-hook: keep the newest load of `relation` this build saw (cdp_input_loaded_until). -#}
{% macro cdp_remember_newest_load(relation) -%}
    {{ cdp_one_row_work_table(cdp_input_loaded_until(relation), 'loaded_until', 'select max(loaded_at) from ' ~ relation) }}
{%- endmacro %}

{#- The earliest load time a base model rebuilds from, given the newest load time already built (an SQL
    expression): cdp_late_loads_from on DuckDB, which replaces the rows loaded since then
    (get_incremental_cdp_replace_loads_sql); the first day of that month on Spark, which overwrites whole
    `loaded_month` partitions. -#}
{% macro cdp_rebuilt_from(newest_loaded_at) -%}
    {{ return(adapter.dispatch('cdp_rebuilt_from', 'cdp')(newest_loaded_at)) }}
{%- endmacro %}

{% macro default__cdp_rebuilt_from(newest_loaded_at) -%}
    {{ cdp_late_loads_from(newest_loaded_at) }}
{%- endmacro %}

{% macro spark__cdp_rebuilt_from(newest_loaded_at) -%}
    {{ dbt.date_trunc('month', cdp_late_loads_from(newest_loaded_at)) }}
{%- endmacro %}

{#- A where-clause condition on a raw table keeping the rows loaded from cdp_rebuilt_from on (`1 = 1` in a
    full build). `raw_loaded_at` is the raw load-time column, parsed here (once per row: this scans every raw
    row) as the base model parses it; an unparseable load time compares NULL, which keeps the row. -#}
{% macro cdp_new_loads_filter(raw_loaded_at='_loaded_at') -%}
    {%- if is_incremental() -%}
        coalesce(
            {{ cdp_parse_timestamp(raw_loaded_at) }} >= (
                select coalesce(
                    {{ cdp_rebuilt_from('max(loaded_at)') }},
                    cast('1900-01-01' as {{ dbt.type_timestamp() }})
                )
                from {{ this }}
            ),
            true
        )
    {%- else -%}
        1 = 1
    {%- endif -%}
{%- endmacro %}

{#- The config every base model shares: incremental by load time (cdp_replace_loads on DuckDB, insert_overwrite
    of `loaded_month` partitions on Spark), and the record key (with the order that ranks its deliveries, latest
    first) cdp_split_rows decides `duplicate_key` from. -#}
{% macro cdp_base_model_config(delivery_key, delivery_order='loaded_at desc') -%}
    {{ config(
        materialized='incremental',
        incremental_strategy=cdp_base_model_strategy(),
        partition_by=['loaded_month'],
        on_schema_change='fail',
        meta={'cdp_delivery_key': delivery_key, 'cdp_delivery_order': delivery_order}
    ) }}
{%- endmacro %}

{#- The incremental strategy of the base models: cdp_replace_loads where the adapter can delete rows, Spark's
    insert_overwrite of `loaded_month` partitions (plain Parquet tables cannot delete rows). -#}
{% macro cdp_base_model_strategy() -%}
    {{ return(adapter.dispatch('cdp_base_model_strategy', 'cdp')()) }}
{%- endmacro %}

{% macro default__cdp_base_model_strategy() -%}
    {{ return('cdp_replace_loads') }}
{%- endmacro %}

{% macro spark__cdp_base_model_strategy() -%}
    {{ return('insert_overwrite') }}
{%- endmacro %}

{#- Incremental strategy `cdp_replace_loads` of the base models on DuckDB: delete the rows loaded from
    cdp_rebuilt_from on and those without a load time (the run's raw rows, cdp_new_loads_filter, from the same
    moment: the target is read before the insert), then insert the run's rows. -#}
{% macro get_incremental_cdp_replace_loads_sql(arg_dict) -%}
    {%- set target = arg_dict['target_relation'] %}
delete from {{ target }}
where
    loaded_at is null
    or loaded_at >= (select {{ cdp_rebuilt_from('max(loaded_at)') }} from {{ target }});

{{ get_incremental_append_sql(arg_dict) }}
{%- endmacro %}
