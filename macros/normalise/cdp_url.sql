{#- The host of an absolute URL, lower case, without scheme, user info, port, path, query or fragment
    (`https://user@Shop.Example.com:8080/p?q=1` -> `shop.example.com`); NULL for a relative or empty URL.
    Pass a cleaned column. IPv6 literal hosts (`[::1]`) are not supported. -#}
{% macro cdp_url_host(expr) -%}
    {%- set scheme_and_user_or_after_host = '^[a-zA-Z][a-zA-Z0-9+.-]*://([^/?#@]*@)?|[:/?#].*$' -%}
    case
        when {{ expr }} like '%://%'
            then nullif(lower({{ cdp_regexp_replace_all(expr, scheme_and_user_or_after_host, '') }}), '')
    end
{%- endmacro %}


{#- The path of a URL, without scheme, host, query or fragment
    (`https://shop.example.com/c/apparel?x=1#top` -> `/c/apparel`); `/` when the URL has no path; case kept.
    NULL when the URL is NULL. Pass a cleaned column. -#}
{% macro cdp_url_path(expr) -%}
    {%- set scheme_and_host_or_query = '^[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]*|[?#].*$' -%}
    case
        when {{ expr }} is not null
            then coalesce(nullif({{ cdp_regexp_replace_all(expr, scheme_and_host_or_query, '') }}, ''), '/')
    end
{%- endmacro %}
