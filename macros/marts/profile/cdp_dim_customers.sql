{#- dim_customers kept incremental by customer on DuckDB: a run writes again the customers whose row may have
    changed since its last one, found before its query (a pre-hook) because some are read from the stored rows
    it then deletes. -#}

{#- A query of the e-mail addresses (email) an ESP reported a hard bounce for. -#}
{% macro cdp_hard_bounced_emails() -%}
    select distinct recipient_email as email
    from {{ ref('stg_esp__email_events') }}
    where event_type = 'bounce' and bounce_type = 'hard'
{%- endmacro %}

{#- The work table `<model>__customers_rewritten` (customer_id): the customers the current run writes again. -#}
{% macro cdp_dim_customers_rewritten() -%}
    {{ return(cdp_work_relation(this.identifier, 'customers_rewritten')) }}
{%- endmacro %}

{#- Pre-hook of an incremental run: (re)write cdp_dim_customers_rewritten with the customers the customer change
    feed lists since the model last read it (their records, golden record or consent changed) and the stored
    customers whose derived columns no longer hold: the age on the as-of day of int_as_of_date, the hard bounce
    of the e-mail (cdp_hard_bounced_emails) and the erasure flag (int_erased_customers, both ways); then delete
    those customers' rows. Every row when the run cannot read the feed. -#}
{% macro cdp_dim_customers_delete_rewritten() -%}
    {%- if execute and is_incremental() %}
        {%- if cdp_customer_changes_unreadable(ref('int_customer_ids')) %}
    delete from {{ this }}
        {%- else %}
            {%- set customers = cdp_dim_customers_rewritten() %}
            {%- do adapter.cache_added(customers) %}
    drop table if exists {{ customers }};
    create table {{ customers }} as
    with

    {{ cdp_changed_customers_cte(true) }}

    stored as (

        select * from {{ this }}

    ),

    as_of as (

        select * from {{ ref('int_as_of_date') }}

    ),

    hard_bounced_emails as (

        {{ cdp_hard_bounced_emails() }}

    ),

    erased_customers as (

        select * from {{ ref('int_erased_customers') }}

    )

    select customer_id from changed_customers
    union
    {#- One scan of the stored rows for the three derived columns. #}
    select stored.customer_id
    from stored
    cross join as_of
    left join hard_bounced_emails on stored.email = hard_bounced_emails.email
    left join erased_customers on stored.customer_id = erased_customers.customer_id
    where
        stored.age is distinct from {{ cdp_age_in_years('stored.date_of_birth', 'as_of.as_of_date') }}
        or (
            stored.email is not null
            and stored.email_has_hard_bounced <> (hard_bounced_emails.email is not null)
        )
        {#- Both ways; a flag set by a request of the customer's own (erasure_request_count) stays, and
            rewriting it is harmless. #}
        or stored.is_erasure_requested <> (erased_customers.customer_id is not null);

    delete from {{ this }}
    where customer_id in (select customers_rewritten.customer_id from {{ customers }} as customers_rewritten)
        {%- endif %}
    {%- endif -%}
{%- endmacro %}

{#- The config of dim_customers (adapter.dispatch): on DuckDB incremental (append) with the pre-hook
    cdp_dim_customers_delete_rewritten and the post-hook recording how far it read the customer change feed; a
    table on Spark. The contract holds either way. -#}
{% macro cdp_dim_customers_incremental_config() -%}
    {{ adapter.dispatch('cdp_dim_customers_incremental_config', 'cdp')() }}
{%- endmacro %}

{% macro default__cdp_dim_customers_incremental_config() -%}
    {{ config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook=["{{ cdp_dim_customers_delete_rewritten() }}"],
        post_hook=["{{ cdp_customer_changes_mark_read() }}"],
    ) }}
{%- endmacro %}

{% macro spark__cdp_dim_customers_incremental_config() -%}
    {{ config(materialized='table') }}
{%- endmacro %}
