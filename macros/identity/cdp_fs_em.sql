{#- Literal rows (field_name, comparison_level, m_probability, u_probability) for a parameter dict
    {(field, level): (m, u)}, as a select usable in a CTE on every engine. -#}
{% macro cdp_fs_parameter_rows(parameters) -%}
    {%- for key, value in parameters.items() %}
    select
        '{{ key[0] }}' as field_name,
        {{ key[1] }} as comparison_level,
        cast({{ '%.17g' | format(value[0]) }} as double) as m_probability,
        cast({{ '%.17g' | format(value[1]) }} as double) as u_probability
    {%- if not loop.last %}
    union all{% endif %}
    {%- endfor %}
{%- endmacro %}


{#- One EM iteration over `patterns_relation` (int_fs_comparison_patterns) as a query: E-step (posterior match
    probability per comparison vector, missing levels left out) and M-step (new m and u per field and level,
    smoothed with 0.01 of a pair; new lambda). Returns rows field_name, comparison_level, m_probability,
    u_probability, lambda_candidates. -#}
{% macro cdp_fs_em_step_sql(patterns_relation, parameters, lambda_candidates) -%}
with

parameters as (
    {{ cdp_fs_parameter_rows(parameters) }}
),

pattern_levels as (
    {% for field in cdp_fs_fields() %}
    select
        comparison_vector,
        '{{ field.name }}' as field_name,
        {{ field.name }}_level as comparison_level,
        pair_count
    from {{ patterns_relation }}
    where {{ field.name }}_level >= 0
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

expectation as (
    select
        pattern_levels.comparison_vector,
        max(pattern_levels.pair_count) as pair_count,
        1.0 / (1.0 + exp(least(greatest(
            ln((1.0 - {{ lambda_candidates }}) / {{ lambda_candidates }})
            + sum(ln(parameters.u_probability))
            - sum(ln(parameters.m_probability)),
            -50.0), 50.0))) as match_probability
    from pattern_levels
    inner join parameters
        on
            pattern_levels.field_name = parameters.field_name
            and pattern_levels.comparison_level = parameters.comparison_level
    group by pattern_levels.comparison_vector
),

level_weights as (
    select
        pattern_levels.field_name,
        pattern_levels.comparison_level,
        sum(pattern_levels.pair_count * expectation.match_probability) as expected_match_count,
        sum(pattern_levels.pair_count * (1.0 - expectation.match_probability)) as expected_non_match_count
    from pattern_levels
    inner join expectation
        on pattern_levels.comparison_vector = expectation.comparison_vector
    group by pattern_levels.field_name, pattern_levels.comparison_level
),

lambda_estimate as (
    select
        least(greatest(sum(pair_count * match_probability) / sum(pair_count), 0.000001), 0.999999)
            as lambda_candidates
    from expectation
),

final as (
    select
        parameters.field_name,
        parameters.comparison_level,
        (coalesce(level_weights.expected_match_count, 0.0) + 0.01)
        / sum(coalesce(level_weights.expected_match_count, 0.0) + 0.01)
            over (partition by parameters.field_name) as m_probability,
        (coalesce(level_weights.expected_non_match_count, 0.0) + 0.01)
        / sum(coalesce(level_weights.expected_non_match_count, 0.0) + 0.01)
            over (partition by parameters.field_name) as u_probability,
        lambda_estimate.lambda_candidates
    from parameters
    left join level_weights
        on
            parameters.field_name = level_weights.field_name
            and parameters.comparison_level = level_weights.comparison_level
    cross join lambda_estimate
)

select * from final
{%- endmacro %}


{#- Runs `iterations` EM steps with run_query (each step a small query over the pattern table; the current
    parameters travel as literal rows), starting from m = 0.9 at each field's top level (0.1 spread over the
    others), u = the random-pair u, lambda = 0.3. Returns {'parameters': {(field, level): (m, u)},
    'lambda_candidates': x}. Only runs when dbt executes models (run, build, test, retry); parsing, compiling,
    docs and linters get neutral values (0.5), as the tables EM reads may not exist yet. -#}
{% macro cdp_fs_run_em(patterns_relation, u_relation, iterations) -%}
    {%- set parameters = {} -%}
    {%- set state = {'lambda_candidates': 0.3} -%}
    {%- if execute and flags.WHICH in ['run', 'build', 'test', 'retry'] -%}
        {%- set u_rows = run_query(
            'select field_name, comparison_level, u_probability from ' ~ u_relation
        ) -%}
        {%- for field in cdp_fs_fields() -%}
            {%- for level in field.levels -%}
                {%- set m_start = 0.9 if level == field.levels[-1] else 0.1 / (field.levels | length - 1) -%}
                {%- set u_start = [0.5] -%}
                {%- for row in u_rows.rows if row[0] == field.name and (row[1] | int) == level -%}
                    {%- do u_start.append(row[2] | float) -%}
                {%- endfor -%}
                {%- do parameters.update({(field.name, level): (m_start, u_start[-1])}) -%}
            {%- endfor -%}
        {%- endfor -%}
        {%- for i in range(iterations) -%}
            {%- set step = run_query(cdp_fs_em_step_sql(patterns_relation, parameters, state['lambda_candidates'])) -%}
            {%- for row in step.rows -%}
                {%- do parameters.update({(row[0], row[1] | int): (row[2] | float, row[3] | float)}) -%}
                {%- do state.update({'lambda_candidates': row[4] | float}) -%}
            {%- endfor -%}
        {%- endfor -%}
    {%- else -%}
        {%- for field in cdp_fs_fields() -%}
            {%- for level in field.levels -%}
                {%- do parameters.update({(field.name, level): (0.5, 0.5)}) -%}
            {%- endfor -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return({'parameters': parameters, 'lambda_candidates': state['lambda_candidates']}) }}
{%- endmacro %}
