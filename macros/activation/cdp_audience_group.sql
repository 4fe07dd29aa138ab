{#- The group of an audience member, cut from cdp_hash_bucket('<audience>:<customer_id>', 100): buckets below
    `holdout_percent` are the holdout (never sent), the rest go to the `splits` ({group: percent}, in order) or,
    without splits, to 'treatment'. Deterministic: a customer stays in their group from build to build. -#}
{% macro cdp_audience_group(customer_id, audience_name, holdout_percent, splits) -%}
    {%- set bucket = cdp_hash_bucket("'" ~ audience_name ~ ":' || " ~ customer_id, 100) -%}
    {%- set ns = namespace(upper=holdout_percent) -%}
    case
        {%- if holdout_percent > 0 %}
        when {{ bucket }} < {{ holdout_percent }} then 'holdout'
        {%- endif %}
        {%- for group, percent in splits.items() %}
            {%- set ns.upper = ns.upper + percent %}
        when {{ bucket }} < {{ ns.upper }} then '{{ group }}'
        {%- endfor %}
        else 'treatment'
    end
{%- endmacro %}
