{#- A setting of the Fellegi-Sunter matcher: the `cdp__` var of that name (defaults in dbt_project.yml under
    "Identity: probabilistic matching"). One entry point so every fs model reads settings the same way. -#}
{% macro cdp_fs_setting(name) -%}
    {{ return(var(name)) }}
{%- endmacro %}

{#- The fit fingerprint of the trained Fellegi-Sunter model's m, lambda and term frequencies (int_fs_parameters,
    int_fs_term_frequencies; cdp_analysis_fit_fingerprint): the settings of EM, of the u sampling (a new u means a
    new EM), of the fields and comparison levels, and of the blocking (other candidate pairs). A change refits. -#}
{% macro cdp_fs_fit_fingerprint() -%}
    {{ return(cdp_analysis_fit_fingerprint({
        'iterations': cdp_fs_setting('cdp__fs_em_iterations'),
        'fixed': cdp_fs_setting('cdp__fs_fixed_parameters') or {},
        'u_sample_offsets': cdp_fs_setting('cdp__fs_u_sample_offsets'),
        'u_sample_pairs': cdp_fs_setting('cdp__fs_u_sample_pairs'),
        'fields': cdp_fs_fields(),
        'comparison_levels': local_md5(cdp_fs_comparison_levels('record_l', 'record_r', 'nick')),
        'blocking': [
            cdp_fs_setting('cdp__blocking_rules'),
            cdp_fs_setting('cdp__block_window'),
            cdp_fs_setting('cdp__block_sort_expressions'),
        ],
    })) }}
{%- endmacro %}

{#- Post-hook of int_fs_term_frequencies (SQL; nothing unless an incremental run, so nothing on Spark, where the fit
    is a table refitted every run): delete the values that no person record holds any more, field by field. The
    fit keeps its frequencies between refits, but not a name whose records are gone. -#}
{% macro cdp_fs_term_frequencies_prune() -%}
    {%- if execute and is_incremental() -%}
        {%- for field in cdp_fs_fields() if field.tf_column %}
    delete from {{ this }}
    where
        field_name = '{{ field.name }}'
        and value_folded not in (
            select {{ field.tf_column }} from {{ ref('int_person_records') }}
            where {{ field.tf_column }} is not null
        ){{ ';' if not loop.last }}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
