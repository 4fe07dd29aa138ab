{#- The address to contact someone at: cleaned and lower-cased, NULL when it is not a syntactically valid
    address. Keeps plus-tags and dots: this is what we send to. -#}
{% macro cdp_normalise_email(expr) -%}
    {%- set cleaned = "lower(" ~ cdp_clean_text(expr) ~ ")" -%}
    case when {{ cdp_is_valid_email(cleaned) }} then {{ cleaned }} end
{%- endmacro %}


{#- True when an already lower-cased address looks deliverable: one @, a local part of allowed characters
    without leading, trailing or doubled dots, and a domain with a TLD of two letters or more. -#}
{% macro cdp_is_valid_email(expr) -%}
    coalesce(
        {{ cdp_regexp_matches(expr, '^[a-z0-9_%+-]+([.][a-z0-9_%+-]+)*@[a-z0-9-]+([.][a-z0-9-]+)*[.][a-z]{2,}$') }},
        false
    )
{%- endmacro %}


{#- The key two addresses of one mailbox share: drop the +tag, and for Gmail drop the dots and map
    googlemail.com to gmail.com. Expects the output of cdp_normalise_email. -#}
{% macro cdp_email_match_key(expr) -%}
    {%- set local_part = dbt.split_part(dbt.split_part(expr, "'@'", 1), "'+'", 1) -%}
    {%- set domain = dbt.split_part(expr, "'@'", 2) -%}
    case
        when {{ expr }} is null then null
        when {{ domain }} in ('gmail.com', 'googlemail.com')
            then concat(replace({{ local_part }}, '.', ''), '@gmail.com')
        else concat({{ local_part }}, '@', {{ domain }})
    end
{%- endmacro %}
