{#- True when `expr` (a lower-cased column) has the shape of an IP address: IPv4 as four dot-separated numbers
    0-255 without leading zeros, or IPv6 as 3-8 colon-separated groups of up to four hex digits (`::`
    compression and an IPv4 tail such as `::ffff:192.0.2.1` allowed). A shape check only: it does not tell
    public from private addresses. False for NULL. -#}
{% macro cdp_is_valid_ip_address(expr) -%}
    {%- set octet = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])' -%}
    {%- set ipv4 = octet ~ '([.]' ~ octet ~ '){3}' -%}
    coalesce(
        {{ cdp_regexp_matches(expr, '^' ~ ipv4 ~ '$') }}
        or (
            {{ expr }} like '%:%'
            and {{ expr }} not like '%:::%'
            and (
                {{ cdp_regexp_matches(expr, '^[0-9a-f]{0,4}(:[0-9a-f]{0,4}){2,7}$') }}
                or {{ cdp_regexp_matches(expr, '^[0-9a-f]{0,4}(:[0-9a-f]{0,4}){1,6}:' ~ ipv4 ~ '$') }}
            )
        ),
        false
    )
{%- endmacro %}
