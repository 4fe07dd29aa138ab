{{ cdp_split_rows(ref('base_support__tickets'), passed=true) }}
