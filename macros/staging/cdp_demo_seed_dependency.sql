{#- Declare that a base model reads the demo seed standing in for its raw table. dbt's `source()` creates no
    edge to a seed, so without this a plain `dbt build` could create a staging view before its seed table
    exists. Renders a `depends_on` comment; nothing when var('cdp__demo_seeds') is false (no demo seeds). -#}
{% macro cdp_demo_seed_dependency(seed_name) -%}
    {%- if var('cdp__demo_seeds') -%}
        -- depends_on: {{ ref(seed_name) }}
    {%- endif -%}
{%- endmacro %}
