{#- The orders of int_basket_items holding a product stg_shop__products loaded since the model's last build
    (cdp_loaded_since_last_build): a re-delivered product may carry a new name or category, so every basket
    it is in is written again. A query of order_id. -#}
{% macro cdp_basket_orders_of_reloaded_products() -%}
    select order_id
    from {{ ref('fct_order_lines') }}
    where product_id in ({{ cdp_loaded_since_last_build(ref('stg_shop__products'), 'product_id') }})
{%- endmacro %}

{#- Pre-hook of int_basket_items in an incremental run: delete the rows of the orders
    cdp_basket_orders_of_reloaded_products lists; the run writes them again (the rows of the customers the
    customer change feed lists go by cdp_customer_incremental_config's own pre-hook). -#}
{% macro cdp_basket_items_delete_reloaded_orders() -%}
    {%- if execute and is_incremental() %}
    delete from {{ this }} where order_id in ({{ cdp_basket_orders_of_reloaded_products() }})
    {%- endif -%}
{%- endmacro %}

{#- The config of int_basket_items: cdp_customer_incremental_config, plus on DuckDB a pre-hook deleting the
    orders of re-delivered products (cdp_basket_items_delete_reloaded_orders) and a post-hook keeping the newest
    product load this build saw; a table on Spark. -#}
{% macro cdp_basket_items_incremental_config() -%}
    {{ adapter.dispatch('cdp_basket_items_incremental_config', 'cdp')() }}
{%- endmacro %}

{% macro default__cdp_basket_items_incremental_config() -%}
    {{ cdp_customer_incremental_config() }}
    {{ config(
        pre_hook=["{{ cdp_basket_items_delete_reloaded_orders() }}"],
        post_hook=["{{ cdp_remember_newest_load(ref('stg_shop__products')) }}"],
    ) }}
{%- endmacro %}

{% macro spark__cdp_basket_items_incremental_config() -%}
    {{ cdp_customer_incremental_config() }}
{%- endmacro %}
