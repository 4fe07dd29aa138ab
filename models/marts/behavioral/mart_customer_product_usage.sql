{#- One row per customer who used the app: features used, login pattern, most active hour of the day (UTC) and day
    of the week, recency of use. The lifetime part comes from int_customer_product_usage_totals (incremental by
    customer); the 30-day window and the recency are counted here, from the window's days of
    fct_product_usage_daily with the customer attached through int_app_identities_resolved, since they move with
    the as-of day. Usage of pairs that resolved to no customer is left out. -#}
with

customer_totals as (

    select * from {{ ref('int_customer_product_usage_totals') }}

),

product_usage as (

    select * from {{ ref('fct_product_usage_daily') }}

),

app_identities as (

    select * from {{ ref('int_app_identities_resolved') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

window_usage as (

    select
        app_identities.customer_id,
        product_usage.activity_date,
        product_usage.event_type,
        product_usage.feature
    from product_usage
    inner join as_of
        on
            product_usage.activity_date > cast({{ dbt.dateadd('day', -30, 'as_of.as_of_date') }} as date)
            and product_usage.activity_date <= as_of.as_of_date
    inner join app_identities
        on {{ cdp_app_usage_pair_matches('product_usage', 'app_identities') }}
    where app_identities.customer_id is not null

),

last_30_days as (

    select
        customer_id,
        count(distinct activity_date) as active_days_30d,
        count(distinct feature) as features_used_30d_count,
        count(distinct case when event_type = 'login' then activity_date end) as login_days_30d
    from window_usage
    group by customer_id

),

final as (

    select
        cast(customer_totals.customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(customer_totals.most_used_feature as {{ dbt.type_string() }}) as most_used_feature,
        cast(customer_totals.app_event_count as bigint) as app_event_count,
        cast(customer_totals.device_count as bigint) as device_count,
        cast(customer_totals.active_days as bigint) as active_days,
        cast(coalesce(last_30_days.active_days_30d, 0) as bigint) as active_days_30d,
        cast(customer_totals.features_used_count as bigint) as features_used_count,
        cast(coalesce(last_30_days.features_used_30d_count, 0) as bigint) as features_used_30d_count,
        cast(customer_totals.feature_use_count as bigint) as feature_use_count,
        cast(customer_totals.login_count as bigint) as login_count,
        cast(customer_totals.login_days as bigint) as login_days,
        cast(coalesce(last_30_days.login_days_30d, 0) as bigint) as login_days_30d,
        cast(customer_totals.most_active_hour as integer) as most_active_hour,
        cast(customer_totals.most_active_weekday as integer) as most_active_weekday,
        cast(
            {{ dbt.datediff('customer_totals.last_activity_date', 'as_of.as_of_date', 'day') }}
            as integer
        ) as days_since_last_activity,
        cast(
            {{ dbt.datediff('cast(customer_totals.last_login_at as date)', 'as_of.as_of_date', 'day') }}
            as integer
        ) as days_since_last_login,
        cast(customer_totals.first_activity_date as date) as first_activity_date,
        cast(customer_totals.last_activity_date as date) as last_activity_date,
        cast(customer_totals.last_login_at as timestamp) as last_login_at
    from customer_totals
    cross join as_of
    left join last_30_days
        on customer_totals.customer_id = last_30_days.customer_id

)

select * from final
