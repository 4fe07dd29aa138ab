{#- The identifier rules of var('cdp__identity_rules') as a portable inline table:
    identifier_type, type_priority, shared_limit (NULL = no limit). -#}
{% macro cdp_identity_rules_sql() -%}
    {%- set rules = var('cdp__identity_rules') -%}
    {%- for identifier_type, rule in rules.items() | sort %}
    select
        cast('{{ identifier_type }}' as {{ dbt.type_string() }}) as identifier_type,
        cast({{ rule.priority }} as {{ dbt.type_int() }}) as type_priority,
        cast({{ 'null' if rule.get('limit') is none else rule.limit }} as {{ dbt.type_int() }}) as shared_limit
        {%- if not loop.last %}
    union all
        {%- endif %}
    {%- endfor %}
{%- endmacro %}

{#- The source allow-lists of var('cdp__identity_rules'): identifier_type, source_table; one row per allowed
    source of a type that has an allow-list (types without `sources` accept every source). Returns a query with
    no rows when no type has an allow-list. -#}
{% macro cdp_identity_rule_sources_sql() -%}
    {%- set rows = [] -%}
    {%- for identifier_type, rule in var('cdp__identity_rules').items() | sort -%}
        {%- for source_table in rule.get('sources') or [] -%}
            {%- do rows.append((identifier_type, source_table)) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if rows | length == 0 %}
    select
        cast(null as {{ dbt.type_string() }}) as identifier_type,
        cast(null as {{ dbt.type_string() }}) as source_table
    where 1 = 0
    {%- else -%}
        {%- for row in rows %}
    select
        cast('{{ row[0] }}' as {{ dbt.type_string() }}) as identifier_type,
        cast('{{ row[1] }}' as {{ dbt.type_string() }}) as source_table
            {%- if not loop.last %}
    union all
            {%- endif %}
        {%- endfor %}
    {%- endif %}
{%- endmacro %}
