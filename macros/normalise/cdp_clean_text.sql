{#- Trim and turn the "missing" tokens of var('cdp__null_tokens') ('', 'N/A', 'null', '-', ...) into NULL.
    Case and inner white space are kept and no regular expression runs: for ids, codes and enumerations,
    including those of the big event tables. -#}
{% macro cdp_trim_text(expr) -%}
    case
        when lower(trim({{ expr }})) in (
            {%- for token in var('cdp__null_tokens') -%}
                '{{ token }}'{{ ', ' if not loop.last }}
            {%- endfor -%}
        ) then null
        else trim({{ expr }})
    end
{%- endmacro %}


{#- cdp_trim_text after collapsing runs of white space (tabs, newlines, no-break spaces) to one space: for free
    text and names. Case is kept. -#}
{% macro cdp_clean_text(expr) -%}
    {{ cdp_trim_text(cdp_regexp_replace_all(expr, '[ \t\r\n ]+', ' ')) }}
{%- endmacro %}
