{#- A setting of the Fellegi-Sunter matcher: the `cdp__` var of that name (defaults in dbt_project.yml under
    "Identity: probabilistic matching"). One entry point so every fs model reads settings the same way. -#}
{% macro cdp_fs_setting(name) -%}
    {{ return(var(name)) }}
{%- endmacro %}
