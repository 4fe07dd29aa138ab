{{ cdp_split_rows(ref('base_privacy__erasure_requests'), passed=false) }}
