{#- The day marts treat as "today", as a scalar subquery over int_as_of_date (see var('cdp__as_of_date')). -#}
{% macro cdp_as_of_date() -%}
    (select as_of_date from {{ ref('int_as_of_date') }})
{%- endmacro %}
