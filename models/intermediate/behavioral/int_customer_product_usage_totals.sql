{#- The lifetime part of mart_customer_product_usage, one row per customer who used the app: features used, login
    pattern, most active hour of the day (UTC) and day of the week, first and last activity. From
    fct_product_usage_daily with the customer attached through int_app_identities_resolved; usage of pairs that
    resolved to no customer is left out. Nothing here depends on the as-of day (the mart counts the 30-day window
    itself), so it is incremental by customer on DuckDB: a run rewrites the customers whose records changed
    since it last read the customer change feed (cdp_customer_changes); a table on Spark. -#}
{{ cdp_customer_incremental_config() }}
{%- set from_feed = not cdp_customer_changes_unreadable(ref('int_customer_ids')) %}

with

{{ cdp_changed_customers_cte(from_feed) }}

app_identities as (

    select * from {{ cdp_changed_customer_rows(ref('int_app_identities_resolved'), from_feed) }}
    where customer_id is not null

),

product_usage as (

    select * from {{ ref('fct_product_usage_daily') }}

),

usage_resolved as (

    select
        app_identities.customer_id,
        product_usage.device_id,
        product_usage.event_type,
        product_usage.feature,
        product_usage.activity_hour,
        product_usage.event_count,
        product_usage.last_event_at,
        product_usage.activity_date
    from product_usage
    inner join app_identities
        on {{ cdp_app_usage_pair_matches('product_usage', 'app_identities') }}

),

customer_days as (

    {#- The usage is read four times, each collapsing it to a smaller grain (customer and day, feature, hour,
        device); the distinct counts become row counts at those grains instead of distinct aggregations over
        every usage row. #}
    select
        customer_id,
        activity_date,
        sum(event_count) as event_count,
        sum(case when event_type = 'feature_used' then event_count else 0 end) as feature_use_count,
        sum(case when event_type = 'login' then event_count else 0 end) as login_count,
        max(case when event_type = 'login' then 1 else 0 end) as has_login,
        max(case when event_type = 'login' then last_event_at end) as last_login_at
    from usage_resolved
    group by customer_id, activity_date

),

customer_features as (

    select
        customer_id,
        feature,
        sum(event_count) as event_count
    from usage_resolved
    where feature is not null
    group by customer_id, feature

),

customer_devices as (

    select
        customer_id,
        count(distinct device_id) as device_count
    from usage_resolved
    group by customer_id

),

customer_usage as (

    select
        customer_id,
        sum(event_count) as app_event_count,
        count(*) as active_days,
        sum(feature_use_count) as feature_use_count,
        sum(login_count) as login_count,
        sum(has_login) as login_days,
        min(activity_date) as first_activity_date,
        max(activity_date) as last_activity_date,
        max(last_login_at) as last_login_at
    from customer_days
    group by customer_id

),

feature_counts as (

    select
        customer_id,
        count(*) as features_used_count
    from customer_features
    group by customer_id

),

hours_ranked as (

    select
        customer_id,
        activity_hour,
        row_number() over (
            partition by customer_id
            order by sum(event_count) desc, activity_hour
        ) as hour_rank
    from usage_resolved
    group by customer_id, activity_hour

),

weekdays_ranked as (

    select
        customer_id,
        {{ cdp_iso_day_of_week('activity_date') }} as activity_weekday,
        row_number() over (
            partition by customer_id
            order by sum(event_count) desc, {{ cdp_iso_day_of_week('activity_date') }}
        ) as weekday_rank
    from customer_days
    group by customer_id, {{ cdp_iso_day_of_week('activity_date') }}

),

features_ranked as (

    select
        customer_id,
        feature,
        row_number() over (
            partition by customer_id
            order by event_count desc, feature asc
        ) as feature_rank
    from customer_features

),

final as (

    select
        cast(customer_usage.customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(features_ranked.feature as {{ dbt.type_string() }}) as most_used_feature,
        cast(customer_usage.app_event_count as bigint) as app_event_count,
        cast(customer_devices.device_count as bigint) as device_count,
        cast(customer_usage.active_days as bigint) as active_days,
        cast(coalesce(feature_counts.features_used_count, 0) as bigint) as features_used_count,
        cast(customer_usage.feature_use_count as bigint) as feature_use_count,
        cast(customer_usage.login_count as bigint) as login_count,
        cast(customer_usage.login_days as bigint) as login_days,
        cast(hours_ranked.activity_hour as integer) as most_active_hour,
        cast(weekdays_ranked.activity_weekday as integer) as most_active_weekday,
        cast(customer_usage.first_activity_date as date) as first_activity_date,
        cast(customer_usage.last_activity_date as date) as last_activity_date,
        cast(customer_usage.last_login_at as timestamp) as last_login_at
    from customer_usage
    inner join customer_devices
        on customer_usage.customer_id = customer_devices.customer_id
    left join feature_counts
        on customer_usage.customer_id = feature_counts.customer_id
    left join hours_ranked
        on
            customer_usage.customer_id = hours_ranked.customer_id
            and hours_ranked.hour_rank = 1
    left join weekdays_ranked
        on
            customer_usage.customer_id = weekdays_ranked.customer_id
            and weekdays_ranked.weekday_rank = 1
    left join features_ranked
        on
            customer_usage.customer_id = features_ranked.customer_id
            and features_ranked.feature_rank = 1

)

select * from final
