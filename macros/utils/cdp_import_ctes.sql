{#- The import CTEs of a model that reads a list of models: `<name> as (select * from ref(name)),` for each,
    each followed by a comma (the model's own CTEs come after). For models whose inputs are configuration. -#}
{% macro cdp_import_ctes(model_names) -%}
    {%- for model_name in model_names %}
{{ model_name }} as (

    select * from {{ ref(model_name) }}

),
{% endfor -%}
{%- endmacro %}
