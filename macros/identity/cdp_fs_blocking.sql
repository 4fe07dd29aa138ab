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
