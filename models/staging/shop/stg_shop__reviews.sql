{{ cdp_split_rows(ref('base_shop__reviews'), passed=true) }}
