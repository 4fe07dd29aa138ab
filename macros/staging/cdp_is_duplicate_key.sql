{#- True for every row but the latest delivery of a record key (NULL keys are never duplicates: they fail
    `missing_key`). `order_by` ranks deliveries, latest first. -#}
{% macro cdp_is_duplicate_key(key, order_by='loaded_at desc') -%}
    {{ key }} is not null and row_number() over (partition by {{ key }} order by {{ order_by }}) > 1
{%- endmacro %}
