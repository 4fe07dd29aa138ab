{#- Retention windows (docs/governance/retention.md): var('cdp__retention') maps a raw table (`<source>_<table>`)
    to `{days: N, action: drop | aggregate}`. Its staged model (cdp_split_rows) keeps only the rows whose event
    time is on or after the cutoff, the as-of day minus N days (UTC); fct_retention_expired_daily counts the
    rows it leaves out. A cutoff never moves back: the staged model records the cutoff it applied in a work
    table (`<staged model>__retention_cutoff`) and later builds apply at least that one, so an expired row stays
    expired through a wider window, an earlier cdp__as_of_date or a full refresh. -#}

{#- The retention columns of the event tables the CDP stages: the event time the window is measured on, the
    event type and the subject columns (first non-NULL wins) an `aggregate` rule groups by. An entry of
    var('cdp__retention') may override each (`timestamp`, `event_type`, `subjects`); a table not listed here
    must name its `timestamp`. -#}
{% macro cdp_retention_table_defaults() -%}
    {{ return({
        'web_events': {'timestamp': 'occurred_at', 'event_type': 'event_type',
                       'subjects': ['account_id', 'anonymous_id']},
        'app_events': {'timestamp': 'occurred_at', 'event_type': 'event_type', 'subjects': ['account_id', 'device_id']},
        'esp_email_events': {'timestamp': 'occurred_at', 'event_type': 'event_type', 'subjects': []},
        'ads_ad_events': {'timestamp': 'occurred_at', 'event_type': 'event_type', 'subjects': ['anonymous_id']},
        'social_engagements': {'timestamp': 'occurred_at', 'event_type': 'engagement_type', 'subjects': ['handle']},
        'billing_subscription_events': {'timestamp': 'occurred_at', 'event_type': 'event_type',
                                        'subjects': ['account_id']},
    }) }}
{%- endmacro %}

{#- The raw tables var('cdp__retention') lists (entries with `days: null` included), sorted. -#}
{% macro cdp_retention_tables() -%}
    {{ return((var('cdp__retention', {}) or {}).keys() | list | sort) }}
{%- endmacro %}

{#- The retention rule of raw table `source_table`, defaults filled in and checked: {days, action, timestamp,
    event_type, subjects}; none when var('cdp__retention') does not list the table. `days` none = keep
    everything (a cutoff recorded by an earlier build still holds). -#}
{% macro cdp_retention_rule(source_table) -%}
    {%- set rules = var('cdp__retention', {}) or {} -%}
    {%- if source_table not in rules -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set given = rules[source_table] or {} -%}
    {%- set defaults = cdp_retention_table_defaults().get(source_table, {}) -%}
    {%- set rule = {
        'days': given.get('days'),
        'action': given.get('action', 'aggregate'),
        'timestamp': given.get('timestamp', defaults.get('timestamp')),
        'event_type': given.get('event_type', defaults.get('event_type')),
        'subjects': given.get('subjects', defaults.get('subjects', [])),
    } -%}
    {%- if rule['action'] not in ['drop', 'aggregate'] -%}
        {{ exceptions.raise_compiler_error('cdp__retention.' ~ source_table ~ ': action must be drop or aggregate, not '
            ~ rule['action']) }}
    {%- endif -%}
    {%- if rule['days'] is not none and (rule['days'] is not number or rule['days'] < 0) -%}
        {{ exceptions.raise_compiler_error('cdp__retention.' ~ source_table ~ ': days must be a whole number >= 0 or null, not '
            ~ rule['days']) }}
    {%- endif -%}
    {%- if not rule['timestamp'] -%}
        {{ exceptions.raise_compiler_error('cdp__retention.' ~ source_table ~ ': name the event-time column (timestamp:)') }}
    {%- endif -%}
    {#- Consent signals must outlive any window: an expired unsubscribe would make an older grant current again
        (int_consent_events), an expired hard bounce would make an address contactable again. -#}
    {%- if rule['days'] is not none and source_table in ['privacy_consent_events', 'esp_email_events'] -%}
        {{ exceptions.raise_compiler_error('cdp__retention.' ~ source_table ~ ': this table carries consent '
            ~ 'signals (unsubscribes, bounces, consent events), which must never expire; keep days: null '
            ~ '(docs/governance/retention.md)') }}
    {%- endif -%}
    {{ return(rule) }}
{%- endmacro %}

{#- The raw table (`web_events`) of a base, staged or quarantine model name (`base_web__events`,
    `stg_web__events`, `stg_web__events_quarantine`). -#}
{% macro cdp_retention_source_table(model_name) -%}
    {%- set name = model_name -%}
    {%- for prefix in ['base_', 'stg_'] if name.startswith(prefix) -%}
        {%- set name = name[prefix | length:] -%}
        {{ return(name.replace('_quarantine', '').replace('__', '_')) }}
    {%- endfor -%}
    {{ return(name) }}
{%- endmacro %}

{#- The base and staged model names of raw table `source_table` (`web_events` -> base_web__events,
    stg_web__events): the first underscore separates source and table. -#}
{% macro cdp_retention_model_name(source_table, layer) -%}
    {%- set parts = source_table.split('_', 1) -%}
    {{ return(layer ~ '_' ~ parts[0] ~ '__' ~ parts[1]) }}
{%- endmacro %}

{#- The work table in which the staged model `staged_relation` records the retention cutoff it applied. -#}
{% macro cdp_retention_cutoff_relation(staged_relation) -%}
    {{ return(cdp_work_relation(staged_relation.identifier, 'retention_cutoff', staged_relation)) }}
{%- endmacro %}

{#- A query of the as-of day of the data for retention: var('cdp__as_of_date') when set, else the day of the
    newest load that passed data quality in the sources int_as_of_date reads (web, orders, app, e-mail), from
    their base models: staging cannot read the intermediate layer. -#}
{% macro cdp_retention_as_of_date_sql() -%}
    {%- set bases = [ref('base_web__events'), ref('base_shop__orders'), ref('base_app__events'),
                     ref('base_esp__email_events')] -%}
    {%- if var('cdp__as_of_date') -%}
    select cast('{{ var("cdp__as_of_date") }}' as date) as as_of_date
    {%- else -%}
    select cast(max(loaded_at) as date) as as_of_date
    from (
        {%- for base in bases %}
        select max(loaded_at) as loaded_at from {{ base }} where dq_reason is null
        {%- if not loop.last %}
        union all
        {%- endif %}
        {%- endfor %}
    ) as newest_loads
    {%- endif -%}
{%- endmacro %}

{#- The retention cutoff of raw table `source_table` for this build, as a 'YYYY-MM-DD' string (rows whose event
    time is before that day, UTC, are expired), or none (keep everything): the later of the cutoff the window
    gives (the as-of day minus `days`) and the one the staged model `staged_relation` recorded (work table
    cdp_retention_cutoff_relation). `days` defaults to the rule's window; cdp_retention_dry_run passes the one
    it tries, for a table var('cdp__retention') may not list. Queries the warehouse at run time; none while
    parsing. -#}
{% macro cdp_retention_cutoff(source_table, staged_relation, days=none) -%}
    {%- set rule = cdp_retention_rule(source_table) -%}
    {%- if rule is none and days is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set days = days if days is not none else rule['days'] -%}
    {%- set as_of_sql = cdp_retention_as_of_date_sql() -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set cutoffs = [] -%}
    {%- if days is not none -%}
        {%- set cutoff_sql -%}
            select cast({{ dbt.dateadd('day', -1 * days, 'as_of_date') }} as date) as cutoff
            from ({{ as_of_sql }}) as as_of
        {%- endset -%}
        {%- set cutoff = cdp_scalar(cutoff_sql) -%}
        {%- if cutoff is not none -%}
            {%- do cutoffs.append((cutoff | string)[:10]) -%}
        {%- endif -%}
    {%- endif -%}
    {%- set recorded = cdp_retention_cutoff_relation(staged_relation) -%}
    {%- if load_relation(recorded) is not none -%}
        {%- set cutoff = cdp_scalar('select cast(max(retention_cutoff) as date) from ' ~ recorded) -%}
        {%- if cutoff is not none -%}
            {%- do cutoffs.append((cutoff | string)[:10]) -%}
        {%- endif -%}
    {%- endif -%}
    {{ return((cutoffs | max) if cutoffs else none) }}
{%- endmacro %}

{#- A condition true for the rows of raw table `source_table` (columns of its base model, optionally behind
    `alias`) the cutoff `cutoff` keeps: event time on or after that day, or unknown. -#}
{% macro cdp_retention_kept(source_table, cutoff, alias='') -%}
    {%- set column = (alias ~ '.' if alias else '') ~ cdp_retention_rule(source_table)['timestamp'] -%}
    coalesce({{ column }} >= cast('{{ cutoff }}' as {{ dbt.type_timestamp() }}), true)
{%- endmacro %}

{#- Post-hook of a staged model under retention: record the cutoff this build applied (see
    cdp_retention_cutoff) in its work table, so no later build applies an earlier one. Nothing when there is
    none. -#}
{% macro cdp_retention_remember_cutoff(source_table) -%}
    {%- if execute -%}
        {%- set cutoff = cdp_retention_cutoff(source_table, this) -%}
        {%- if cutoff is not none -%}
            {%- do cdp_replace_work_table(cdp_retention_cutoff_relation(this),
                'select cast(\'' ~ cutoff ~ '\' as ' ~ dbt.type_timestamp() ~ ') as retention_cutoff') -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- The work table in which fct_retention_expired_daily (`relation`, default `this`) keeps the record key of
    every row it has counted (`source_table`, `record_key`), so no row is counted twice. -#}
{% macro cdp_retention_ledger_relation(relation=none) -%}
    {%- set relation = relation if relation is not none else this -%}
    {{ return(cdp_work_relation(relation.identifier, 'expired_keys', relation)) }}
{%- endmacro %}

{#- A query of the deliveries of raw table `source_table` that expire in this build: those its staged model
    leaves out for the cutoff `cutoff` (they pass data quality, are their key's latest delivery, and happened
    before the cutoff), read from its base model, whose key the ledger (cdp_retention_ledger_relation) does not
    hold yet. Every column of the base model. -#}
{% macro cdp_retention_newly_expired(source_table, cutoff) -%}
    {%- set base = ref(cdp_retention_model_name(source_table, 'base')) -%}
    {%- set delivery = cdp_delivery_spec(base) -%}
    {%- set key = delivery['key'] -%}
    {%- set expired = cdp_retention_expired_before(source_table, cutoff) -%}
    {%- set ledger = cdp_retention_ledger_relation() -%}
    {%- set has_ledger = execute and load_relation(ledger) is not none -%}
    select *
    from (
        select
            deliveries.*,
            row_number() over (partition by {{ key }} order by {{ delivery['order'] }}) as delivery_rank
        from {{ base }} as deliveries
        where {{ key }} in (select {{ key }} from {{ base }} where dq_reason is null and {{ expired }})
    ) as ranked_deliveries
    where
        delivery_rank = 1
        and dq_reason is null
        and {{ expired }}
        {%- if has_ledger %}
        and not exists (
            select 1 from {{ ledger }} as counted
            where
                counted.source_table = '{{ source_table }}'
                and counted.record_key = cast(ranked_deliveries.{{ key }} as {{ dbt.type_string() }})
        )
        {%- endif %}
{%- endmacro %}

{#- The condition "the event time of a row of raw table `source_table` is before the cutoff day `cutoff`". -#}
{% macro cdp_retention_expired_before(source_table, cutoff) -%}
    {{- cdp_retention_rule(source_table)['timestamp'] }} < cast('{{ cutoff }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{#- A query of the rows of fct_retention_expired_daily a build adds for raw table `source_table`: the deliveries
    that expire in this build (cdp_retention_newly_expired), grouped by day and, for `action: aggregate`, event
    type and subject. No rows when the table has no cutoff; `source_table` none: the typed empty query. -#}
{% macro cdp_retention_expired_rows(source_table) -%}
    {%- set rule = cdp_retention_rule(source_table) if source_table is not none else none -%}
    {%- set cutoff = none -%}
    {%- if rule is not none -%}
        {%- set base = ref(cdp_retention_model_name(source_table, 'base')) -%}
        {%- set cutoff = cdp_retention_cutoff(source_table, ref(cdp_retention_model_name(source_table, 'stg'))) -%}
    {%- endif -%}
    {%- if cutoff is none -%}
    select
        cast(null as {{ dbt.type_string() }}) as source_table,
        cast(null as date) as event_date,
        cast(null as {{ dbt.type_string() }}) as event_type,
        cast(null as {{ dbt.type_string() }}) as subject_type,
        cast(null as {{ dbt.type_string() }}) as subject_id,
        cast(null as {{ dbt.type_string() }}) as retention_action,
        cast(null as {{ dbt.type_bigint() }}) as event_count,
        cast(null as {{ dbt.type_timestamp() }}) as retention_cutoff,
        cast(null as {{ dbt.type_timestamp() }}) as loaded_until
    where 1 = 0
    {%- else -%}
        {%- set ts = rule['timestamp'] -%}
        {%- set loaded_until = cdp_scalar('select max(loaded_at) from ' ~ base) -%}
        {%- set aggregated = rule['action'] == 'aggregate' -%}
        {%- set subjects = rule['subjects'] if aggregated else [] -%}
        {%- set event_type = ('cast(' ~ rule['event_type'] ~ ' as ' ~ dbt.type_string() ~ ')')
            if aggregated and rule['event_type'] else 'cast(null as ' ~ dbt.type_string() ~ ')' -%}
        {%- set subject_type -%}
            {%- if subjects -%}
            case
                {%- for subject in subjects %}
                when {{ subject }} is not null then '{{ subject }}'
                {%- endfor %}
            end
            {%- else -%}
            cast(null as {{ dbt.type_string() }})
            {%- endif -%}
        {%- endset -%}
        {%- set subject_id -%}
            {%- if subjects -%}
            coalesce(
                {%- for subject in subjects %}
                cast({{ subject }} as {{ dbt.type_string() }}){{ ',' if not loop.last }}
                {%- endfor %}
            )
            {%- else -%}
            cast(null as {{ dbt.type_string() }})
            {%- endif -%}
        {%- endset -%}
    select
        cast('{{ source_table }}' as {{ dbt.type_string() }}) as source_table,
        cast({{ ts }} as date) as event_date,
        {{ event_type }} as event_type,
        {{ subject_type }} as subject_type,
        {{ subject_id }} as subject_id,
        cast('{{ rule["action"] }}' as {{ dbt.type_string() }}) as retention_action,
        cast(count(*) as {{ dbt.type_bigint() }}) as event_count,
        cast('{{ cutoff }}' as {{ dbt.type_timestamp() }}) as retention_cutoff,
        cast({{ "'" ~ loaded_until ~ "'" if loaded_until is not none else 'null' }} as {{ dbt.type_timestamp() }})
            as loaded_until
    from ({{ cdp_retention_newly_expired(source_table, cutoff) }}) as newly_expired
    group by
        cast({{ ts }} as date),
        {{ event_type }},
        {{ subject_type }},
        {{ subject_id }}
    {%- endif -%}
{%- endmacro %}

{#- Post-hook of fct_retention_expired_daily: add the record keys it counted in this build (the same
    cdp_retention_newly_expired rows, the ledger not yet holding them) to its ledger, created when a table first
    has a cutoff (none while every window is null, as in the demo). -#}
{% macro cdp_retention_record_expired_keys() -%}
    {%- if execute -%}
        {%- set ledger = cdp_retention_ledger_relation() -%}
        {%- for source_table in cdp_retention_tables() -%}
            {%- set staged = ref(cdp_retention_model_name(source_table, 'stg')) -%}
            {%- set cutoff = cdp_retention_cutoff(source_table, staged) -%}
            {%- if cutoff is not none -%}
                {%- do run_query('create table if not exists ' ~ ledger ~ ' (source_table ' ~ dbt.type_string()
                    ~ ', record_key ' ~ dbt.type_string() ~ ')') -%}
                {%- set key = cdp_delivery_spec(ref(cdp_retention_model_name(source_table, 'base')))['key'] -%}
                {%- set insert_sql -%}
                    insert into {{ ledger }} (source_table, record_key)
                    select '{{ source_table }}', cast({{ key }} as {{ dbt.type_string() }})
                    from ({{ cdp_retention_newly_expired(source_table, cutoff) }}) as newly_expired
                {%- endset -%}
                {%- do run_query(insert_sql) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
