{#- A deterministic bucket 0..buckets-1 of a string expression: the first 32 bits of its md5, modulo `buckets`.
    The same number on every engine and in Python (int(md5(text).hexdigest()[:8], 16) % buckets). -#}
{% macro cdp_hash_bucket(expr, buckets) -%}
    {{ return(adapter.dispatch('cdp_hash_bucket', 'cdp')(expr, buckets)) }}
{%- endmacro %}

{% macro default__cdp_hash_bucket(expr, buckets) -%}
    cast(cast(('0x' || substr(md5({{ expr }}), 1, 8)) as bigint) % {{ buckets }} as integer)
{%- endmacro %}

{% macro spark__cdp_hash_bucket(expr, buckets) -%}
    cast(cast(conv(substr(md5({{ expr }}), 1, 8), 16, 10) as bigint) % {{ buckets }} as integer)
{%- endmacro %}
