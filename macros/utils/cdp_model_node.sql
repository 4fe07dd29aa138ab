{#- The manifest node of a model, from the graph; none in a unit test, which compiles the model without one. -#}
{% macro cdp_model_node(model_name) -%}
    {{ return((graph.get('nodes') or {}).get('model.' ~ project_name ~ '.' ~ model_name)) }}
{%- endmacro %}

{#- A documented column's meta (pii class, masking), under `config:` (dbt >= 1.10) or directly on the column. -#}
{% macro cdp_column_meta(column) -%}
    {{ return((column.config.get('meta', {}) if column.config is defined else {}) or column.meta or {}) }}
{%- endmacro %}
