{#- on-run-start hook. When var('cdp__raw_parquet_path') is set, declare every raw source table (the sources
    declared under models/staging/) as a view (DuckDB) or an external table (Spark) over
    `<path>/<identifier>/*.parquet`, replacing whatever stood under that name (such as a demo seed), so the
    sources read the generated Parquet files. Does nothing otherwise. -#}
{% macro cdp_register_raw_parquet() -%}
    {%- set path = var('cdp__raw_parquet_path') -%}
    {%- if execute and path -%}
        {#- the raw sources, declared under models/staging/ (not the sync engine's tables, models/audiences/) -#}
        {%- set sources = [] -%}
        {%- for source in graph.sources.values() -%}
            {%- if source.package_name == project_name and source.original_file_path.startswith('models/staging/') -%}
                {%- do sources.append(source) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- for schema in sources | map(attribute='schema') | unique -%}
            {%- do adapter.create_schema(api.Relation.create(database=sources[0].database, schema=schema)) -%}
        {%- endfor -%}
        {%- for source in sources -%}
            {%- set existing = adapter.get_relation(source.database, source.schema, source.identifier) -%}
            {%- if existing is not none -%}
                {%- do adapter.drop_relation(existing) -%}
            {%- endif -%}
            {%- set location = path.rstrip('/') ~ '/' ~ source.identifier -%}
            {%- set relation = api.Relation.create(
                database=source.database, schema=source.schema, identifier=source.identifier) -%}
            {%- do run_query(adapter.dispatch('cdp_parquet_table_sql', 'cdp')(relation, location)) -%}
        {%- endfor -%}
        {{ log("cdp: raw sources read Parquet under " ~ path, info=true) }}
    {%- endif -%}
{%- endmacro %}

{% macro default__cdp_parquet_table_sql(relation, location) -%}
    create view {{ relation }} as select * from read_parquet('{{ location }}/*.parquet')
{%- endmacro %}

{% macro spark__cdp_parquet_table_sql(relation, location) -%}
    create table {{ relation }} using parquet location '{{ location }}'
{%- endmacro %}
