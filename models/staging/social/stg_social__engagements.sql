{{ cdp_split_rows(ref('base_social__engagements'), passed=true) }}
