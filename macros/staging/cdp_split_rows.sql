{#- The rows of a validated base model that passed (`passed=true`: the staged model, without the `dq_reason`
    column) or failed (`passed=false`: the quarantine model, with it) their data-quality checks. -#}
{% macro cdp_split_rows(base_relation, passed=true) -%}
    {%- if passed %}
select {{ cdp_star(base_relation, except=['dq_reason']) }}
from {{ base_relation }}
where dq_reason is null
    {%- else %}
select *
from {{ base_relation }}
where dq_reason is not null
    {%- endif %}
{%- endmacro %}
