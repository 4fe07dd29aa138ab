{#- Generic test on a source table: every raw row is either staged or quarantined, exactly once.
    Fails with one row showing the three counts when rows in != rows staged + rows quarantined. -#}
{% test cdp_rows_reconcile(model, staged, quarantined) %}

with counts as (
    select
        (select count(*) from {{ model }}) as rows_in,
        (select count(*) from {{ staged }}) as rows_staged,
        (select count(*) from {{ quarantined }}) as rows_quarantined
)

select *
from counts
where rows_in != rows_staged + rows_quarantined

{% endtest %}
