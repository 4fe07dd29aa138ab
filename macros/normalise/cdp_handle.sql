{#- A social media handle for matching: cleaned, lower case, without the leading '@'. -#}
{% macro cdp_normalise_handle(expr) -%}
    nullif({{ cdp_regexp_replace_all("lower(" ~ cdp_clean_text(expr) ~ ")", '^@+', '') }}, '')
{%- endmacro %}
