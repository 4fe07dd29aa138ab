{#- mart_daily_sales_outliers covers every day from the first order to the day before the as-of date once per
    channel, the channels add up to `all` every day, and `all` adds up to the completed revenue and orders of
    fct_orders before the as-of date. Returns the offending days or totals. -#}
with

daily as (

    select * from {{ ref('mart_daily_sales_outliers') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

channel_sums as (

    select
        order_date,
        sum(case when channel != 'all' then revenue else 0 end) as channel_revenue,
        sum(case when channel = 'all' then revenue else 0 end) as all_revenue,
        sum(case when channel != 'all' then order_count else 0 end) as channel_orders,
        sum(case when channel = 'all' then order_count else 0 end) as all_orders,
        sum(case when channel = 'all' then 1 else 0 end) as all_rows
    from daily
    group by order_date

),

day_problems as (

    select
        cast(order_date as {{ dbt.type_string() }}) as problem_key,
        'channels do not add up to all' as problem
    from channel_sums
    where
        channel_revenue != all_revenue
        or channel_orders != all_orders
        or all_rows != 1

),

span as (

    select
        count(distinct daily.order_date) as day_count,
        min(daily.order_date) as first_day,
        max(daily.order_date) as last_day,
        sum(case when daily.channel = 'all' then daily.revenue else 0 end) as revenue,
        sum(case when daily.channel = 'all' then daily.order_count else 0 end) as order_count
    from daily

),

span_measured as (

    select
        *,
        {{ dbt.datediff('first_day', 'last_day', 'day') }}
        + 1 as span_days
    from span

),

order_totals as (

    select
        sum(orders.revenue_amount_reporting) as revenue,
        sum(case when orders.is_revenue then 1 else 0 end) as order_count
    from orders
    cross join as_of
    where orders.order_date < as_of.as_of_date

),

total_problems as (

    select
        'totals' as problem_key,
        'gaps in days or totals differ from fct_orders' as problem
    from span_measured as span
    cross join order_totals
    cross join as_of
    where
        span.day_count != span.span_days
        or span.last_day != cast({{ dbt.dateadd('day', -1, 'as_of.as_of_date') }} as date)
        or span.revenue != order_totals.revenue
        or span.order_count != order_totals.order_count

),

final as (

    select * from day_problems
    union all
    select * from total_problems

)

select * from final
