{#- Term frequencies of the fields whose exact agreement is term-frequency adjusted (cdp_fs_fields with a
    `tf_column`: first name, last name, city): per value, its share of the person records that have one. Exact
    agreement on a value uses that share as u (int_identity_probabilistic_links), so agreeing on a rare name
    weighs more than agreeing on a common one.
    Part of the trained model with m and lambda, as a term-frequency table registered in Splink is: a fit on
    the schedule of int_fs_parameters (doc block fs_u_refit_schedule, cdp_fs_fit_fingerprint), refitted when
    it is var('cdp__fs_u_refit_days') as-of days old, when the model's settings changed, or on a full build. A
    run in between reads no record and keeps the rows, so a pair's weight changes only when its records do; a
    value first seen after the fit is scored with the field's exact-level weight. Such a run still drops the
    values no person record holds any more (cdp_fs_term_frequencies_prune): a name its sources deleted (an
    erasure done there) does not outlive them here until the next refit. -#}
{%- set fit_fingerprint = cdp_fs_fit_fingerprint() -%}
{{ cdp_analysis_fit_config(fit_fingerprint, 'cdp__fs_u_refit_days') }}
{{ config(post_hook=['{{ cdp_fs_term_frequencies_prune() }}']) }}
{%- set fitting = cdp_analysis_fitting(fit_fingerprint, 'cdp__fs_u_refit_days') %}

with

person_records as (
    select * from {{ ref('int_person_records') }}
    where {{ fitting }}
),

term_frequencies as (
    {% for field in cdp_fs_fields() if field.tf_column %}
        select
            '{{ field.name }}' as field_name,
            {{ field.tf_column }} as value_folded,
            count(*) / sum(count(*)) over () as value_frequency
        from person_records
        where {{ field.tf_column }} is not null
        group by {{ field.tf_column }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        field_name,
        value_folded,
        value_frequency,
        {{ cdp_analysis_fit_columns(fit_fingerprint) }}
    from term_frequencies
)

select * from final
