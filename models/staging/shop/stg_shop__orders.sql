{{ cdp_split_rows(ref('base_shop__orders'), passed=true) }}
