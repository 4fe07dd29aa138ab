{{ cdp_split_rows(ref('base_ads__ad_events'), passed=false) }}
