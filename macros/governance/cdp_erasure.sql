{#- Erasure (right to be forgotten): the salted hash the suppression list and tombstones keep instead of an
    identifier, and the select list that empties a person's PII in a mart. See docs/governance/erasure.md. -#}

{#- The secret salt of every PII hash (masked views, erasure suppression list, tombstones): the environment
    variable named by var('cdp__pii_salt_env'). Unset: the build fails when var('cdp__require_pii_salt') is true
    (production), else the public demo salt is used. A quote or backslash is refused (the salt is a SQL literal).
    Stable salts matter: the suppression list is matched by hash, so a new salt forgets who was erased. -#}
{% macro cdp_pii_salt() -%}
    {%- set env_name = var('cdp__pii_salt_env') -%}
    {%- set salt = env_var(env_name, '') -%}
    {%- if not salt and var('cdp__require_pii_salt') -%}
        {{ exceptions.raise_compiler_error("cdp: " ~ env_name ~ " is not set and var cdp__require_pii_salt is"
            ~ " true: set the secret PII salt in the environment (docs/governance/masking.md)") }}
    {%- elif "'" in salt or "\\" in salt -%}
        {{ exceptions.raise_compiler_error("cdp: " ~ env_name ~ " must not contain a quote or a backslash") }}
    {%- endif -%}
    {%- if not salt and execute -%}
        {{ log("cdp: " ~ env_name ~ " is not set: hashing with the public demo salt", info=false) }}
    {%- endif -%}
    {{ return(salt or 'cdp-demo-salt') }}
{%- endmacro %}

{#- Salted SHA-256 (lower-case hex) of a string expression: sha256(salt || expr). NULL stays NULL. -#}
{% macro cdp_pii_hash(expr) -%}
    {{ cdp_sha256("'" ~ cdp_pii_salt() ~ "' || " ~ expr) }}
{%- endmacro %}

{#- The columns of `model_name` (its yml, in order) an erasure empties: every `pii: direct` column and every
    `pii: linkable` one but the keys in `keep` (a pseudonymous key facts still add up on). -#}
{% macro cdp_erasable_columns(model_name, keep=['customer_id']) -%}
    {%- set node = cdp_model_node(model_name) -%}
    {%- if node is none and model.resource_type == 'unit_test' -%}
        {{ return([]) }}
    {%- elif node is none -%}
        {{ exceptions.raise_compiler_error("cdp_erasable_columns: no model " ~ model_name) }}
    {%- endif -%}
    {%- set erasable = [] -%}
    {%- for column in node.columns.values() -%}
        {%- set meta = cdp_column_meta(column) -%}
        {%- if meta.get('pii') == 'direct' or (meta.get('pii') == 'linkable' and column.name not in keep) -%}
            {%- do erasable.append(column.name) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(erasable) }}
{%- endmacro %}

{#- The select list of `model_name`'s documented columns read from `relation_alias`, each erasable column
    (cdp_erasable_columns) NULL where `erased` (a boolean SQL expression) holds, cast to its contract type. -#}
{% macro cdp_erased_columns(model_name, relation_alias, erased, keep=['customer_id']) -%}
    {%- if not execute -%}
        {{ return(relation_alias ~ '.*') }}
    {%- endif -%}
    {%- set node = cdp_model_node(model_name) -%}
    {%- if node is none and model.resource_type == 'unit_test' -%}
        {{ return(relation_alias ~ '.*') }}
    {%- endif -%}
    {%- set erasable = cdp_erasable_columns(model_name, keep) -%}
    {%- set columns = [] -%}
    {%- for column in node.columns.values() -%}
        {%- set column_sql = relation_alias ~ '.' ~ column.name -%}
        {%- if column.name in erasable -%}
            {%- do columns.append('case when ' ~ erased ~ ' then cast(null as ' ~ (column.data_type or
                dbt.type_string()) ~ ') else ' ~ column_sql ~ ' end as ' ~ column.name) -%}
        {%- else -%}
            {%- do columns.append(column_sql) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(columns | join(',\n        ')) }}
{%- endmacro %}

{#- "model.column, ..." for every mart that empties erased people's PII (models calling cdp_erased_columns,
    listed in var('cdp__erasure_models')): what a tombstone records as erased. -#}
{% macro cdp_erased_column_list() -%}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set erased = [] -%}
    {%- for model_name in var('cdp__erasure_models') -%}
        {%- for column in cdp_erasable_columns(model_name) -%}
            {%- do erased.append(model_name ~ '.' ~ column) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(erased | join(', ')) }}
{%- endmacro %}
