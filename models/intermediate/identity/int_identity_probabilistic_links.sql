
{#- Probabilistic (Fellegi-Sunter) links between person records. For every candidate pair:
    match_weight = log2(lambda / (1 - lambda)) + sum over fields of log2(m / u) at the pair's level
    (missing fields add 0; exact first name, last name and city use the value's frequency as u:
    term-frequency adjustment, from int_fs_term_frequencies; a value first seen after that fit takes the
    exact level's weight), match_probability = 1 / (1 + 2^-match_weight).
    Kept: probability >= var('cdp__match_threshold'), at least var('cdp__fs_min_corroborating_fields') fields
    besides the name agree (cdp_fs_corroborating_fields: a shared name alone links same-name strangers),
    not in the identity_never_link seed, no guard hit,
    and either the best link of BOTH its records (mutual best) or probability >=
    var('cdp__match_certain_threshold'), so a chain of weak links cannot glue customers together.
    Guards (never link): dates of birth both known and further apart than a day/month transposition or
    a typo inside the same month (dob level 0 or 1); same last name but first names both known and
    unrelated (fn level 0: not equal, swapped, nickname, similar or initial) - the typical household false merge;
    a record without a first name whose first-name-less candidate links reach more than one first name (which
    household member is it?) keeps none of those links. -#}

{%- set fields = cdp_fs_fields() %}

with

pair_comparisons as (
    select * from {{ ref('int_fs_pair_comparisons') }}
),

parameters as (
    select * from {{ ref('int_fs_parameters') }}
),

person_records as (
    select * from {{ ref('int_person_records') }}
),

term_frequencies as (
    select * from {{ ref('int_fs_term_frequencies') }}
),

never_link as (
    select * from {{ ref('identity_never_link') }}
),

{% for field in fields if field.tf_column %}
    term_frequencies_{{ field.name }} as (
        select
            value_folded,
            value_frequency
        from term_frequencies
        where field_name = '{{ field.name }}'
    ),

{% endfor %}
weights_pivoted as (
    select
        max(log2(lambda_all_pairs / (1.0 - lambda_all_pairs))) as prior_weight,
        {% for field in fields %}
            {% set outer = loop %}{% for level in field.levels %}
                max(
                    case when field_name = '{{ field.name }}' and comparison_level = {{ level }} then match_weight end
                ) as w_{{ field.name }}_{{ level }},
            {% endfor %}{% if field.tf_column %}
                max(
                    case
                        when field_name = '{{ field.name }}' and comparison_level = {{ field.exact_level }}
                            then m_probability
                    end
                ) as m_{{ field.name }}_exact{% endif %}{% if field.tf_column and not outer.last %},{% endif %}
        {% endfor %}
    from parameters
),

pairs_weighted as (
    select
        pair_comparisons.record_key_l,
        pair_comparisons.record_key_r,
        pair_comparisons.blocking_rule,
        pair_comparisons.comparison_vector,
        pair_comparisons.fn_level,
        pair_comparisons.ln_level,
        pair_comparisons.dob_level,
        {{ cdp_fs_corroborating_fields('pair_comparisons') }} as corroborating_fields,
        weights_pivoted.prior_weight
        {% for field in fields %}
            + case
                {% if field.tf_column %}
                    when
                        pair_comparisons.{{ field.name }}_level = {{ field.exact_level }}
                        and tf_{{ field.name }}.value_frequency is not null
                        then log2(weights_pivoted.m_{{ field.name }}_exact / tf_{{ field.name }}.value_frequency)
                {% endif %}
                {% for level in field.levels %}
                    when pair_comparisons.{{ field.name }}_level = {{ level }}
                        then weights_pivoted.w_{{ field.name }}_{{ level }}
                {% endfor %}
                else 0.0
            end
        {% endfor %} as match_weight
    from pair_comparisons
    cross join weights_pivoted
    {% for field in fields if field.tf_column %}
        left join term_frequencies_{{ field.name }} as tf_{{ field.name }}
            on pair_comparisons.{{ field.tf_column }}_l = tf_{{ field.name }}.value_folded
    {% endfor %}
),

pairs_scored as (
    select
        *,
        1.0 / (1.0 + power(2.0, -least(greatest(match_weight, -60.0), 60.0))) as match_probability
    from pairs_weighted
),

pairs_passing as (
    select pairs_scored.*
    from pairs_scored
    left join never_link
        on
            (
                pairs_scored.record_key_l = never_link.record_key_l
                and pairs_scored.record_key_r = never_link.record_key_r
            )
            or (
                pairs_scored.record_key_l = never_link.record_key_r
                and pairs_scored.record_key_r = never_link.record_key_l
            )
    where
        pairs_scored.match_probability >= {{ cdp_fs_setting('cdp__match_threshold') }}
        and never_link.record_key_l is null
        and pairs_scored.corroborating_fields >= {{ cdp_fs_setting('cdp__fs_min_corroborating_fields') }}
        and pairs_scored.dob_level not in (0, 1)
        and not (pairs_scored.fn_level = 0 and pairs_scored.ln_level = 3)
),

{# A record without a first name whose candidate partners (through such first-name-less links) carry more
    than one first name could be any of them: typically one surname at one address, a household. Its
    first-name-less links are dropped rather than guessed. -#}
first_name_less_links as (
    select
        record_key_l as record_key,
        record_key_r as partner_record_key
    from pairs_passing
    where fn_level = -1
    union all
    select
        record_key_r as record_key,
        record_key_l as partner_record_key
    from pairs_passing
    where fn_level = -1
),

ambiguous_records as (
    select first_name_less_links.record_key
    from first_name_less_links
    inner join person_records as partners
        on first_name_less_links.partner_record_key = partners.record_key
    where partners.first_name_folded is not null
    group by first_name_less_links.record_key
    having count(distinct partners.first_name_folded) > 1
),

pairs_allowed as (
    select pairs_passing.*
    from pairs_passing
    left join ambiguous_records as ambiguous_l
        on pairs_passing.record_key_l = ambiguous_l.record_key
    left join ambiguous_records as ambiguous_r
        on pairs_passing.record_key_r = ambiguous_r.record_key
    where
        pairs_passing.fn_level != -1
        or (ambiguous_l.record_key is null and ambiguous_r.record_key is null)
),

link_ends as (
    select
        record_key_l as record_key,
        match_weight
    from pairs_allowed
    union all
    select
        record_key_r as record_key,
        match_weight
    from pairs_allowed
),

best_weights as (
    select
        record_key,
        max(match_weight) as best_match_weight
    from link_ends
    group by record_key
),

final as (
    select
        pairs_allowed.record_key_l,
        pairs_allowed.record_key_r,
        pairs_allowed.match_weight,
        pairs_allowed.match_probability,
        pairs_allowed.blocking_rule,
        pairs_allowed.comparison_vector,
        (
            pairs_allowed.match_weight >= best_l.best_match_weight
            and pairs_allowed.match_weight >= best_r.best_match_weight
        ) as is_mutual_best
    from pairs_allowed
    inner join best_weights as best_l
        on pairs_allowed.record_key_l = best_l.record_key
    inner join best_weights as best_r
        on pairs_allowed.record_key_r = best_r.record_key
    where
        (
            pairs_allowed.match_weight >= best_l.best_match_weight
            and pairs_allowed.match_weight >= best_r.best_match_weight
        )
        or pairs_allowed.match_probability >= {{ cdp_fs_setting('cdp__match_certain_threshold') }}
)

select * from final
