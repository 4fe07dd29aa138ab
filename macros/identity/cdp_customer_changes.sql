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
    {{ return(cdp_work_relation(customer_ids.identifier, 'customer_changes', customer_ids)) }}
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
select distinct customer_id, {{ cdp_run_stamp() }}
from {{ arg_dict['target_relation'] }}
where record_key in (select record_key from {{ arg_dict['temp_relation'] }});
    {%- endif %}
    {{ get_incremental_delete_insert_sql(arg_dict) }}
    {%- if logged %};

insert into {{ feed }} (customer_id, changed_at)
select distinct customer_id, {{ cdp_run_stamp() }}
from {{ arg_dict['temp_relation'] }}
where customer_id is not null;
        {%- set cut = dbt.dateadd('day', -var('cdp__customer_changes_retention_days', 30),
            cdp_run_stamp()) %}

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
    insert into {{ feed }} (customer_id, changed_at) values (null, {{ cdp_run_stamp() }})
    {%- endif -%}
{%- endmacro %}

{#- The config of a model whose rows each belong to one customer (customer_id; NULL for rows that resolved to no
    customer), kept incremental by the customer change feed of int_customer_ids; a plain table on Spark. On
    DuckDB, without `unique_key`: a pre-hook deletes the rows of the customers the feed lists since the model
    last read it, and the unresolved rows (cdp_customer_changes_delete_rewritten), and the run appends them again
    as they now are. With `unique_key` (rows that can move between customers, e.g. a group of events whose
    earliest customer decides): delete+insert by that key, the query selecting the keys to write again (those
    with a listed or unresolved customer, before or after). Either way a post-hook records how far it read.
    `reloaded_inputs` ({staged model: key column}) also rewrites the rows whose key that staged model loaded since
    the last build (cdp_loaded_since_last_build), e.g. the order lines of products re-delivered with new
    attributes. `fitted_inputs` (names of analysis fits, cdp_analysis_fit_config) rewrites every customer after
    a refit of any of them. -#}
{% macro cdp_customer_incremental_config(unique_key=none, reloaded_inputs={}, fitted_inputs=[]) -%}
    {{ adapter.dispatch('cdp_customer_incremental_config', 'cdp')(unique_key, reloaded_inputs, fitted_inputs) }}
{%- endmacro %}

{% macro default__cdp_customer_incremental_config(unique_key=none, reloaded_inputs={}, fitted_inputs=[]) -%}
    {%- set pre_hooks = ["{{ cdp_customer_changes_delete_rewritten(ref('int_customer_ids'), "
        ~ ('true' if unique_key else 'false') ~ ", " ~ tojson(fitted_inputs) ~ ") }}"] -%}
    {%- set post_hooks = ['{{ cdp_customer_changes_mark_read() }}'] -%}
    {%- for input, key in reloaded_inputs.items() -%}
        {%- do pre_hooks.append("{{ cdp_delete_loaded_since_last_build(ref('" ~ input ~ "'), '" ~ key ~ "') }}") -%}
        {%- do post_hooks.append("{{ cdp_remember_newest_load(ref('" ~ input ~ "')) }}") -%}
    {%- endfor -%}
    {{ config(
        materialized='incremental',
        incremental_strategy='delete+insert' if unique_key else 'append',
        unique_key=unique_key,
        on_schema_change='fail',
        pre_hook=pre_hooks,
        post_hook=post_hooks,
    ) }}
{%- endmacro %}

{% macro spark__cdp_customer_incremental_config(unique_key=none, reloaded_inputs={}, fitted_inputs=[]) -%}
    {{ config(materialized='table') }}
{%- endmacro %}

{#- The high-water mark of a consumer of the feed (`<model>__customer_changes_read`, one row read_until): the
    stamp of the last run that brought the model up to date. -#}
{% macro cdp_customer_changes_read_until(relation) -%}
    {{ return(cdp_work_relation(relation.identifier, 'customer_changes_read', relation)) }}
{%- endmacro %}

{#- True when a run of the calling consumer cannot read its changes from the feed of `customer_ids` and must write
    every customer: not an incremental run, no feed, no high-water mark, a feed row "every customer changed"
    stamped after the mark, or one of the analysis fits `fitted_inputs` (model names) refitted after the mark
    or empty. (A unit test has no `this`.) -#}
{% macro cdp_customer_changes_unreadable(customer_ids, fitted_inputs=[]) -%}
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
        from (
            select 1 as reason
            from {{ feed }}
            where customer_id is null and changed_at > (select max(read_until) from {{ read_until }})
            {%- for fitted_input in fitted_inputs %}
            union all
            select 1 as reason
            from (select max(fitted_at) as fitted_at from {{ ref(fitted_input) }}) as fit
            where fit.fitted_at is null or fit.fitted_at > (select max(read_until) from {{ read_until }})
            {%- endfor %}
        ) as reasons
    {%- endset -%}
    {{ return(cdp_scalar(unreadable) > 0) }}
{%- endmacro %}

{#- Pre-hook of a consumer (cdp_customer_incremental_config) in an incremental run: delete the rows the run writes
    again, those of the customers the feed lists since the model last read it and the unresolved ones (customer_id
    NULL), so that a customer that no longer exists goes; with `keyed` (delete+insert by a key) only when the run
    cannot read the feed. Every row when the run cannot read the feed (`fitted_inputs`: see
    cdp_customer_changes_unreadable). -#}
{% macro cdp_customer_changes_delete_rewritten(customer_ids, keyed=false, fitted_inputs=[]) -%}
    {%- if execute and is_incremental() %}
        {%- if cdp_customer_changes_unreadable(customer_ids, fitted_inputs) %}
    delete from {{ this }}
        {%- elif not keyed %}
    delete from {{ this }}
    where customer_id is null or customer_id in ({{ cdp_changed_customers(customer_ids) }})
        {%- endif %}
    {%- endif -%}
{%- endmacro %}

{#- Post-hook of a consumer: the model is up to date with the feed as of this invocation. -#}
{% macro cdp_customer_changes_mark_read() -%}
    {{ cdp_one_row_work_table(cdp_customer_changes_read_until(this), 'read_until',
        'select ' ~ cdp_run_stamp()) }}
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

{#- A WHERE condition keeping the rows a feed consumer writes again (cdp_customer_changes_delete_rewritten): those
    whose `column` is in the CTE changed_customers (cdp_changed_customers) or NULL, when `from_feed`; every row
    (true) otherwise. -#}
{% macro cdp_in_changed_customers(from_feed, column='customer_id') -%}
    {%- if from_feed -%}
        ({{ column }} is null or {{ column }} in (select customer_id from changed_customers))
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- The rows of `relation` a feed consumer writes again, as a FROM item: when `from_feed`, a subquery of the rows
    whose `column` is in the CTE changed_customers (an inner join: changed_customers holds distinct ids) or NULL;
    otherwise `relation` itself. Same rows as filtering with cdp_in_changed_customers, but the join starts from
    the few changed customers: DuckDB keeps a semi-join condition in WHERE above the joins of the query, so a
    consumer joining a whole event table with the whole int_customer_ids paid for every record each run. -#}
{% macro cdp_changed_customer_rows(relation, from_feed, column='customer_id') -%}
    {%- if from_feed -%}
    (
        select rows_of_changed_customers.*
        from {{ relation }} as rows_of_changed_customers
        inner join changed_customers
            on rows_of_changed_customers.{{ column }} = changed_customers.customer_id
        union all
        select * from {{ relation }}
        where {{ column }} is null
    ) as {{ relation.identifier }}
    {%- else -%}
    {{ relation }}
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
