{{ cdp_split_rows(ref('base_privacy__consent_events'), passed=false) }}
