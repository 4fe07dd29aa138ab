{{ cdp_split_rows(ref('base_shop__accounts'), passed=false) }}
