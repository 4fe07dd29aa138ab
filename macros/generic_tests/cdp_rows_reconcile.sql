{#- Generic test on a source table: every raw row is either staged, quarantined or expired by its retention window
    (docs/governance/retention.md), exactly once. Fails with one row showing the counts when
    rows in != rows staged + rows quarantined + rows expired.
    `expired` (optional) is fct_retention_expired_daily: its `event_count` summed for the raw table
    (`source_table`, default the source's identifier, e.g. `web_events`) counts the expired rows; 0 while that
    model is not built (e.g. `dbt build -s path:models/staging`: no window has expired anything yet). -#}
{% test cdp_rows_reconcile(model, staged, quarantined, expired=none, source_table=none) %}
    {%- set expired_relation = load_relation(expired) if expired is not none and execute else none -%}

with counts as (
    select
        (select count(*) from {{ model }}) as rows_in,
        (select count(*) from {{ staged }}) as rows_staged,
        (select count(*) from {{ quarantined }}) as rows_quarantined,
        {%- if expired_relation is not none %}
        (
            select coalesce(sum(event_count), 0) from {{ expired_relation }}
            where source_table = '{{ source_table or model.identifier }}'
        ) as rows_expired
        {%- else %}
        0 as rows_expired
        {%- endif %}
)

select *
from counts
where rows_in != rows_staged + rows_quarantined + rows_expired

{% endtest %}
