{#- Dense daily sales series for outlier detection: one row per day and channel, plus channel `all`, from the
    first order day to the day before the as-of date (the as-of day itself is still being loaded), zeros on days
    without a sale. Revenue = completed orders in the reporting currency. -#}
with

orders as (

    select * from {{ ref('fct_orders') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

orders_in_range as (

    select
        orders.order_date,
        coalesce(orders.channel, 'unknown') as channel,
        orders.is_revenue,
        orders.revenue_amount_reporting
    from orders
    cross join as_of
    where orders.order_date < as_of.as_of_date

),

day_bounds as (

    select
        coalesce(min(orders_in_range.order_date), max(yesterday.last_day)) as first_day,
        max(yesterday.last_day) as last_day
    from (
        select cast({{ dbt.dateadd('day', -1, 'as_of_date') }} as date) as last_day from as_of
    ) as yesterday
    left join orders_in_range
        on 1 = 1

),

{# 10,000 consecutive days (27 years) at most. -#}
day_offsets as (

    {{ cdp_integers(10000) }}

),

sales_days as (

    select cast({{ dbt.dateadd('day', 'day_offsets.n', 'day_bounds.first_day') }} as date) as order_date
    from day_offsets
    cross join day_bounds
    where day_offsets.n <= {{ dbt.datediff('day_bounds.first_day', 'day_bounds.last_day', 'day') }}

),

channels as (

    select distinct channel from orders_in_range
    union all
    select 'all' as channel

),

daily_channel_sales as (

    select
        order_date,
        channel,
        sum(case when is_revenue then 1 else 0 end) as order_count,
        sum(revenue_amount_reporting) as revenue
    from orders_in_range
    group by order_date, channel

),

daily_total_sales as (

    select
        order_date,
        'all' as channel,
        sum(order_count) as order_count,
        sum(revenue) as revenue
    from daily_channel_sales
    group by order_date

),

daily_sales as (

    select * from daily_channel_sales
    union all
    select * from daily_total_sales

),

final as (

    select
        cast(sales_days.order_date as date) as order_date,
        cast(channels.channel as {{ dbt.type_string() }}) as channel,
        cast(coalesce(daily_sales.order_count, 0) as bigint) as order_count,
        cast(coalesce(daily_sales.revenue, 0) as decimal(18, 2)) as revenue
    from sales_days
    cross join channels
    left join daily_sales
        on
            sales_days.order_date = daily_sales.order_date
            and channels.channel = daily_sales.channel

)

select * from final
