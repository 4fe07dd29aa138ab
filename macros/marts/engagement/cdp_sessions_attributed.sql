{#- int_engagement_sessions_attributed kept incremental on DuckDB: it mirrors the session facts (fct_web_sessions,
    fct_app_sessions) joined with int_customer_ids, and a run writes again only the sessions that may have
    changed since its last one: those of the days the session facts rebuilt since then, those whose customer the
    customer change feed lists (before or after) and the unresolved ones. -#}

{#- The session facts the model mirrors: {channel: relation}. -#}
{% macro cdp_attributed_session_facts() -%}
    {{ return({'web': ref('fct_web_sessions'), 'app': ref('fct_app_sessions')}) }}
{%- endmacro %}

{#- The work table (`<model>__sessions_read`: channel, max_loaded_at, max_session_date) holding, per channel, the
    newest max_loaded_at and session_date of the session fact the model's last run read. -#}
{% macro cdp_sessions_read() -%}
    {{ return(cdp_work_relation(this.identifier, 'sessions_read')) }}
{%- endmacro %}

{#- Post-hook: remember how far the model read each session fact (cdp_sessions_read). Nothing while parsing. -#}
{% macro cdp_sessions_read_mark() -%}
    {%- if execute -%}
        {%- set mark = cdp_sessions_read() -%}
        {%- do adapter.cache_added(mark) %}
    create table if not exists {{ mark }} (
        channel {{ dbt.type_string() }},
        max_loaded_at {{ dbt.type_timestamp() }},
        max_session_date date
    );
    delete from {{ mark }};
    insert into {{ mark }} (channel, max_loaded_at, max_session_date)
        {%- for channel, facts in cdp_attributed_session_facts().items() %}
    select '{{ channel }}', max(max_loaded_at), max(session_date) from {{ facts }}
            {%- if not loop.last %}
    union all
            {%- endif %}
        {%- endfor %}
    {%- endif -%}
{%- endmacro %}

{#- True when an incremental run cannot tell which sessions changed and writes them all: the customer change feed
    is unreadable (cdp_customer_changes_unreadable) or the model has no cdp_sessions_read mark. -#}
{% macro cdp_sessions_attributed_unreadable() -%}
    {%- if cdp_customer_changes_unreadable(ref('int_customer_ids')) -%}
        {{ return(true) }}
    {%- endif -%}
    {{ return(load_relation(cdp_sessions_read()) is none) }}
{%- endmacro %}

{#- The first session day of `channel` whose sessions the run writes again: the earliest day of a session whose
    max_loaded_at is newer than the mark (a session with a new or re-delivered event; a session a late event
    joined or extended starts no later than the sessions it absorbed), but no later than the mark's newest day
    minus var('cdp__incremental_lookback_days'), which the session fact rebuilds every run (an event re-delivered
    with a new time leaves its old session there). A session with no max_loaded_at, or a mark with none (an
    empty session fact), counts as new. Every day the session fact rebuilt since the model's last run
    is on or after it (cdp_session_first_day). -#}
{% macro cdp_sessions_rebuilt_from(channel, facts) -%}
    (
        select min(candidate_day)
        from (
            select min(session_date) as candidate_day
            from {{ facts }}
            where coalesce(max_loaded_at > (
                select max(max_loaded_at) from {{ cdp_sessions_read() }} where channel = '{{ channel }}'
            ), true)
            union all
            select cast({{ dbt.dateadd('day', -1 * var('cdp__incremental_lookback_days'), 'max(max_session_date)') }}
                as date) as candidate_day
            from {{ cdp_sessions_read() }}
            where channel = '{{ channel }}'
        ) as candidate_days
    )
{%- endmacro %}

{#- A query of the session_id of every session of the rebuilt days (cdp_sessions_rebuilt_from) of every
    channel. -#}
{% macro cdp_sessions_of_rebuilt_days() -%}
    {%- for channel, facts in cdp_attributed_session_facts().items() %}
    select session_id
    from {{ facts }}
    where session_date >= {{ cdp_sessions_rebuilt_from(channel, facts) }}
        {%- if not loop.last %}
    union all
        {%- endif %}
    {%- endfor %}
{%- endmacro %}

{#- Pre-hook of an incremental run: delete the rows of the rebuilt days (a session a late event merged into
    another is gone from the session fact); every row when the run cannot read the mark. The rows of listed
    and unresolved customers are replaced by delete+insert on session_id. -#}
{% macro cdp_sessions_attributed_delete_rebuilt_days() -%}
    {%- if execute and is_incremental() %}
        {%- if cdp_sessions_attributed_unreadable() %}
    delete from {{ this }}
        {%- else %}
    delete from {{ this }}
    where
            {%- for channel, facts in cdp_attributed_session_facts().items() %}
        (channel = '{{ channel }}' and session_date >= {{ cdp_sessions_rebuilt_from(channel, facts) }})
                {%- if not loop.last %}
        or
                {%- endif %}
            {%- endfor %}
        {%- endif %}
    {%- endif -%}
{%- endmacro %}

{#- The config of int_engagement_sessions_attributed: cdp_customer_incremental_config by session_id, plus on DuckDB
    a pre-hook deleting the rows of the rebuilt days (cdp_sessions_attributed_delete_rebuilt_days) and a post-hook
    remembering how far it read the session facts (cdp_sessions_read_mark); a table on Spark. -#}
{% macro cdp_sessions_attributed_incremental_config() -%}
    {{ adapter.dispatch('cdp_sessions_attributed_incremental_config', 'cdp')() }}
{%- endmacro %}

{% macro default__cdp_sessions_attributed_incremental_config() -%}
    {{ cdp_customer_incremental_config(unique_key='session_id') }}
    {{ config(
        pre_hook=["{{ cdp_sessions_attributed_delete_rebuilt_days() }}"],
        post_hook=["{{ cdp_sessions_read_mark() }}"],
    ) }}
{%- endmacro %}

{% macro spark__cdp_sessions_attributed_incremental_config() -%}
    {{ cdp_customer_incremental_config(unique_key='session_id') }}
{%- endmacro %}
