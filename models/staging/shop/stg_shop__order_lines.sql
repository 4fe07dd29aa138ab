{{ cdp_split_rows(ref('base_shop__order_lines'), passed=true) }}
