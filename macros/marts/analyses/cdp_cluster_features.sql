{#- The customer clustering features, in one place for the feature model, the k-means call and the profiles:
    name = the z-score column of int_customer_cluster_features, source = the (filled, log-scaled) value it
    standardises, unit = the original column its cluster mean is reported in. -#}
{% macro cdp_cluster_features() -%}
    {{ return([
        {'name': 'z_revenue', 'source': 'revenue_log', 'unit': 'revenue'},
        {'name': 'z_order_count', 'source': 'order_count_log', 'unit': 'order_count'},
        {'name': 'z_recency_days', 'source': 'recency_days_filled', 'unit': 'recency_days'},
        {'name': 'z_session_count', 'source': 'session_count_log', 'unit': 'session_count'},
        {'name': 'z_email_open_rate', 'source': 'email_open_rate_filled', 'unit': 'email_open_rate'},
        {'name': 'z_engaged_days_30d', 'source': 'engaged_days_30d_filled', 'unit': 'engaged_days_30d'},
        {'name': 'z_support_ticket_count', 'source': 'support_ticket_count_log', 'unit': 'support_ticket_count'},
    ]) }}
{%- endmacro %}
