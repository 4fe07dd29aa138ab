{{ cdp_split_rows(ref('base_shop__carts'), passed=false) }}
