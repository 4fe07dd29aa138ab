
{#- Candidate pairs counted per comparison vector: the small table EM runs over (int_fs_parameters). -#}

with

pair_comparisons as (
    select * from {{ ref('int_fs_pair_comparisons') }}
),

final as (
    select
        comparison_vector,
        {% for field in cdp_fs_fields() -%}
            {{ field.name }}_level,
        {% endfor -%}
        count(*) as pair_count
    from pair_comparisons
    group by
        {% for field in cdp_fs_fields() -%}
            {{ field.name }}_level,
        {% endfor -%}
        comparison_vector
)

select * from final
