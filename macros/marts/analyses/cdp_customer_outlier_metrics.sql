{#- The customer measures screened for outliers, in one place for the scoring model and the mart: name, the SQL
    expression over the `behavior` / `engagement` columns of int_customer_outlier_scores, and the condition that
    puts a customer in the metric's population (customers it means something for). -#}
{% macro cdp_customer_outlier_metrics() -%}
    {%- set min_orders = var('cdp__customer_outlier_min_orders_for_share', 3) -%}
    {{ return([
        {'name': 'revenue', 'expression': 'behavior.revenue', 'population': 'behavior.order_count > 0'},
        {'name': 'order_count', 'expression': 'behavior.order_count', 'population': 'behavior.order_count > 0'},
        {'name': 'average_order_value', 'expression': 'behavior.average_order_value',
            'population': 'behavior.order_count > 0'},
        {'name': 'refund_share',
            'expression': 'cast(behavior.refunded_order_count as double) / behavior.orders_placed_count',
            'population': 'behavior.orders_placed_count >= ' ~ min_orders},
        {'name': 'support_ticket_count', 'expression': 'engagement.support_ticket_count',
            'population': 'engagement.support_ticket_count > 0'},
        {'name': 'web_session_count', 'expression': 'engagement.web_session_count',
            'population': 'engagement.web_session_count > 0'},
    ]) }}
{%- endmacro %}
