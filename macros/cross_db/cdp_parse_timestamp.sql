{#- Parse an ISO-8601 string (with an offset, `Z`, or none: then UTC) into a UTC timestamp without time zone.
    Unparseable input gives NULL on both engines. -#}
{% macro cdp_parse_timestamp(expr) -%}
    {{ return(adapter.dispatch('cdp_parse_timestamp', 'cdp')(expr)) }}
{%- endmacro %}

{% macro default__cdp_parse_timestamp(expr) -%}
    cast({{ expr }} as {{ dbt.type_timestamp() }})
{%- endmacro %}

{% macro duckdb__cdp_parse_timestamp(expr) -%}
    timezone('UTC', try_cast({{ expr }} as timestamptz))
{%- endmacro %}

{% macro spark__cdp_parse_timestamp(expr) -%}
    {#- The session time zone is UTC (profiles.yml), so naive strings are read as UTC. -#}
    try_cast({{ expr }} as timestamp)
{%- endmacro %}


{#- Turn a Unix epoch string or number (`unit`: 's' or 'ms') into a UTC timestamp; NULL when not a number or
    outside years 1970-9999 (so an overlong digit string cannot overflow). -#}
{% macro cdp_epoch_to_timestamp(expr, unit='ms') -%}
    {%- set value = "try_cast(" ~ expr ~ " as bigint)" -%}
    {%- set limit = 253402300800000 if unit == 'ms' else 253402300800 -%}
    case
        when {{ value }} between 0 and {{ limit }}
            then {{ adapter.dispatch('cdp_epoch_to_timestamp', 'cdp')(value, unit) }}
    end
{%- endmacro %}

{% macro default__cdp_epoch_to_timestamp(value, unit='ms') -%}
    make_timestamp({{ value }} * {{ 1000 if unit == 'ms' else 1000000 }})
{%- endmacro %}

{% macro spark__cdp_epoch_to_timestamp(value, unit='ms') -%}
    {{ 'timestamp_millis' if unit == 'ms' else 'timestamp_seconds' }}({{ value }})
{%- endmacro %}


{#- Parse a date written in one of `formats` (tried in order; portable names: 'YYYY-MM-DD', 'DD/MM/YYYY',
    'MM/DD/YYYY', 'DD.MM.YYYY', 'YYYYMMDD'). Impossible dates (31/02) give NULL. -#}
{% macro cdp_parse_date(expr, formats=['YYYY-MM-DD']) -%}
    {%- set parsed = [] -%}
    {%- for format in formats -%}
        {%- do parsed.append(adapter.dispatch('cdp_parse_date_as', 'cdp')(expr, format)) -%}
    {%- endfor -%}
    {%- if parsed | length == 1 -%}
        {{ parsed[0] }}
    {%- else -%}
        coalesce({{ parsed | join(', ') }})
    {%- endif -%}
{%- endmacro %}

{% macro cdp_date_format_patterns() -%}
    {#- Portable date format name -> (strptime pattern, Java DateTimeFormatter pattern). -#}
    {{ return({
        'YYYY-MM-DD': ('%Y-%m-%d', 'yyyy-M-d'),
        'DD/MM/YYYY': ('%d/%m/%Y', 'd/M/yyyy'),
        'MM/DD/YYYY': ('%m/%d/%Y', 'M/d/yyyy'),
        'DD.MM.YYYY': ('%d.%m.%Y', 'd.M.yyyy'),
        'YYYYMMDD': ('%Y%m%d', 'yyyyMMdd'),
    }) }}
{%- endmacro %}

{% macro default__cdp_parse_date_as(expr, format) -%}
    cast(try_strptime({{ expr }}, '{{ cdp_date_format_patterns()[format][0] }}') as date)
{%- endmacro %}

{% macro spark__cdp_parse_date_as(expr, format) -%}
    cast(try_to_timestamp({{ expr }}, '{{ cdp_date_format_patterns()[format][1] }}') as date)
{%- endmacro %}
