{{ cdp_split_rows(ref('base_surveys__responses'), passed=false) }}
