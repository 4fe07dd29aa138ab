{#- The customer clustering features, in one place for the feature model, the fit, the assignment and the
    profiles: name = the z-score column, source = the column of int_customer_cluster_features it standardises
    (log-scaled where skewed), fill = how a NULL source is filled ('median': the median of the fit; none: never
    NULL), unit = the original column its cluster mean is reported in. -#}
{% macro cdp_cluster_features() -%}
    {{ return([
        {'name': 'z_revenue', 'source': 'revenue_log', 'fill': none, 'unit': 'revenue'},
        {'name': 'z_order_count', 'source': 'order_count_log', 'fill': none, 'unit': 'order_count'},
        {'name': 'z_recency_days', 'source': 'recency_days', 'fill': 'median', 'unit': 'recency_days'},
        {'name': 'z_session_count', 'source': 'session_count_log', 'fill': none, 'unit': 'session_count'},
        {'name': 'z_email_open_rate', 'source': 'email_open_rate', 'fill': 'median', 'unit': 'email_open_rate'},
        {'name': 'z_engaged_days_30d', 'source': 'engaged_days_30d', 'fill': none, 'unit': 'engaged_days_30d'},
        {'name': 'z_support_ticket_count', 'source': 'support_ticket_count_log', 'fill': none,
            'unit': 'support_ticket_count'},
    ]) }}
{%- endmacro %}

{#- The value of a clustering feature before standardisation (double): the source column of `values_alias`, a
    NULL filled from the fit row `fit_alias` (fill_<unit>). -#}
{% macro cdp_cluster_feature_value(feature, values_alias, fit_alias) -%}
    {%- if feature.fill == 'median' -%}
        coalesce(cast({{ values_alias }}.{{ feature.source }} as double), {{ fit_alias }}.fill_{{ feature.unit }}, 0)
    {%- else -%}
        cast({{ values_alias }}.{{ feature.source }} as double)
    {%- endif -%}
{%- endmacro %}

{#- The z-score of a clustering feature against the scaling of the fit row `fit_alias` (scale_mean_<unit>,
    scale_sd_<unit>; 0 when the sd is 0), rounded to 9 decimals so rebuilds are identical. -#}
{% macro cdp_cluster_z_score(feature, values_alias, fit_alias) -%}
    cast(round(coalesce(
        ({{ cdp_cluster_feature_value(feature, values_alias, fit_alias) }} - {{ fit_alias }}.scale_mean_{{ feature.unit }})
        / nullif({{ fit_alias }}.scale_sd_{{ feature.unit }}, 0),
        0
    ), 9) as double)
{%- endmacro %}
