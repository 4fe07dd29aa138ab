
{#- Fellegi-Sunter parameters per (field, level).
    m and lambda: EM without labels over int_fs_comparison_patterns (candidate pairs counted per comparison
    vector: a few hundred rows), var('cdp__fs_em_iterations') steps, each one small query run with run_query
    (cdp_fs_run_em); a single query unrolling the iterations grows exponentially in Spark's analyzer.
    Inside EM, u is re-estimated too (starting from the random-pair u): non-matching candidate pairs agree
    on their blocking fields far more often than random pairs, and a fixed random u would pull them into the
    match class. As in Splink, that EM u (u_candidates_probability) is then discarded: scoring uses m from
    EM, u from random pairs corrected for the few matches among them
    (u = (u_random - lambda * m) / (1 - lambda), floored at the sample's resolution) and the all-pairs prior
    lambda_all_pairs = lambda_candidates * candidate pairs / (n * (n - 1) / 2).
    var('cdp__fs_fixed_parameters') ({lambda: x, levels: [{field: fn, level: 6, m: 0.9, u: 0.01}, ...]})
    overrides any estimate by hand.
    A fit on the schedule of the u probabilities (doc block fs_u_refit_schedule), like the term frequencies:
    refitted when it is var('cdp__fs_u_refit_days') as-of days old, when the settings of EM, of the u sampling,
    of the comparison levels or of the blocking changed (cdp_fs_fit_fingerprint), or on a full build; a run in
    between keeps it, runs no EM and reads no row. -#}

{%- set iterations = cdp_fs_setting('cdp__fs_em_iterations') %}
{%- set fixed = cdp_fs_setting('cdp__fs_fixed_parameters') or {} %}
{%- set fixed_levels = fixed.get('levels', []) %}
{%- set fit_fingerprint = cdp_fs_fit_fingerprint() -%}
{{ cdp_analysis_fit_config(fit_fingerprint, 'cdp__fs_u_refit_days') }}
{%- set fitting = cdp_analysis_fitting(fit_fingerprint, 'cdp__fs_u_refit_days') %}
{%- set em = cdp_fs_run_em(
    ref('int_fs_comparison_patterns'), ref('int_fs_u_probabilities'), iterations if fitting == 'true' else 0) %}

with

comparison_patterns as (
    select * from {{ ref('int_fs_comparison_patterns') }}
    where {{ fitting }}
),

u_probabilities as (
    select * from {{ ref('int_fs_u_probabilities') }}
    where {{ fitting }}
),

person_records as (
    select * from {{ ref('int_person_records') }}
    where {{ fitting }}
),

em_parameters as (
    {{ cdp_fs_parameter_rows(em['parameters']) }}
),

fixed_levels as (
    select
        cast(null as string) as field_name,
        cast(null as int) as comparison_level,
        cast(null as double) as m_probability,
        cast(null as double) as u_probability
    {% for level in fixed_levels %}
    union all
    select
        '{{ level.field }}',
        {{ level.level }},
        {{ level.get('m', 'null') }},
        {{ level.get('u', 'null') }}
    {% endfor %}
),

pair_totals as (
    select
        (select sum(pair_count) from comparison_patterns) as candidate_pair_count,
        (select count(*) from person_records) as record_count
),

lambda_estimates as (
    select
        cast({{ em['lambda_candidates'] }} as double) as lambda_candidates,
        {% if fixed.get('lambda') is not none %}cast({{ fixed.get('lambda') }} as double){% else %}least(
            {{ em['lambda_candidates'] }} * candidate_pair_count
            / (record_count * (record_count - 1.0) / 2.0),
            0.5
        ){% endif %} as lambda_all_pairs,
        candidate_pair_count
    from pair_totals
),

parameters_corrected as (
    select
        u_probabilities.field_name,
        u_probabilities.comparison_level,
        em_parameters.m_probability,
        em_parameters.u_probability as u_candidates_probability,
        u_probabilities.u_probability as u_random_probability,
        least(greatest(
            (u_probabilities.u_probability - lambda_estimates.lambda_all_pairs * em_parameters.m_probability)
            / (1.0 - lambda_estimates.lambda_all_pairs),
            u_probabilities.u_probability_floor
        ), 1.0) as u_probability,
        lambda_estimates.lambda_candidates,
        lambda_estimates.lambda_all_pairs,
        lambda_estimates.candidate_pair_count
    from u_probabilities
    inner join em_parameters
        on
            u_probabilities.field_name = em_parameters.field_name
            and u_probabilities.comparison_level = em_parameters.comparison_level
    cross join lambda_estimates
),

final as (
    select
        estimated.field_name,
        estimated.comparison_level,
        coalesce(fixed_levels.m_probability, estimated.m_probability) as m_probability,
        coalesce(fixed_levels.u_probability, estimated.u_probability) as u_probability,
        estimated.u_random_probability,
        estimated.u_candidates_probability,
        log2(
            coalesce(fixed_levels.m_probability, estimated.m_probability)
            / coalesce(fixed_levels.u_probability, estimated.u_probability)
        ) as match_weight,
        estimated.lambda_candidates,
        estimated.lambda_all_pairs,
        estimated.candidate_pair_count,
        {{ iterations }} as em_iteration_count,
        fixed_levels.field_name is not null as is_fixed_by_hand,
        {{ cdp_analysis_fit_columns(fit_fingerprint) }}
    from parameters_corrected as estimated
    left join fixed_levels
        on
            estimated.field_name = fixed_levels.field_name
            and estimated.comparison_level = fixed_levels.comparison_level
)

select * from final
