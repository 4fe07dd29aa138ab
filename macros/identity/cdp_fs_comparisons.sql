{#- Fellegi-Sunter comparison fields: name, and the comparison levels it can take (highest = strongest
    agreement). Level -1 (either side missing) is neutral: it adds no weight and is left out of EM.
    Fields with a `tf_column` have their `exact_level` term-frequency adjusted (u = frequency of the value).
    Street, postcode and city are one field (`ad`): they are strongly correlated (a household shares all
    three), and scoring them as independent fields triple-counts one shared address. -#}
{% macro cdp_fs_fields() -%}
    {{ return([
        {'name': 'fn', 'levels': [0, 1, 2, 3, 4, 5, 6], 'exact_level': 6, 'tf_column': 'first_name_folded'},
        {'name': 'ln', 'levels': [0, 1, 2, 3], 'exact_level': 3, 'tf_column': 'last_name_folded'},
        {'name': 'dob', 'levels': [0, 1, 2, 3, 4], 'exact_level': 4, 'tf_column': none},
        {'name': 'em', 'levels': [0, 1, 2, 3], 'exact_level': 3, 'tf_column': none},
        {'name': 'ph', 'levels': [0, 1, 2], 'exact_level': 2, 'tf_column': none},
        {'name': 'ad', 'levels': [0, 1, 2, 3, 4], 'exact_level': 1, 'tf_column': 'city_folded'},
    ]) }}
{%- endmacro %}


{#- Jaro-Winkler similarity (0..1) of two strings, NULL unless both are pure ASCII: DuckDB's
    jaro_winkler_similarity and levenshtein count UTF-8 bytes, Spark's count characters, so on non-ASCII text
    (Persian, Chinese, Vietnamese with diacritics) the engines disagree. NULL makes the fuzzy levels fall
    through (non-Latin names still get exact, swapped, nickname and initial levels). -#}
{% macro cdp_fs_jaro_winkler(left_expr, right_expr) -%}
    {{ return(adapter.dispatch('cdp_fs_jaro_winkler', 'cdp')(left_expr, right_expr)) }}
{%- endmacro %}

{% macro default__cdp_fs_jaro_winkler(left_expr, right_expr) -%}
    case
        when {{ cdp_fs_is_ascii(left_expr) }} and {{ cdp_fs_is_ascii(right_expr) }}
            then jaro_winkler_similarity({{ left_expr }}, {{ right_expr }})
    end
{%- endmacro %}


{#- Levenshtein edit distance of two strings, NULL unless both are pure ASCII (see cdp_fs_jaro_winkler). -#}
{% macro cdp_fs_levenshtein(left_expr, right_expr) -%}
    {{ return(adapter.dispatch('cdp_fs_levenshtein', 'cdp')(left_expr, right_expr)) }}
{%- endmacro %}

{% macro default__cdp_fs_levenshtein(left_expr, right_expr) -%}
    case
        when {{ cdp_fs_is_ascii(left_expr) }} and {{ cdp_fs_is_ascii(right_expr) }}
            then levenshtein({{ left_expr }}, {{ right_expr }})
    end
{%- endmacro %}


{#- True when a string holds only ASCII characters (its byte length equals its character length). -#}
{% macro cdp_fs_is_ascii(expr) -%}
    {{ return(adapter.dispatch('cdp_fs_is_ascii', 'cdp')(expr)) }}
{%- endmacro %}

{% macro default__cdp_fs_is_ascii(expr) -%}
    (octet_length({{ expr }}) = length({{ expr }}))
{%- endmacro %}

{% macro duckdb__cdp_fs_is_ascii(expr) -%}
    (strlen({{ expr }}) = length({{ expr }}))
{%- endmacro %}


{#- The comparison levels of a record pair, one integer column per field of cdp_fs_fields() named
    <field>_level, `l` and `r` are aliases of
    int_person_records rows; `nick` the alias of a LEFT JOINed symmetric nickname table
    (name_a, name_b) joined on name_a = l.first_name_folded and name_b = r.first_name_folded. -#}
{% macro cdp_fs_comparison_levels(l='l', r='r', nick='nick') -%}
    {%- set fn_l = l ~ '.first_name_folded' -%}
    {%- set fn_r = r ~ '.first_name_folded' -%}
    {%- set ln_l = l ~ '.last_name_folded' -%}
    {%- set ln_r = r ~ '.last_name_folded' -%}
    {%- set names_swapped -%}
        ({{ ln_l }} is not null and {{ ln_r }} is not null and {{ fn_l }} != {{ fn_r }}
            and {{ fn_l }} = {{ ln_r }} and {{ ln_l }} = {{ fn_r }})
    {%- endset -%}
    {%- set dob_l = l ~ '.date_of_birth' -%}
    {%- set dob_r = r ~ '.date_of_birth' -%}
    {%- set expressions = {
        'fn': "case when " ~ fn_l ~ " is null or " ~ fn_r ~ " is null then -1"
            ~ " when " ~ fn_l ~ " = " ~ fn_r ~ " then 6"
            ~ " when " ~ names_swapped ~ " then 5"
            ~ " when " ~ nick ~ ".name_a is not null then 4"
            ~ " when " ~ cdp_fs_jaro_winkler(fn_l, fn_r) ~ " >= 0.92 then 3"
            ~ " when " ~ cdp_fs_jaro_winkler(fn_l, fn_r) ~ " >= 0.80 then 2"
            ~ " when (length(" ~ fn_l ~ ") = 1 and substr(" ~ fn_r ~ ", 1, 1) = " ~ fn_l ~ ")"
            ~ " or (length(" ~ fn_r ~ ") = 1 and substr(" ~ fn_l ~ ", 1, 1) = " ~ fn_r ~ ") then 1"
            ~ " else 0 end",
        'ln': "case when " ~ ln_l ~ " is null or " ~ ln_r ~ " is null then -1"
            ~ " when " ~ ln_l ~ " = " ~ ln_r ~ " then 3"
            ~ " when " ~ names_swapped ~ " then -1"
            ~ " when " ~ cdp_fs_jaro_winkler(ln_l, ln_r) ~ " >= 0.92 then 2"
            ~ " when " ~ cdp_fs_jaro_winkler(ln_l, ln_r) ~ " >= 0.80 then 1"
            ~ " else 0 end",
        'dob': "case when " ~ dob_l ~ " is null or " ~ dob_r ~ " is null then -1"
            ~ " when " ~ dob_l ~ " = " ~ dob_r ~ " then 4"
            ~ " when year(" ~ dob_l ~ ") = year(" ~ dob_r ~ ") and month(" ~ dob_l ~ ") = day(" ~ dob_r ~ ")"
            ~ " and day(" ~ dob_l ~ ") = month(" ~ dob_r ~ ") then 3"
            ~ " when year(" ~ dob_l ~ ") = year(" ~ dob_r ~ ") and month(" ~ dob_l ~ ") = month(" ~ dob_r ~ ") then 2"
            ~ " when abs(" ~ dbt.datediff(dob_l, dob_r, 'day') ~ ") <= 366 then 1"
            ~ " else 0 end",
        'em': "case when " ~ l ~ ".email_match_key is null or " ~ r ~ ".email_match_key is null then -1"
            ~ " when " ~ l ~ ".email_match_key = " ~ r ~ ".email_match_key then 3"
            ~ " when " ~ cdp_regexp_replace_all(dbt.split_part(l ~ '.email_match_key', "'@'", 1), '[._-]', '')
            ~ " = " ~ cdp_regexp_replace_all(dbt.split_part(r ~ '.email_match_key', "'@'", 1), '[._-]', '')
            ~ " then 1"
            ~ " when " ~ cdp_fs_levenshtein(l ~ '.email_match_key', r ~ '.email_match_key') ~ " <= 1 then 2"
            ~ " when " ~ dbt.split_part(l ~ '.email_match_key', "'@'", 1) ~ " = "
            ~ dbt.split_part(r ~ '.email_match_key', "'@'", 1) ~ " then 1"
            ~ " else 0 end",
        'ph': "case when " ~ l ~ ".phone_e164 is null or " ~ r ~ ".phone_e164 is null then -1"
            ~ " when " ~ l ~ ".phone_e164 = " ~ r ~ ".phone_e164 then 2"
            ~ " when " ~ cdp_fs_levenshtein(l ~ '.phone_e164', r ~ '.phone_e164') ~ " <= 1 then 1"
            ~ " else 0 end",
        'ad': "case when not ((" ~ l ~ ".street_match_key is not null and " ~ r ~ ".street_match_key is not null)"
            ~ " or (" ~ l ~ ".postcode is not null and " ~ r ~ ".postcode is not null)"
            ~ " or (" ~ l ~ ".city_folded is not null and " ~ r ~ ".city_folded is not null)) then -1"
            ~ " when " ~ l ~ ".street_match_key = " ~ r ~ ".street_match_key"
            ~ " and (" ~ l ~ ".postcode = " ~ r ~ ".postcode or " ~ l ~ ".city_folded = " ~ r ~ ".city_folded) then 4"
            ~ " when " ~ cdp_fs_levenshtein(l ~ '.street_match_key', r ~ '.street_match_key') ~ " <= 2"
            ~ " and (" ~ l ~ ".postcode = " ~ r ~ ".postcode or " ~ l ~ ".city_folded = " ~ r ~ ".city_folded) then 3"
            ~ " when " ~ l ~ ".postcode = " ~ r ~ ".postcode then 2"
            ~ " when " ~ l ~ ".city_folded = " ~ r ~ ".city_folded then 1"
            ~ " else 0 end",
    } -%}
    {%- for field in cdp_fs_fields() %}
    {{ expressions[field.name] }} as {{ field.name }}_level{% if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}


{#- The number of fields other than the name that agree on a pair (`relation_alias` holds the <field>_level
    columns): date of birth at least same year and month (a day typo, a day/month transposition or equal),
    e-mail equal or one edit apart, phone equal or one edit apart, address at least the same postcode.
    Not counted: the name itself, an e-mail that only shares its local part (usually derived from the name,
    so it says little beyond the name: `john.smith@gmail.com` and `john.smith@yahoo.com` are often two
    people) and a shared city. -#}
{% macro cdp_fs_corroborating_fields(relation_alias=none) -%}
    {%- set prefix = (relation_alias ~ '.') if relation_alias else '' -%}
    (
        case when {{ prefix }}dob_level >= 2 then 1 else 0 end
        + case when {{ prefix }}em_level >= 2 then 1 else 0 end
        + case when {{ prefix }}ph_level >= 1 then 1 else 0 end
        + case when {{ prefix }}ad_level >= 2 then 1 else 0 end
    )
{%- endmacro %}


{#- 'fn:6|ln:3|dob:-1|...' built from the <field>_level columns of cdp_fs_comparison_levels (of `relation_alias`). -#}
{% macro cdp_fs_comparison_vector(relation_alias=none) -%}
    {%- set prefix = (relation_alias ~ '.') if relation_alias else '' -%}
    {%- for field in cdp_fs_fields() -%}
    '{{ field.name }}:' || cast({{ prefix }}{{ field.name }}_level as string){% if not loop.last %} || '|' || {% endif %}
    {%- endfor -%}
{%- endmacro %}

{#- The configuration int_fs_pair_comparisons is derived under (cdp_identity_config_changed): a fingerprint of
    the comparison levels as rendered, and every row of the symmetric nickname table `nickname_pairs`. -#}
{% macro cdp_fs_comparisons_config_sql(nickname_pairs) -%}
    {{ cdp_identity_fingerprint_sql('comparison_levels', cdp_fs_comparison_levels('record_l', 'record_r', 'nick')) }}
    union all
    select
        'nickname' as config_kind,
        name_a as a,
        name_b as b,
        cast(null as {{ dbt.type_string() }}) as c
    from {{ nickname_pairs }}
{%- endmacro %}

{#- The work table of int_fs_pair_comparisons (`<model>__compared_until`, one row, column written_at): the
    newest written_at of int_fs_candidate_pairs when the comparisons last read it (cdp_last_run_stamp reads it).
    Every candidate pair written then or before is compared, so a run compares the pairs written since. -#}
{% macro cdp_fs_compared_until() -%}
    {{ return(cdp_work_relation(this.identifier, 'compared_until')) }}
{%- endmacro %}

{#- Post-hook of int_fs_pair_comparisons: remember the newest written_at of the candidate pairs (`candidate_pairs`)
    it has now compared (cdp_fs_compared_until). -#}
{% macro cdp_fs_remember_compared_until(candidate_pairs) -%}
    {{ cdp_one_row_work_table(
        cdp_fs_compared_until(), 'written_at', 'select max(written_at) from ' ~ candidate_pairs) }}
{%- endmacro %}
