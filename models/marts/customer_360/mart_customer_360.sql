{#- One wide row per customer: the golden record joined with the engagement, behavioral and attitudinal
    rollups and the customer's segment, the parts listed once in var('cdp__customer_360_parts') (which the
    360's generated yml reads too). Every column is the published column of its part (cdp_documented_columns),
    so the 360 stays in step with the marts it joins. -#}
{%- set parts = var('cdp__customer_360_parts') -%}
{%- set spine = parts[0].model -%}
with
{{ cdp_import_ctes(parts | map(attribute='model') | list) }}
final as (

    select
    {%- for part in parts %}
        {{ cdp_documented_columns(
            part.model, part.model,
            except=part.get('exclude', [] if loop.first else ['customer_id']),
            rename=part.get('rename', {}),
            only=part.get('only', [])
        ) }}{{ ',' if not loop.last }}
    {%- endfor %}
    from {{ spine }}
    {%- for part in parts[1:] %}
    left join {{ part.model }} on {{ spine }}.customer_id = {{ part.model }}.customer_id
    {%- endfor %}

)

select * from final
