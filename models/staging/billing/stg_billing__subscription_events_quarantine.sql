{{ cdp_split_rows(ref('base_billing__subscription_events'), passed=false) }}
