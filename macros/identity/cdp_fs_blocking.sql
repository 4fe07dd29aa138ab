{#- The block key of a blocking rule (a list of SQL expressions): the expressions cast to string and joined
    with '||', one per line. -#}
{% macro cdp_fs_block_key(rule) -%}
    concat_ws(
        '||'{% for expr in rule %},
        cast({{ expr }} as string){% endfor %}
    )
{%- endmacro %}


{#- True when none of a blocking rule's expressions is NULL (records missing one are in no block). -#}
{% macro cdp_fs_block_filter(rule) -%}
    {%- for expr in rule %}
        {% if not loop.first %}and {% endif %}{{ expr }} is not null
    {%- endfor %}
{%- endmacro %}


{#- The order of records inside a block for the sorted-neighbourhood window: the fields of
    var('cdp__block_sort_expressions'), missing values last, so records of one person (same date of birth,
    postcode, e-mail) sit next to each other in a block of many people with the same name. -#}
{% macro cdp_fs_block_sort_key() -%}
    {%- for expr in cdp_fs_setting('cdp__block_sort_expressions') -%}
        case when {{ expr }} is null then 1 else 0 end, {{ expr }}{% if not loop.last %}, {% endif %}
    {%- endfor -%}
{%- endmacro %}
