{#- Traffic source of a web session from the UTM fields and referrer of its first event, first rule that holds:
      paid            utm_medium is a paid medium (cpc, paid_social, display, ...)
      email           utm_medium is an e-mail medium, or the referrer is a webmail host (mail.google.com, ...)
      social          utm_medium is a social medium, or the referrer is a social network host
      organic_search  utm_medium `organic`, or the referrer is a search engine host
      referral        utm_medium is a referral medium, any other UTM-tagged visit, or an external referrer
      direct          no UTM tag and no referrer, or the referrer is the site itself (page_host)
    The lists are var('cdp__traffic_source_rules') (keys as in cdp_traffic_source_default_rules). -#}
{% macro cdp_traffic_source(utm_source, utm_medium, referrer_host, page_host) -%}
    {%- set rules = cdp_traffic_source_default_rules() -%}
    {%- do rules.update(var('cdp__traffic_source_rules', {})) -%}
    case
        when {{ utm_medium }} in ({{ cdp_string_list(rules['paid_mediums']) }}) then 'paid'
        when {{ utm_medium }} in ({{ cdp_string_list(rules['email_mediums']) }}) then 'email'
        when {{ cdp_regexp_matches(referrer_host, rules['email_host_pattern']) }} then 'email'
        when {{ utm_medium }} in ({{ cdp_string_list(rules['social_mediums']) }}) then 'social'
        when {{ cdp_regexp_matches(referrer_host, rules['social_host_pattern']) }} then 'social'
        when {{ utm_medium }} in ({{ cdp_string_list(rules['organic_search_mediums']) }}) then 'organic_search'
        when {{ cdp_regexp_matches(referrer_host, rules['search_host_pattern']) }} then 'organic_search'
        when {{ utm_medium }} is not null or {{ utm_source }} is not null then 'referral'
        when {{ referrer_host }} <> coalesce({{ page_host }}, '') then 'referral'
        else 'direct'
    end
{%- endmacro %}

{#- Default lists of cdp_traffic_source; a key given in var('cdp__traffic_source_rules') replaces its list. -#}
{% macro cdp_traffic_source_default_rules() -%}
    {{ return({
        'paid_mediums': ['cpc', 'ppc', 'paid', 'paidsearch', 'paid_search', 'paid_social', 'paidsocial', 'display',
                         'cpm', 'cpv', 'banner', 'retargeting'],
        'email_mediums': ['email', 'e-mail', 'e_mail', 'newsletter'],
        'social_mediums': ['social', 'social_media', 'social-media', 'social_network', 'social-network', 'sm',
                           'organic_social'],
        'organic_search_mediums': ['organic', 'organic_search'],
        'email_host_pattern': '^(mail|webmail|outlook|email)[.]',
        'social_host_pattern': '(^|[.])(facebook|instagram|tiktok|twitter|x|linkedin|pinterest|reddit|youtube|snapchat|threads)[.]com$|^(t[.]co|lnkd[.]in)$',
        'search_host_pattern': '(^|[.])(google|bing|yahoo|duckduckgo|baidu|yandex|ecosia|qwant|naver|seznam)[.]',
    }) }}
{%- endmacro %}
