
{#- u probabilities (P(level | records do not match)) estimated on a deterministic pseudo-random sample of
    record pairs: records ranked by md5(record_key), each paired with the records
    1..k ranks further on (wrapping round), k = var('cdp__fs_u_sample_offsets'), the first
    var('cdp__fs_u_sample_pairs') pairs in (offset, rank) order only, so the sample stops growing once it is
    large enough (with more records than that, offset 1 from the lowest ranks).
    Almost all such pairs are non-matches. Smoothed with half a pair per level so no u is zero.
    A fit on a schedule, like Splink's trained u (cdp_analysis_fit_config, doc block fs_u_refit_schedule):
    refitted when it is var('cdp__fs_u_refit_days') as-of days old, when the sampling or the comparison levels
    changed (fit_fingerprint), or on a full build; a run in between keeps it and reads no record. -#}

{%- set offsets = cdp_fs_setting('cdp__fs_u_sample_offsets') %}
{%- set fit_fingerprint = cdp_analysis_fit_fingerprint({
    'offsets': offsets,
    'sample_pairs': cdp_fs_setting('cdp__fs_u_sample_pairs'),
    'fields': cdp_fs_fields(),
    'comparison_levels': local_md5(cdp_fs_comparison_levels('record_l', 'record_r', 'nick')),
}) -%}
{{ cdp_analysis_fit_config(fit_fingerprint, 'cdp__fs_u_refit_days') }}
{%- set fitting = cdp_analysis_fitting(fit_fingerprint, 'cdp__fs_u_refit_days') %}

with

person_records as (
    select * from {{ ref('int_person_records') }}
    where {{ fitting }}
),

nickname_pairs as (
    select * from {{ ref('int_fs_nickname_pairs') }}
),

records_ranked as (
    select
        *,
        row_number() over (order by md5(record_key), record_key) - 1 as hash_rank,
        count(*) over () as record_count
    from person_records
),

offsets as (
    {% for offset in range(1, offsets + 1) %}
        select {{ offset }} as rank_offset{% if not loop.last %}
            union all{% endif %}
    {% endfor %}
),

sampled_pairs as (
    select
        record_l.hash_rank as rank_l,
        offsets.rank_offset,
        mod(record_l.hash_rank + offsets.rank_offset, record_l.record_count) as rank_r
    from records_ranked as record_l
    cross join offsets
    where
        offsets.rank_offset < record_l.record_count
        and (offsets.rank_offset - 1) * record_l.record_count + record_l.hash_rank
        < {{ cdp_fs_setting('cdp__fs_u_sample_pairs') }}
),

pairs_compared as (
    select
        {{ cdp_fs_comparison_levels('record_l', 'record_r', 'nick') }}
    from sampled_pairs
    inner join records_ranked as record_l
        on sampled_pairs.rank_l = record_l.hash_rank
    inner join records_ranked as record_r
        on sampled_pairs.rank_r = record_r.hash_rank
    left join nickname_pairs as nick
        on record_l.first_name_folded = nick.name_a and record_r.first_name_folded = nick.name_b
),

levels_observed as (
    {% for field in cdp_fs_fields() %}
        select
            '{{ field.name }}' as field_name,
            {{ field.name }}_level as comparison_level,
            count(*) as pair_count
        from pairs_compared
        where {{ field.name }}_level >= 0
        group by {{ field.name }}_level
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

level_catalogue as (
        {% for field in cdp_fs_fields() %}{% set outer = loop %}{% for level in field.levels %}
        select
            '{{ field.name }}' as field_name,
            {{ level }} as comparison_level,
            {{ field.levels | length }} as level_count{% if not (outer.last and loop.last) %}
            union all{% endif %}
    {% endfor %}{% endfor %}
),

final as (
    select
        level_catalogue.field_name,
        level_catalogue.comparison_level,
        coalesce(levels_observed.pair_count, 0) as sampled_pair_count,
        (coalesce(levels_observed.pair_count, 0) + 0.5)
        / (
            sum(coalesce(levels_observed.pair_count, 0)) over (partition by level_catalogue.field_name)
            + 0.5 * level_catalogue.level_count
        ) as u_probability,
        0.5 / (
            sum(coalesce(levels_observed.pair_count, 0)) over (partition by level_catalogue.field_name)
            + 0.5 * level_catalogue.level_count
        ) as u_probability_floor,
        {{ cdp_analysis_fit_columns(fit_fingerprint) }}
    from level_catalogue
    left join levels_observed
        on
            level_catalogue.field_name = levels_observed.field_name
            and level_catalogue.comparison_level = levels_observed.comparison_level
)

select * from final
where {{ fitting }}
