{#- One row: the day marts treat as "today" (recency, age, tenure, churn). var('cdp__as_of_date') when set,
    else the day of the newest row loaded into the busiest sources, so a build on historical data is
    reproducible. -#}
with

newest_loads as (

    select max(loaded_at) as loaded_at from {{ ref('stg_web__events') }}
    union all
    select max(loaded_at) as loaded_at from {{ ref('stg_shop__orders') }}
    union all
    select max(loaded_at) as loaded_at from {{ ref('stg_app__events') }}
    union all
    select max(loaded_at) as loaded_at from {{ ref('stg_esp__email_events') }}

),

final as (

    select
        {%- if var('cdp__as_of_date') %}
            cast('{{ var("cdp__as_of_date") }}' as date) as as_of_date
        {%- else %}
            cast(max(loaded_at) as date) as as_of_date
        {%- endif %}
    from newest_loads

)

select * from final
