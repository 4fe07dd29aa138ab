{#- Sessionisation shared by fct_web_sessions and fct_app_sessions: an event opens a new session of its key (a
    cookie, an SDK session) when it is the key's first event or comes at least
    var('cdp__session_inactivity_minutes') minutes after the key's previous event. -#}

{#- The inactivity gap as an interval literal (same syntax on DuckDB and Spark, millisecond precision kept). -#}
{% macro cdp_session_gap_interval() -%}
    interval '{{ var("cdp__session_inactivity_minutes", 30) | int }}' minute
{%- endmacro %}

{#- 1 when an event with timestamp `timestamp_column` and previous event of its key at `previous_column`
    (NULL for the key's first event) opens a session, else 0. -#}
{% macro cdp_is_session_start(timestamp_column, previous_column) -%}
    case
        when {{ previous_column }} is null then 1
        when {{ timestamp_column }} >= {{ previous_column }} + {{ cdp_session_gap_interval() }} then 1
        else 0
    end
{%- endmacro %}

{#- The first session day an incremental run of a session fact rebuilds. The day-level rule of
    cdp_incremental_first_day (earliest day of a newly loaded event, at least the last
    var('cdp__incremental_lookback_days') days) is not enough for sessions: a late event can extend or join a
    session that started on an earlier day. So the run also goes back to the start day of every stored session
    of the same key that ends less than one inactivity gap before the key's earliest new event. Only valid
    inside is_incremental(); `this` must have `session_date`, `ended_at` and `max_loaded_at`. -#}
{% macro cdp_session_first_day(events_relation, key_expression, timestamp_column='occurred_at',
    loaded_at_column='loaded_at') -%}
    (
        select min(candidate_day)
        from (
            select
                {{ cdp_incremental_first_day(events_relation, 'cast(' ~ timestamp_column ~ ' as date)',
                    loaded_at_column, 'session_date') }} as candidate_day
            union all
            select min(stored_sessions.session_date) as candidate_day
            from (
                select
                    {{ key_expression }} as session_key,
                    session_date,
                    ended_at
                from {{ this }}
            ) as stored_sessions
            inner join (
                select
                    {{ key_expression }} as session_key,
                    min({{ timestamp_column }}) as first_new_at
                from {{ events_relation }}
                where {{ loaded_at_column }} > (select max(max_loaded_at) from {{ this }})
                group by {{ key_expression }}
            ) as new_events
                on
                    stored_sessions.session_key = new_events.session_key
                    and stored_sessions.ended_at >= new_events.first_new_at - {{ cdp_session_gap_interval() }}
        ) as candidate_days
    )
{%- endmacro %}

{#- Where-clause condition on the events of a session fact: in an incremental run, the events from one day
    before cdp_session_first_day (context: sessions that started the evening before; the model then keeps only
    sessions starting on or after that day); `1 = 1` in a full build. Sessions longer than a day that start
    before the context day are not re-read (documented limitation). -#}
{% macro cdp_session_days_filter(events_relation, key_expression, timestamp_column='occurred_at',
    loaded_at_column='loaded_at') -%}
    {%- if is_incremental() -%}
        cast({{ timestamp_column }} as date) >= cast({{ dbt.dateadd('day', -1,
            cdp_session_first_day(events_relation, key_expression, timestamp_column, loaded_at_column)) }} as date)
    {%- else -%}
        1 = 1
    {%- endif -%}
{%- endmacro %}

{#- Where-clause condition on the sessions a session fact writes: those whose start day `day_expression` is
    on or after cdp_session_first_day in an incremental run; `1 = 1` in a full build. -#}
{% macro cdp_session_rebuilt_days(events_relation, key_expression, day_expression, timestamp_column='occurred_at',
    loaded_at_column='loaded_at') -%}
    {%- if is_incremental() -%}
        {{ day_expression }} >= cast({{ cdp_session_first_day(events_relation, key_expression, timestamp_column,
            loaded_at_column) }} as date)
    {%- else -%}
        1 = 1
    {%- endif -%}
{%- endmacro %}


{#- The CTE chain that cuts an event stream into sessions, comma-terminated to sit in a WITH list:
    events_with_previous (the session key and the previous event's time), events_flagged (is_session_start, by
    the inactivity gap), events_numbered (session_number per key) and events_ranked (event_position,
    reverse_event_position and reverse_position_by_sign_in within the session). `events_cte` has event_id,
    occurred_at and account_id; `session_key` is the SQL of the key events are sessionised by. -#}
{% macro cdp_session_event_ctes(events_cte, session_key) -%}
events_with_previous as (

    select
        *,
        {{ session_key }} as session_key,
        lag(occurred_at) over (
            partition by {{ session_key }}
            order by occurred_at, event_id
        ) as previous_occurred_at
    from {{ events_cte }}

),

events_flagged as (

    select
        *,
        {{ cdp_is_session_start('occurred_at', 'previous_occurred_at') }} as is_session_start
    from events_with_previous

),

events_numbered as (

    select
        *,
        sum(is_session_start) over (
            partition by session_key
            order by occurred_at, event_id
            rows between unbounded preceding and current row
        ) as session_number
    from events_flagged

),

events_ranked as (

    select
        *,
        row_number() over (
            partition by session_key, session_number
            order by occurred_at, event_id
        ) as event_position,
        row_number() over (
            partition by session_key, session_number
            order by occurred_at desc, event_id desc
        ) as reverse_event_position,
        row_number() over (
            partition by session_key, session_number, account_id is null
            order by occurred_at desc, event_id desc
        ) as reverse_position_by_sign_in
    from events_numbered

),
{%- endmacro %}
