{#- ISO day of the week of a date, 1 = Monday .. 7 = Sunday. Counted in days from a known Monday
    (1970-01-05) because dayofweek() numbers the days differently on DuckDB (Sunday = 0) and Spark (Sunday = 1). -#}
{% macro cdp_iso_day_of_week(date_expression) -%}
    (
        (
            ({{ dbt.datediff("cast('1970-01-05' as date)", date_expression, 'day') }}) % 7 + 7
        ) % 7 + 1
    )
{%- endmacro %}
