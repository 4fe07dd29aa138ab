{#- Generic test on a model: no two rows share the same values in all of `combination` (a compound key).
    Groups by the columns themselves, so NULL counts as a value (two rows equal but for a NULL in the same column
    are duplicates) and nothing is cast or concatenated. Fails with one row per duplicated key and its count. -#}
{% test cdp_unique_combination(model, combination) %}

select
    {{ combination | join(', ') }},
    count(*) as duplicate_count
from {{ model }}
group by {{ combination | join(', ') }}
having count(*) > 1

{% endtest %}
