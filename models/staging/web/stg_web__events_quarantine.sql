{{ cdp_split_rows(ref('base_web__events'), passed=false) }}
