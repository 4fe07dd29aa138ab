{#- A free-form full name ("John Smith", "Nguyễn Văn Nam") for display: cleaned like cdp_normalise_name, and
    "missing" tokens standing as a word of their own removed ("null Pena" -> "Pena", "N/A Whitehead" ->
    "Whitehead"): forms that type a full name into one field leave a junk first or last name in place.
    Only unambiguous tokens are dropped (not "na" or "nil", which are real names). Case is kept.
    `expr` should be a column: it is referred to twice. -#}
{% macro cdp_normalise_full_name(expr) -%}
    {%- set cleaned = cdp_clean_text(expr) -%}
    nullif(trim({{ cdp_regexp_replace_all(cleaned, '(?i)(^| )(null|n/a|none|unknown|-+|[?])( |$)', ' ') }}), '')
{%- endmacro %}
