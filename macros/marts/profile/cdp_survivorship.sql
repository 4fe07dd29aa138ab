{#- Survivorship: the ORDER BY that ranks a customer's candidate values of one attribute, best first.
    rule: most_recent | most_trusted | most_frequent | first_seen. Ties fall to source trust, then recency, then
    the record key, so the winner is deterministic. Expects columns observed_at, source_table, record_key and
    (for most_frequent) value_count. -#}
{% macro cdp_survivorship_order(rule, source_trust) -%}
    {%- set trust_rank -%}
        case source_table
            {%- for source_table in source_trust %}
            when '{{ source_table }}' then {{ loop.index }}
            {%- endfor %}
            else {{ source_trust | length + 1 }}
        end
    {%- endset -%}
    {%- if rule == 'most_recent' -%}
        observed_at desc nulls last, {{ trust_rank }}, record_key
    {%- elif rule == 'most_trusted' -%}
        {{ trust_rank }}, observed_at desc nulls last, record_key
    {%- elif rule == 'most_frequent' -%}
        value_count desc, {{ trust_rank }}, observed_at desc nulls last, record_key
    {%- elif rule == 'first_seen' -%}
        observed_at asc nulls last, {{ trust_rank }}, record_key
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            "cdp__survivorship: unknown rule '" ~ rule
            ~ "' (use most_recent, most_trusted, most_frequent or first_seen)") }}
    {%- endif -%}
{%- endmacro %}

{#- The age band of an age in whole years (NULL -> 'unknown'). -#}
{% macro cdp_age_group(age_expression) -%}
    case
        when {{ age_expression }} is null then 'unknown'
        when {{ age_expression }} < 18 then 'under_18'
        when {{ age_expression }} < 25 then '18_24'
        when {{ age_expression }} < 35 then '25_34'
        when {{ age_expression }} < 45 then '35_44'
        when {{ age_expression }} < 55 then '45_54'
        when {{ age_expression }} < 65 then '55_64'
        else '65_plus'
    end
{%- endmacro %}

{#- Age in whole years on `as_of_expression` of someone born on `birth_date_expression`. -#}
{% macro cdp_age_in_years(birth_date_expression, as_of_expression) -%}
    (
        extract(year from {{ as_of_expression }}) - extract(year from {{ birth_date_expression }})
        - case
            when extract(month from {{ as_of_expression }}) * 100 + extract(day from {{ as_of_expression }})
                < extract(month from {{ birth_date_expression }}) * 100
                + extract(day from {{ birth_date_expression }})
                then 1
            else 0
        end
    )
{%- endmacro %}

{#- One `<group>_survivor` CTE per attribute group of `survivorship` (var('cdp__survivorship')), each holding
    the winning record's columns and `<group>_source` per customer, comma-terminated to sit in a WITH list.
    `candidates` names a CTE / relation with customer_id, record_key, source_table, observed_at and the
    groups' columns. Only a most_frequent group counts its values (a window pass the other rules do not need). -#}
{% macro cdp_survivor_ctes(candidates, survivorship) -%}
    {%- for group, settings in survivorship.attributes.items() %}
        {%- set columns = settings.columns %}
        {%- set source_trust = settings.get('source_trust', survivorship.source_trust) %}
{{ group }}_survivor as (

    select
        customer_id,
        {{ columns | join(', ') }},
        source_table as {{ group }}_source
    from (
        select
            customer_id,
            {{ columns | join(', ') }},
            source_table,
            row_number() over (
                partition by customer_id
                order by {{ cdp_survivorship_order(settings.rule, source_trust) }}
            ) as survivor_rank
        from (
            select
                *
                {%- if settings.rule == 'most_frequent' %},
                count(*) over (partition by customer_id, {{ columns | join(', ') }}) as value_count
                {%- endif %}
            from {{ candidates }}
            where
                {{ columns[0] }} is not null
                {%- if settings.source_trust is defined %}
                and source_table in ({{ cdp_string_list(settings.source_trust) }})
                {%- endif %}
        ) as {{ group }}_candidates
    ) as {{ group }}_ranked
    where survivor_rank = 1

),
    {% endfor -%}
{%- endmacro %}

{#- A UNION ALL of person-record sources in one shape: every attribute of `attributes` (name -> SQL type) taken
    from the source's `columns` (a list of same-named columns, or a mapping attribute -> SQL expression), NULL
    where the source has none, plus source_table, record_id and observed_at. -#}
{% macro cdp_union_profile_claims(sources, attributes) -%}
    {%- for source in sources %}
    select
        '{{ source.table }}' as source_table,
        {{ source.id }} as record_id,
        {%- for attribute, data_type in attributes.items() %}
            {%- if attribute in source.columns %}
        cast({{ source.columns[attribute] if source.columns is mapping else attribute }} as {{ data_type }})
            as {{ attribute }},
            {%- else %}
        cast(null as {{ data_type }}) as {{ attribute }},
            {%- endif %}
        {%- endfor %}
        {{ source.observed_at }} as observed_at
    from {{ ref(source.model) }}
        {%- if not loop.last %}
    union all
        {%- endif %}
    {%- endfor %}
{%- endmacro %}
