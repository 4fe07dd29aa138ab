{#- A phone number in E.164 (`+84912345678`), or NULL when it cannot be one.
    `expr` should be a column (the macro refers to it many times), `country` is an expression giving the record's ISO-3166 alpha-2 country (NULL: var('cdp__default_country')),
    used for numbers written in national format. Accepts `+` and `00` international prefixes, spaces, dots,
    dashes and parentheses, national trunk prefixes, and the calling code written without `+`.
    Rules per country come from var('cdp__countries'); placeholder numbers (all one digit, 1234567890) are NULL. -#}
{% macro cdp_phone_to_e164(expr, country='null') -%}
    {%- set countries = var('cdp__countries') -%}
    {%- set raw = "trim(" ~ expr ~ ")" -%}
    {%- set digits = cdp_regexp_replace_all(expr, '[^0-9]', '') -%}
    {%- set country_code = "coalesce(" ~ country ~ ", '" ~ var('cdp__default_country') ~ "')" -%}
    {%- set candidate -%}
    case
        when {{ digits }} = '' or {{ digits }} is null then null
        when replace({{ digits }}, substr({{ digits }}, 1, 1), '') = '' then null
        when {{ digits }} in ('1234567890', '0123456789', '123456789', '12345678') then null
        when {{ raw }} like '+%' then concat('+', {{ digits }})
        when {{ digits }} like '00%' then concat('+', substr({{ digits }}, 3))
        {%- for iso, rule in countries.items() %}
            {%- set code = rule['calling_code'] -%}
            {%- set trunk = rule['trunk_prefix'] -%}
            {%- set lengths = rule['nsn_lengths'] | join(', ') %}
            {%- if trunk %}
        when {{ country_code }} = '{{ iso }}' and {{ digits }} like '{{ trunk }}%'
            and length({{ digits }}) - {{ trunk | length }} in ({{ lengths }})
            then concat('+{{ code }}', substr({{ digits }}, {{ (trunk | length) + 1 }}))
            {%- endif %}
        when {{ country_code }} = '{{ iso }}' and {{ digits }} like '{{ code }}%'
            and length({{ digits }}) - {{ code | length }} in ({{ lengths }})
            then concat('+', {{ digits }})
        when {{ country_code }} = '{{ iso }}' and length({{ digits }}) in ({{ lengths }})
            then concat('+{{ code }}', {{ digits }})
        {%- endfor %}
    end
    {%- endset -%}
    nullif(regexp_extract({{ candidate }}, '^[+][1-9][0-9]{7,14}$', 0), '')
{%- endmacro %}
