{#- The data-quality verdict of a row: NULL when it passes every check, otherwise the comma-separated codes
    of the checks it fails, in the order given. `checks` is a list of (failure condition, reason code). -#}
{% macro cdp_dq_reason(checks) -%}
    nullif(concat_ws(','
        {%- for condition, reason in checks %},
        case when {{ condition }} then '{{ reason }}' end
        {%- endfor %}
    ), '')
{%- endmacro %}
