{#- Gender as 'female', 'male' or 'other' from the spellings the sources use (several languages);
    NULL when missing or not recognised. -#}
{% macro cdp_normalise_gender(expr) -%}
    {%- set cleaned = "lower(" ~ cdp_clean_text(expr) ~ ")" -%}
    case
        {%- for gender, spellings in cdp_gender_spellings().items() %}
        when {{ cleaned }} in ({{ cdp_string_list(spellings) }}) then '{{ gender }}'
        {%- endfor %}
    end
{%- endmacro %}


{#- Spellings of each gender accepted by cdp_normalise_gender (compared lower-cased). -#}
{% macro cdp_gender_spellings() -%}
    {{ return({
        'female': ['f', 'female', 'woman', 'w', 'k', 'kobieta', 'nữ', 'nu', 'weiblich', 'زن', '女'],
        'male': ['m', 'male', 'man', 'nam', 'mężczyzna', 'männlich', 'مرد', '男'],
        'other': ['x', 'o', 'other', 'non-binary', 'nonbinary', 'divers', 'diverse'],
    }) }}
{%- endmacro %}
