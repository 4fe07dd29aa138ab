{#- Named RFM segment from the three quintile scores (1..5, 5 = best). The grid crosses recency with the
    frequency-monetary score (the average of F and M, rounded half up), the usual 11-segment map:

        R \ FM      1                2                  3                4                  5
        5           new_customers    potential_loyal.   potential_loyal. champions          champions
        4           promising        potential_loyal.   potential_loyal. loyal              loyal
        3           about_to_sleep   about_to_sleep     need_attention   loyal              loyal
        2           hibernating      hibernating        at_risk          at_risk            cannot_lose_them
        1           lost             hibernating        at_risk          at_risk            cannot_lose_them

    NULL when any score is NULL (a customer without a completed order). -#}
{% macro cdp_rfm_segment(recency_score, frequency_score, monetary_score) -%}
    {%- set fm -%}
        cast(floor(({{ frequency_score }} + {{ monetary_score }} + 1) / 2.0) as integer)
    {%- endset -%}
    case
        when {{ recency_score }} is null or {{ frequency_score }} is null or {{ monetary_score }} is null
            then null
        when {{ recency_score }} = 5 and {{ fm }} >= 4 then 'champions'
        when {{ recency_score }} >= 3 and {{ fm }} >= 4 then 'loyal'
        when {{ recency_score }} = 5 and {{ fm }} = 1 then 'new_customers'
        when {{ recency_score }} = 4 and {{ fm }} = 1 then 'promising'
        when {{ recency_score }} >= 4 then 'potential_loyalists'
        when {{ recency_score }} = 3 and {{ fm }} = 3 then 'need_attention'
        when {{ recency_score }} = 3 then 'about_to_sleep'
        when {{ fm }} = 5 then 'cannot_lose_them'
        when {{ fm }} >= 3 then 'at_risk'
        when {{ recency_score }} = 1 and {{ fm }} = 1 then 'lost'
        else 'hibernating'
    end
{%- endmacro %}
