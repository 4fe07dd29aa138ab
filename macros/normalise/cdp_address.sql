{#- A postcode for display and matching: cleaned, upper case, inner spaces collapsed to one. -#}
{% macro cdp_normalise_postcode(expr) -%}
    upper({{ cdp_clean_text(expr) }})
{%- endmacro %}


{#- A street line folded for matching: lower case, diacritics folded, punctuation dropped, and common
    street-type words abbreviated one way (street -> st, road -> rd, avenue -> ave, ulica -> ul, ...). -#}
{% macro cdp_address_match_key(expr) -%}
    {%- set state = namespace(key=cdp_fold_name(expr)) -%}
    {%- for long_form, short_form in cdp_street_abbreviations().items() -%}
        {%- set state.key = cdp_regexp_replace_all(state.key, '(^| )' ~ long_form ~ '( |$)', ' ' ~ short_form ~ ' ') -%}
    {%- endfor -%}
    nullif(trim({{ cdp_regexp_replace_all(state.key, ' +', ' ') }}), '')
{%- endmacro %}


{#- Street-type words and the one form cdp_address_match_key writes them in. -#}
{% macro cdp_street_abbreviations() -%}
    {{ return({
        'street': 'st', 'road': 'rd', 'avenue': 'ave', 'boulevard': 'blvd', 'drive': 'dr', 'lane': 'ln',
        'court': 'ct', 'place': 'pl', 'square': 'sq', 'terrace': 'ter', 'apartment': 'apt', 'suite': 'ste',
        'ulica': 'ul', 'aleja': 'al', 'strasse': 'str', 'straße': 'str', 'duong': 'd', 'pho': 'p',
    }) }}
{%- endmacro %}
