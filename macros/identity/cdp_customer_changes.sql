{#- The customer change feed: int_customer_ids, incremental by record on DuckDB, appends to
    `int_customer_ids__customer_changes` (customer_id, changed_at) the customer of every record a run rewrites,
    before and after (strategy cdp_delete_insert_customer_changes), stamped with the run's start. A customer
    whose records did not change, moved in or out is listed; so is every customer with new activity, since a
    new or re-delivered record is a rewritten record. A row whose customer_id is NULL means "every customer
    changed": a full build of int_customer_ids, or an incremental run that wrote every record, leaves one.
    Unlike the identity change logs, the feed has any number of consumers: each keeps its own high-water mark
    (cdp_customer_changes_read_until) and reads the rows stamped after it (cdp_customer_incremental_config). -#}

{#- The customer change feed of `customer_ids` (the int_customer_ids relation: `this` in the producer, ref() in a
    consumer). -#}
{% macro cdp_customer_changes(customer_ids) -%}
    {{ return(cdp_cc_work_relation(customer_ids.identifier, 'customer_changes', customer_ids)) }}
{%- endmacro %}

{#- The stamp of this dbt invocation (its start, as a timestamp literal): the feed's changed_at and the
    consumers' high-water mark. -#}
{% macro cdp_customer_changes_stamp() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp)
{%- endmacro %}

{#- Incremental strategy `cdp_delete_insert_customer_changes`: dbt's delete+insert by the unique key, with the
    customers of the rows it deletes and of the rows it inserts appended to the customer change feed (if it
    exists). Tombstones (customer_id NULL) add nothing: the customer they replace is logged by the delete.
    Then the rows older than var('cdp__customer_changes_retention_days') go, replaced by one row "every
    customer changed" at the cut, so that a reader that last read the feed before the cut writes everything. -#}
{% macro get_incremental_cdp_delete_insert_customer_changes_sql(arg_dict) -%}
    {%- set feed = cdp_customer_changes(arg_dict['target_relation']) -%}
    {%- set logged = load_relation(feed) is not none -%}
    {%- if logged %}
insert into {{ feed }} (customer_id, changed_at)
select distinct customer_id, {{ cdp_customer_changes_stamp() }}
from {{ arg_dict['target_relation'] }}
where record_key in (select record_key from {{ arg_dict['temp_relation'] }});
    {%- endif %}
    {{ get_incremental_delete_insert_sql(arg_dict) }}
    {%- if logged %};

insert into {{ feed }} (customer_id, changed_at)
select distinct customer_id, {{ cdp_customer_changes_stamp() }}
from {{ arg_dict['temp_relation'] }}
where customer_id is not null;
        {%- set cut = dbt.dateadd('day', -var('cdp__customer_changes_retention_days', 30),
            cdp_customer_changes_stamp()) %}

insert into {{ feed }} (customer_id, changed_at)
select distinct cast(null as {{ dbt.type_string() }}), {{ cut }}
from {{ feed }}
where changed_at < {{ cut }};

delete from {{ feed }}
where changed_at < {{ cut }}
    {%- endif %}
{%- endmacro %}

{#- Hook of int_customer_ids when it writes every record (`everything`: a full build, or an incremental run that
    emptied the model first) or has no feed yet: the feed starts over with one row "every customer changed". -#}
{% macro cdp_customer_changes_restart(everything=not is_incremental()) -%}
    {%- set feed = cdp_customer_changes(this) -%}
    {%- if execute and (everything or load_relation(feed) is none) -%}
        {%- do adapter.cache_added(feed) %}
    create table if not exists {{ feed }} (customer_id {{ dbt.type_string() }}, changed_at {{ dbt.type_timestamp() }});
    delete from {{ feed }};
    insert into {{ feed }} (customer_id, changed_at) values (null, {{ cdp_customer_changes_stamp() }})
    {%- endif -%}
{%- endmacro %}

{#- The config of a model partitioned by customer (every row belongs to one customer_id, never NULL) and kept
    incremental by the customer change feed of int_customer_ids: on DuckDB, delete+insert by `customer_id`,
    where a run rewrites every row of the customers the feed lists since the model last read it
    (cdp_changed_customers) and a post-hook deletes the tombstones (rows whose `tombstone_column` is NULL, which
    remove the customers that no longer exist) and records how far it read; a table on Spark. -#}
{% macro cdp_customer_incremental_config(tombstone_column) -%}
    {{ adapter.dispatch('cdp_customer_incremental_config', 'cdp')(tombstone_column) }}
{%- endmacro %}

{% macro default__cdp_customer_incremental_config(tombstone_column) -%}
    {{ config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='customer_id',
        on_schema_change='fail',
        pre_hook=["{{ cdp_customer_changes_empty_if_unreadable(ref('int_customer_ids')) }}"],
        post_hook=[
            'delete from {{ this }} where ' ~ tombstone_column ~ ' is null',
            '{{ cdp_customer_changes_mark_read() }}',
        ],
    ) }}
{%- endmacro %}

{% macro spark__cdp_customer_incremental_config(tombstone_column) -%}
    {{ config(materialized='table') }}
{%- endmacro %}

{#- The high-water mark of a consumer of the feed (`<model>__customer_changes_read`, one row read_until): the
    stamp of the last run that brought the model up to date. -#}
{% macro cdp_customer_changes_read_until(relation) -%}
    {{ return(cdp_cc_work_relation(relation.identifier, 'customer_changes_read', relation)) }}
{%- endmacro %}

{#- True when a run of the calling consumer cannot read its changes from the feed of `customer_ids` and must write
    every customer: not an incremental run, no feed, no high-water mark, or a feed row "every customer
    changed" stamped after the mark. (A unit test has no `this`.) -#}
{% macro cdp_customer_changes_unreadable(customer_ids) -%}
    {%- if not execute or this is none or not is_incremental() -%}
        {{ return(true) }}
    {%- endif -%}
    {%- set feed = cdp_customer_changes(customer_ids) -%}
    {%- set read_until = cdp_customer_changes_read_until(this) -%}
    {%- if load_relation(feed) is none or load_relation(read_until) is none -%}
        {{ return(true) }}
    {%- endif -%}
    {%- set unreadable -%}
        select count(*)
        from {{ feed }}
        where customer_id is null and changed_at > (select max(read_until) from {{ read_until }})
    {%- endset -%}
    {{ return(run_query(unreadable).columns[0].values()[0] > 0) }}
{%- endmacro %}

{#- Pre-hook of a consumer (cdp_customer_incremental_config): an incremental run that cannot read the feed empties
    the model, which then writes every customer. -#}
{% macro cdp_customer_changes_empty_if_unreadable(customer_ids) -%}
    {%- if execute and is_incremental() and cdp_customer_changes_unreadable(customer_ids) %}
    delete from {{ this }}
    {%- endif -%}
{%- endmacro %}

{#- Post-hook of a consumer: the model is up to date with the feed as of this invocation. -#}
{% macro cdp_customer_changes_mark_read() -%}
    {%- if execute -%}
        {%- set read_until = cdp_customer_changes_read_until(this) -%}
        {%- do adapter.cache_added(read_until) %}
    create table if not exists {{ read_until }} (read_until {{ dbt.type_timestamp() }});
    delete from {{ read_until }};
    insert into {{ read_until }} (read_until) values ({{ cdp_customer_changes_stamp() }})
    {%- endif -%}
{%- endmacro %}

{#- A query of the customers the feed of `customer_ids` lists since the calling consumer last read it (some of
    them may no longer exist). -#}
{% macro cdp_changed_customers(customer_ids) -%}
    select distinct customer_id
    from {{ cdp_customer_changes(customer_ids) }}
    where
        customer_id is not null
        and changed_at > (select max(read_until) from {{ cdp_customer_changes_read_until(this) }})
{%- endmacro %}

{#- Tombstones for the customers of `customers_cte` (a CTE with a customer_id column): one row per customer with
    every other column NULL, in the column order of the model's previous build, so that delete+insert removes
    the customer's rows; the model's post-hook deletes them. -#}
{% macro cdp_customer_tombstones(customers_cte) -%}
    select
        {%- for column in adapter.get_columns_in_relation(this) %}
        {{ customers_cte ~ '.customer_id' if column.name == 'customer_id' else 'cast(null as ' ~ column.data_type ~ ')' }}
            as {{ column.name }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ customers_cte }}
{%- endmacro %}

{#- A WHERE condition keeping the rows of the customers the consumer rewrites: `column` in the CTE
    changed_customers (cdp_changed_customers) when `from_feed`, else every row (true). -#}
{% macro cdp_in_changed_customers(from_feed, column='customer_id') -%}
    {%- if from_feed -%}
        {{ column }} in (select customer_id from changed_customers)
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- The CTE `changed_customers` of a feed consumer (cdp_changed_customers), comma-terminated to open its WITH
    list, when `from_feed`; nothing otherwise. -#}
{% macro cdp_changed_customers_cte(from_feed) -%}
    {%- if from_feed -%}
changed_customers as (

    {{ cdp_changed_customers(ref('int_customer_ids')) }}

),
    {%- endif -%}
{%- endmacro %}

{#- `union all` tombstones of the customers of changed_customers (cdp_customer_tombstones), to close a feed
    consumer's query, when `from_feed`; nothing otherwise. -#}
{% macro cdp_customer_tombstones_union(from_feed) -%}
    {%- if from_feed %}
union all
{{ cdp_customer_tombstones('changed_customers') }}
    {%- endif -%}
{%- endmacro %}
