{#- int_app_identities_resolved kept incremental by (device_id, account_id) pair on DuckDB: a run writes again the
    pairs whose customer may have changed since its last one, found before its query (a pre-hook) because the
    stored rows it reads are the ones it then deletes. -#}

{#- The work table `<model>__pairs_rewritten` (device_id, account_id): the pairs the current run writes again. -#}
{% macro cdp_app_pairs_rewritten() -%}
    {{ return(cdp_work_relation(this.identifier, 'pairs_rewritten')) }}
{%- endmacro %}

{#- A join condition matching the pair columns of `left` and `right` (aliases), NULL account or device included. -#}
{% macro cdp_app_pair_matches(left, right) -%}
    {{ left }}.device_id is not distinct from {{ right }}.device_id
    and {{ left }}.account_id is not distinct from {{ right }}.account_id
{%- endmacro %}

{#- A join condition attaching a usage row of fct_product_usage_daily (alias `usage`) to its pair in
    int_app_identities_resolved (alias `identities`): the same device (usage without a device attaches to no
    one) and the same account, a NULL account matching a NULL one. -#}
{% macro cdp_app_usage_pair_matches(usage, identities) -%}
    {{ usage }}.device_id = {{ identities }}.device_id
    and coalesce({{ usage }}.account_id, '') = coalesce({{ identities }}.account_id, '')
{%- endmacro %}

{#- Pre-hook of an incremental run: (re)write cdp_app_pairs_rewritten with the pairs stored with a customer the
    customer change feed lists since the model last read it (before) or with none, the pairs of app events whose
    record's customer is listed or NULL in int_customer_ids now (after), and the pairs of the events
    stg_app__events loaded since the model's last build (an event with no usable identifier has no record);
    then delete those pairs' rows. Every row when the run cannot read the feed. -#}
{% macro cdp_app_identities_delete_rewritten() -%}
    {%- if execute and is_incremental() %}
        {%- if cdp_customer_changes_unreadable(ref('int_customer_ids')) %}
    delete from {{ this }}
        {%- else %}
            {%- set pairs = cdp_app_pairs_rewritten() %}
            {%- do adapter.cache_added(pairs) %}
    drop table if exists {{ pairs }};
    create table {{ pairs }} as
    with

    {{ cdp_changed_customers_cte(true) }}

    app_events as (

        select * from {{ ref('stg_app__events') }}

    )

    select device_id, account_id
    from {{ cdp_changed_customer_rows(this, true) }}
    union
    select app_events.device_id, app_events.account_id
    from app_events
    inner join {{ cdp_changed_customer_rows(ref('int_customer_ids'), true) }}
        on
            int_customer_ids.source_table = 'app_events'
            and app_events.event_id = int_customer_ids.record_id
    union
    {{ cdp_loaded_since_last_build(ref('stg_app__events'), 'device_id, account_id') }};

    delete from {{ this }}
    where exists (
        select 1 from {{ pairs }} as pairs_rewritten
        where {{ cdp_app_pair_matches('pairs_rewritten', this) }}
    )
        {%- endif %}
    {%- endif -%}
{%- endmacro %}

{#- The config of int_app_identities_resolved (adapter.dispatch): on DuckDB incremental (append) with the pre-hook
    cdp_app_identities_delete_rewritten, and post-hooks recording how far it read the customer change feed and
    the newest stg_app__events load it saw; a table on Spark. -#}
{% macro cdp_app_identities_incremental_config() -%}
    {{ adapter.dispatch('cdp_app_identities_incremental_config', 'cdp')() }}
{%- endmacro %}

{% macro default__cdp_app_identities_incremental_config() -%}
    {{ config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook=["{{ cdp_app_identities_delete_rewritten() }}"],
        post_hook=[
            "{{ cdp_customer_changes_mark_read() }}",
            "{{ cdp_remember_newest_load(ref('stg_app__events')) }}",
        ],
    ) }}
{%- endmacro %}

{% macro spark__cdp_app_identities_incremental_config() -%}
    {{ config(materialized='table') }}
{%- endmacro %}
