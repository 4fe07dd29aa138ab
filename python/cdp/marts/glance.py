"""``cdp marts summary``: the questions a marketer asks, answered from the marts in a few lines each (who are
my customers, how do they engage, what do they buy, how do they feel, which groups and patterns stand out)."""

from __future__ import annotations

from cdp.warehouse import Manifest, connect_duckdb

QUESTIONS: tuple[tuple[str, str], ...] = (
    (
        "Who are my customers",
        """
        select count(*) as customers,
               sum(case when is_known then 1 else 0 end) as known,
               sum(case when has_email then 1 else 0 end) as with_email,
               sum(case when is_email_contactable then 1 else 0 end) as email_contactable,
               sum(case when is_erasure_requested then 1 else 0 end) as erasure_requested
        from {dim_customers}
        """,
    ),
    (
        "What do they buy (revenue by channel, reporting currency)",
        """
        select channel, count(*) as orders, sum(case when is_revenue then 1 else 0 end) as completed,
               round(sum(revenue_amount_reporting), 2) as revenue,
               round(
                   sum(revenue_amount_reporting) / nullif(sum(case when is_revenue then 1 else 0 end), 0), 2
               ) as average_order_value
        from {fct_orders} group by channel order by revenue desc
        """,
    ),
    (
        "RFM segments of buyers",
        """
        select rfm_segment, count(*) as customers, round(sum(revenue), 2) as revenue,
               round(avg(churn_probability), 3) as avg_churn_probability,
               round(sum(predicted_clv_12m), 2) as predicted_value_12m
        from {mart_customer_behavior} where is_buyer group by rfm_segment order by revenue desc
        """,
    ),
    (
        "How do they engage (per channel, all time)",
        """
        select channel, count(distinct customer_id) as customers, count(*) as customer_days
        from {fct_customer_engagement_daily} where is_engaged group by channel order by customers desc
        """,
    ),
    (
        "E-mail campaigns (best open rate first)",
        """
        select campaign_name, recipient_count, round(open_rate, 3) as open_rate,
               round(click_rate, 3) as click_rate,
               round(unsubscribe_rate, 4) as unsubscribe_rate
        from {fct_email_campaign_performance} order by open_rate desc nulls last limit 5
        """,
    ),
    (
        "How do they feel (NPS, last 6 months)",
        """
        select cast(response_month as date) as month, nps_response_count as responses, round(nps, 1) as nps,
               round(rolling_nps, 1) as rolling_nps,
               round(avg_csat_score, 2) as avg_csat
        from {fct_nps_monthly} order by response_month desc limit 6
        """,
    ),
    (
        "What do they complain about",
        """
        select topic, count(*) as complaints, count(distinct customer_id) as customers
        from {fct_feedback_topics} where is_complaint group by topic order by complaints desc limit 6
        """,
    ),
    (
        "Customer clusters (k-means over value and engagement)",
        """
        select cluster_id, cluster_label, customer_count, round(customer_share, 3) as share,
               round(mean_revenue, 2) as mean_revenue
        from {mart_cluster_profiles} order by cluster_id
        """,
    ),
    (
        "Bought together (product rules, highest lift)",
        """
        select antecedent_name, consequent_name, basket_count, round(confidence, 3) as confidence,
               round(lift, 1) as lift
        from {mart_basket_association_rules} where rule_level = 'product' order by lift_rank limit 5
        """,
    ),
    (
        "Unusual sales days (all channels)",
        """
        select order_date, order_count, round(revenue, 2) as revenue, round(revenue_robust_z, 1) as revenue_z,
               revenue_outlier_direction as direction
        from {mart_daily_sales_outliers} where is_outlier and channel = 'all' order by order_date desc limit 5
        """,
    ),
)


def print_summary() -> None:
    manifest = Manifest.load()
    relations = {model.name: model.relation_name for model in manifest.marts()}
    with connect_duckdb() as connection:
        for title, sql in QUESTIONS:
            cursor = connection.execute(sql.format(**relations))
            columns = [column[0] for column in cursor.description]
            rows = cursor.fetchall()
            print(f"\n== {title}")
            widths = [
                max(len(str(v)) for v in [name, *(row[i] for row in rows)]) for i, name in enumerate(columns)
            ]
            print("  ".join(name.ljust(width) for name, width in zip(columns, widths, strict=True)))
            for row in rows:
                print("  ".join(str(value).ljust(width) for value, width in zip(row, widths, strict=True)))
