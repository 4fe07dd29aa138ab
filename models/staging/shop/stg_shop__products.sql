{{ cdp_split_rows(ref('base_shop__products'), passed=true) }}
