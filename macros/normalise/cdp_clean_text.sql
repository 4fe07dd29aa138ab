{#- Trim, collapse runs of white space (incl. tabs, newlines, no-break spaces) to one space, and turn the
    "missing" tokens of var('cdp__null_tokens') ('N/A', 'null', '-', ...) into NULL. Case is kept. -#}
{% macro cdp_clean_text(expr) -%}
    {%- set collapsed = "trim(" ~ cdp_regexp_replace_all(expr, '[ \t\r\n ]+', ' ') ~ ")" -%}
    case
        when lower({{ collapsed }}) in (
            {%- for token in var('cdp__null_tokens') -%}
                '{{ token }}'{{ ', ' if not loop.last }}
            {%- endfor -%}
        ) then null
        else {{ collapsed }}
    end
{%- endmacro %}
