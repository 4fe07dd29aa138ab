{#- Incremental facts in this project rebuild whole days (partitions), never single rows: dbt-duckdb replaces
    them with delete+insert on the day column, dbt-spark with insert_overwrite of the day partitions (plain
    Parquet tables have no merge). Both are set in dbt_project.yml; a model sets unique_key and partition_by to
    its day column and filters its input with cdp_incremental_days_filter. -#}

{#- The first day an incremental run rebuilds: the earliest day holding a row loaded since the last run (late
    data lands in its own day), but never later than the newest day already built minus the lookback
    var('cdp__incremental_lookback_days'). Only valid inside is_incremental(). -#}
{% macro cdp_incremental_first_day(source_relation, day_expression, loaded_at_column='loaded_at',
    target_day_column='activity_date', target_loaded_at_column='max_loaded_at') -%}
    (
        select min(candidate_day)
        from (
            select min({{ day_expression }}) as candidate_day
            from {{ source_relation }}
            where {{ loaded_at_column }} > (select max({{ target_loaded_at_column }}) from {{ this }})
            union all
            select
                cast({{ dbt.dateadd('day', -1 * var('cdp__incremental_lookback_days'),
                    'max(' ~ target_day_column ~ ')') }} as date) as candidate_day
            from {{ this }}
        ) as candidate_days
    )
{%- endmacro %}

{#- A where-clause condition keeping the rows of the days an incremental run rebuilds (`1 = 1` in a full
    build). `context_days` widens the input further back (sessionisation needs the evening before). -#}
{% macro cdp_incremental_days_filter(source_relation, day_expression, loaded_at_column='loaded_at',
    target_day_column='activity_date', target_loaded_at_column='max_loaded_at', context_days=0) -%}
    {%- if is_incremental() -%}
        {{ day_expression }} >= cast({{ dbt.dateadd('day', -1 * context_days,
            cdp_incremental_first_day(source_relation, day_expression, loaded_at_column,
                target_day_column, target_loaded_at_column)) }} as date)
    {%- else -%}
        1 = 1
    {%- endif -%}
{%- endmacro %}
