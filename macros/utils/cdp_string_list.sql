{#- A comma-separated list of SQL string literals for an `in (...)` filter over configured values (vars, rules).
    A quote or backslash is refused: the two engines escape them differently. -#}
{% macro cdp_string_list(values) -%}
    {%- set literals = [] -%}
    {%- for value in values -%}
        {%- if "'" in value | string or "\\" in value | string -%}
            {{ exceptions.raise_compiler_error("cdp_string_list: a quote or backslash in " ~ value ~ " is refused") }}
        {%- endif -%}
        {%- do literals.append("'" ~ value ~ "'") -%}
    {%- endfor -%}
    {{ return(literals | join(', ')) }}
{%- endmacro %}
