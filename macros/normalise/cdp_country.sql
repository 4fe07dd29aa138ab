{#- ISO-3166 alpha-2 code for a country written as a code or a name in any spelling listed under
    var('cdp__countries') aliases; other two-letter codes are upper-cased and kept; anything else is NULL. -#}
{% macro cdp_normalise_country(expr) -%}
    {%- set cleaned = "lower(" ~ cdp_clean_text(expr) ~ ")" -%}
    case
        {%- for iso, rule in var('cdp__countries').items() %}
        when {{ cleaned }} in ('{{ iso | lower }}'
            {%- for alias in rule['aliases'] -%}, '{{ alias }}'{%- endfor -%}) then '{{ iso }}'
        {%- endfor %}
        when {{ cdp_regexp_matches(cleaned, '^[a-z]{2}$') }} then upper({{ cleaned }})
    end
{%- endmacro %}
