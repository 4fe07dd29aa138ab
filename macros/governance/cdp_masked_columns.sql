{#- The select list of a masked copy of `model_name` for BI readers, driven by each column's meta:
    `pii: direct` columns are hashed (salted SHA-256 of the lower-cased text, still joinable and countable) or,
    with `masking: redact`, replaced by NULL; `linkable` and `none` columns pass unchanged. A column without a
    pii class fails the build: nothing reaches BI unclassified. The salt comes from the environment variable
    named by var('cdp__pii_salt_env'). -#}
{% macro cdp_masked_columns(model_name, relation_alias) -%}
    {%- if not execute -%}
        {{ return('*') }}
    {%- endif -%}
    {%- set node = graph.nodes.get('model.' ~ project_name ~ '.' ~ model_name) -%}
    {%- if node is none -%}
        {{ exceptions.raise_compiler_error("cdp_masked_columns: no model " ~ model_name) }}
    {%- endif -%}
    {%- set salt = env_var(var('cdp__pii_salt_env'), '') -%}
    {%- if not salt -%}
        {{ log("cdp: " ~ var('cdp__pii_salt_env') ~ " is not set; masking with the public demo salt", info=true) }}
        {%- set salt = 'cdp-demo-salt' -%}
    {%- endif -%}
    {%- set columns = [] -%}
    {%- for column in node.columns.values() -%}
        {%- set meta = column.config.get('meta', {}) if column.config is defined else {} -%}
        {%- set meta = meta or column.meta or {} -%}
        {%- set column_sql = relation_alias ~ '.' ~ column.name -%}
        {%- if meta.get('pii') == 'direct' and meta.get('masking') == 'redact' -%}
            {%- do columns.append('cast(null as ' ~ (column.data_type or dbt.type_string()) ~ ') as ' ~ column.name) -%}
        {%- elif meta.get('pii') == 'direct' -%}
            {#- `||` is NULL-strict on both engines (DuckDB's concat() is not): NULL stays NULL. -#}
            {%- do columns.append(cdp_sha256("'" ~ salt ~ "' || lower(cast(" ~ column_sql ~ ' as '
                ~ dbt.type_string() ~ '))') ~ ' as ' ~ column.name) -%}
        {%- elif meta.get('pii') in ('linkable', 'none') -%}
            {%- do columns.append(column_sql) -%}
        {%- else -%}
            {{ exceptions.raise_compiler_error("cdp_masked_columns: column " ~ model_name ~ "." ~ column.name
                ~ " has no pii class (meta pii: direct | linkable | none)") }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(columns | join(',\n        ')) }}
{%- endmacro %}
