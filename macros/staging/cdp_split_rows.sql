{#- The rows of a validated base model that passed (`passed=true`: the staged model, without `dq_reason`) or
    failed (`passed=false`: the quarantine model, with it) their data-quality checks.

    Row-level checks are the base model's own `dq_reason`. The one check across rows is added here:
    `duplicate_key`, true for every delivery of a record key but the latest. The base model declares the key
    and the order that ranks deliveries (latest first) with cdp_base_model_config (meta `cdp_delivery_key`,
    `cdp_delivery_order`).
    Only keys delivered more than once are ranked, so the window never sorts the whole table; NULL keys are
    never duplicates (they fail `missing_key`). -#}
{% macro cdp_split_rows(base_relation, passed=true) -%}
    {%- set delivery = cdp_delivery_spec(base_relation) -%}
    {%- set key = delivery['key'] -%}
with

deliveries as (

    select * from {{ base_relation }}

),

redelivered_keys as (

    select {{ key }} as redelivered_key
    from deliveries
    where {{ key }} is not null
    group by {{ key }}
    having count(*) > 1

),

single_deliveries as (

    select
        deliveries.*,
        false as is_superseded
    from deliveries
    left join redelivered_keys
        on deliveries.{{ key }} = redelivered_keys.redelivered_key
    where redelivered_keys.redelivered_key is null

),

redeliveries as (

    select
        deliveries.*,
        row_number() over (
            partition by deliveries.{{ key }}
            order by {{ delivery['order'] }}
        ) > 1 as is_superseded
    from deliveries
    inner join redelivered_keys
        on deliveries.{{ key }} = redelivered_keys.redelivered_key

),

ranked as (

    select * from single_deliveries
    union all
    select * from redeliveries

)

    {%- set columns = cdp_star(base_relation, except=['dq_reason', 'loaded_month']) %}
    {%- if passed %}
select {{ columns }}
from ranked
where dq_reason is null and not is_superseded
    {%- else %}
select
    {{ columns }},
    nullif(concat_ws(',', case when is_superseded then 'duplicate_key' end, dq_reason), '') as dq_reason
from ranked
where dq_reason is not null or is_superseded
    {%- endif %}
{%- endmacro %}

{#- The record key and delivery order a base model declares in its meta (see cdp_split_rows). -#}
{% macro cdp_delivery_spec(base_relation) -%}
    {%- if not execute -%}
        {{ return({'key': 'loaded_at', 'order': 'loaded_at desc'}) }}
    {%- endif -%}
    {%- for node in graph.nodes.values()
        if node.resource_type == 'model' and node.alias == base_relation.identifier -%}
        {%- set meta = node.config.meta -%}
        {%- if 'cdp_delivery_key' not in meta -%}
            {{ exceptions.raise_compiler_error(node.name ~ ' declares no meta cdp_delivery_key') }}
        {%- endif -%}
        {{ return({'key': meta['cdp_delivery_key'], 'order': meta.get('cdp_delivery_order', 'loaded_at desc')}) }}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error('no model builds ' ~ base_relation) }}
{%- endmacro %}
