{{ cdp_split_rows(ref('base_crm__contacts'), passed=false) }}
