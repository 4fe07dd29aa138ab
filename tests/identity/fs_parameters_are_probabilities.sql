-- Fellegi-Sunter parameters: m and u are probabilities, m sums to 1 per field, lambda in (0, 1).
with

parameters as (
    select * from {{ ref('int_fs_parameters') }}
),

field_sums as (
    select
        field_name,
        sum(m_probability) as m_total,
        min(m_probability) as m_min,
        min(u_probability) as u_min,
        max(u_probability) as u_max,
        min(lambda_all_pairs) as lambda_min,
        max(lambda_all_pairs) as lambda_max
    from parameters
    where not is_fixed_by_hand
    group by field_name
),

final as (
    select *
    from field_sums
    where
        abs(m_total - 1.0) > 0.000001
        or m_min <= 0
        or u_min <= 0
        or u_max > 1.0001
        or lambda_min <= 0
        or lambda_max >= 1
)

select * from final
