-- Every normalisation macro returns the expected value for every case in seeds/tests/normalisation_cases.csv.
-- Runs on each engine, so a dialect difference in a macro fails here. Returns the cases that do not hold.
with

cases as (

    select * from {{ ref('normalisation_cases') }}

),

actual as (

    select
        case_id,
        macro,
        input,
        expected,
        case macro
            when 'normalise_email' then {{ cdp_normalise_email('input') }}
            when 'email_match_key' then {{ cdp_email_match_key(cdp_normalise_email('input')) }}
            when 'phone_to_e164' then {{ cdp_phone_to_e164('input', 'country') }}
            when 'normalise_name' then {{ cdp_normalise_name('input') }}
            when 'fold_name' then {{ cdp_fold_name('input') }}
            when 'normalise_country' then {{ cdp_normalise_country('input') }}
            when 'normalise_postcode' then {{ cdp_normalise_postcode('input') }}
            when 'address_match_key' then {{ cdp_address_match_key('input') }}
            when 'normalise_gender' then {{ cdp_normalise_gender('input') }}
            when 'normalise_handle' then {{ cdp_normalise_handle('input') }}
            when 'parse_timestamp' then cast({{ cdp_parse_timestamp('input') }} as {{ dbt.type_string() }})
            when 'epoch_ms_to_timestamp'
                then cast({{ cdp_epoch_to_timestamp('input', 'ms') }} as {{ dbt.type_string() }})
            when 'epoch_s_to_timestamp'
                then cast({{ cdp_epoch_to_timestamp('input', 's') }} as {{ dbt.type_string() }})
            when 'parse_date_dmy'
                then cast({{ cdp_parse_date('input', ['YYYY-MM-DD', 'DD/MM/YYYY']) }} as {{ dbt.type_string() }})
            when 'parse_date_mdy'
                then cast({{ cdp_parse_date('input', ['MM/DD/YYYY']) }} as {{ dbt.type_string() }})
        end as actual_output

    from cases

)

select *
from actual
where
    coalesce(actual_output, '<null>') != coalesce(expected, '<null>')
    or macro not in (
        'normalise_email', 'email_match_key', 'phone_to_e164', 'normalise_name', 'fold_name',
        'normalise_country', 'normalise_postcode', 'address_match_key', 'normalise_gender', 'normalise_handle',
        'parse_timestamp', 'epoch_ms_to_timestamp', 'epoch_s_to_timestamp', 'parse_date_dmy', 'parse_date_mdy'
    )
