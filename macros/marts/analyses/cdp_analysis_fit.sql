{#- Fits on a schedule: a model that learns from the whole population (k-means centroids, association rules, best
    sellers; the Fellegi-Sunter u probabilities) is refitted when its fit is older than
    var('cdp__analysis_refit_days') (counted in as-of days; the u probabilities: var('cdp__fs_u_refit_days')),
    when its settings changed, or on a full build; every other run keeps the fit and the models
    that apply it (cluster assignment, recommendations) score against it. Each row of a fit carries fitted_at
    (the run's stamp), fitted_on (its as-of date) and fit_fingerprint (md5 of its settings). See doc block
    analyses_fit_schedule. -#}

{#- The fingerprint of a fit's settings (a dict of the vars it is fitted with): md5 of their JSON. -#}
{% macro cdp_analysis_fit_fingerprint(settings) -%}
    {{ return(local_md5(tojson(settings))) }}
{%- endmacro %}

{#- The config of a fit model: incremental on DuckDB (append; the pre-hook cdp_analysis_fit_reset empties it when
    a refit is due, and the model selects no rows otherwise), a table refitted every run on Spark. -#}
{% macro cdp_analysis_fit_config(fingerprint, refit_days_var='cdp__analysis_refit_days') -%}
    {{ adapter.dispatch('cdp_analysis_fit_config', 'cdp')(fingerprint, refit_days_var) }}
{%- endmacro %}

{% macro default__cdp_analysis_fit_config(fingerprint, refit_days_var='cdp__analysis_refit_days') -%}
    {{ config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook=["{{ cdp_analysis_fit_reset('" ~ fingerprint ~ "', '" ~ refit_days_var ~ "') }}"],
    ) }}
{%- endmacro %}

{% macro spark__cdp_analysis_fit_config(fingerprint, refit_days_var='cdp__analysis_refit_days') -%}
    {{ config(materialized='table') }}
{%- endmacro %}

{#- True when the calling fit model must fit again: not an incremental run, or no row of `this` was fitted
    with these settings (`fingerprint`) on an as-of date within the last var(refit_days_var) days (default
    cdp__analysis_refit_days; 0: every run). A fit dated after the as-of date (a rebuild of the past) is refitted
    too. -#}
{% macro cdp_analysis_refit_due(fingerprint, refit_days_var='cdp__analysis_refit_days') -%}
    {%- set as_of_dates = ref('int_as_of_date') -%}
    {%- if not execute or this is none or not is_incremental() -%}
        {{ return(true) }}
    {%- endif -%}
    {#- a table built before the model became a fit: refit, and let on_schema_change say what to do -#}
    {%- set fit_columns = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
    {%- if 'fit_fingerprint' not in fit_columns -%}
        {{ return(true) }}
    {%- endif -%}
    {%- set current_fit -%}
        select count(*)
        from {{ this }} as fit
        cross join {{ as_of_dates }} as as_of_dates
        where
            fit.fit_fingerprint = '{{ fingerprint }}'
            and fit.fitted_on <= as_of_dates.as_of_date
            and fit.fitted_on
            > {{ dbt.dateadd('day', -var(refit_days_var, 7), 'as_of_dates.as_of_date') }}
    {%- endset -%}
    {{ return(cdp_scalar(current_fit) == 0) }}
{%- endmacro %}

{#- Pre-hook of a fit model (cdp_analysis_fit_config): empty it when a refit is due, so the run's rows replace
    the old fit. -#}
{% macro cdp_analysis_fit_reset(fingerprint, refit_days_var='cdp__analysis_refit_days') -%}
    {%- if execute and is_incremental() and cdp_analysis_refit_due(fingerprint, refit_days_var) %}
    delete from {{ this }}
    {%- endif -%}
{%- endmacro %}

{#- 'true' when the calling fit model fits in this run, 'false' otherwise: the WHERE condition of its inputs, so a
    run that keeps the fit reads no rows and appends none. -#}
{% macro cdp_analysis_fitting(fingerprint, refit_days_var='cdp__analysis_refit_days') -%}
    {{- 'true' if cdp_analysis_refit_due(fingerprint, refit_days_var) else 'false' -}}
{%- endmacro %}

{#- The three columns every fit row carries (comma-separated select items, no trailing comma). -#}
{% macro cdp_analysis_fit_columns(fingerprint) -%}
    {{ cdp_run_stamp() }} as fitted_at,
    cast({{ cdp_as_of_date() }} as date) as fitted_on,
    cast('{{ fingerprint }}' as {{ dbt.type_string() }}) as fit_fingerprint
{%- endmacro %}
