{{ cdp_split_rows(ref('base_esp__email_events'), passed=false) }}
