{{ cdp_split_rows(ref('base_app__events'), passed=false) }}
