{#- One row per person-describing record with the fields the probabilistic matcher compares.
    Free-form full names (orders, reviews, tickets) are split on spaces: first token -> first name,
    last token -> last name (a single token is taken as a last name).
    Incremental by record on DuckDB, like int_identity_observations (cdp_identity_incremental_config): a run
    rewrites the records loaded since the newest load it holds per source (minus the lookback); a touched record
    that no longer describes a person leaves through a tombstone (source_table NULL). It keeps a change log of
    the records it rewrote, which int_fs_candidate_pairs reads. -#}
{%- set sources = [
    'crm_contacts', 'shop_accounts', 'shop_orders', 'shop_reviews', 'support_tickets', 'surveys_responses'] -%}
{{ cdp_identity_incremental_config(tombstone_column='source_table', log_changes=true) }}

with

{% if is_incremental() -%}
touched_records as (
    {{ cdp_identity_touched_records(this, only=sources) }}
),

{% endif -%}
{{ cdp_identity_source_ctes(is_incremental(), only=sources) }}
crm_contact_records as (
    select
        'crm_contacts' as source_table,
        contact_id as record_id,
        first_name_folded,
        last_name_folded,
        trim(coalesce(first_name_folded, '') || ' ' || coalesce(last_name_folded, '')) as full_name_folded,
        date_of_birth,
        email_match_key,
        phone_e164,
        street_match_key,
        postcode,
        {{ cdp_fold_name('city') }} as city_folded,
        country_code,
        coalesce(updated_at, created_at) as observed_at,
        loaded_at
    from crm_contacts
),

shop_account_records as (
    select
        'shop_accounts' as source_table,
        account_id as record_id,
        first_name_folded,
        last_name_folded,
        trim(coalesce(first_name_folded, '') || ' ' || coalesce(last_name_folded, '')) as full_name_folded,
        date_of_birth,
        email_match_key,
        phone_e164,
        cast(null as string) as street_match_key,
        cast(null as string) as postcode,
        cast(null as string) as city_folded,
        country_code,
        created_at as observed_at,
        loaded_at
    from shop_accounts
),

shop_order_records as (
    select
        'shop_orders' as source_table,
        order_id as record_id,
        cast(null as string) as first_name_folded,
        cast(null as string) as last_name_folded,
        customer_name_folded as full_name_folded,
        cast(null as date) as date_of_birth,
        customer_email_match_key as email_match_key,
        customer_phone_e164 as phone_e164,
        shipping_street_match_key as street_match_key,
        shipping_postcode as postcode,
        {{ cdp_fold_name('shipping_city') }} as city_folded,
        coalesce(shipping_country_code, store_country_code) as country_code,
        ordered_at as observed_at,
        loaded_at
    from shop_orders
    where
        customer_name_folded is not null
        or customer_email_match_key is not null
        or customer_phone_e164 is not null
),

shop_review_records as (
    select
        'shop_reviews' as source_table,
        review_id as record_id,
        cast(null as string) as first_name_folded,
        cast(null as string) as last_name_folded,
        reviewer_name_folded as full_name_folded,
        cast(null as date) as date_of_birth,
        cast(null as string) as email_match_key,
        cast(null as string) as phone_e164,
        cast(null as string) as street_match_key,
        cast(null as string) as postcode,
        cast(null as string) as city_folded,
        cast(null as string) as country_code,
        created_at as observed_at,
        loaded_at
    from shop_reviews
    where reviewer_name_folded is not null
),

support_ticket_records as (
    select
        'support_tickets' as source_table,
        ticket_id as record_id,
        cast(null as string) as first_name_folded,
        cast(null as string) as last_name_folded,
        requester_name_folded as full_name_folded,
        cast(null as date) as date_of_birth,
        requester_email_match_key as email_match_key,
        requester_phone_e164 as phone_e164,
        cast(null as string) as street_match_key,
        cast(null as string) as postcode,
        cast(null as string) as city_folded,
        cast(null as string) as country_code,
        opened_at as observed_at,
        loaded_at
    from support_tickets
    where
        requester_name_folded is not null
        or requester_email_match_key is not null
        or requester_phone_e164 is not null
),

survey_response_records as (
    select
        'surveys_responses' as source_table,
        response_id as record_id,
        cast(null as string) as first_name_folded,
        cast(null as string) as last_name_folded,
        cast(null as string) as full_name_folded,
        cast(null as date) as date_of_birth,
        respondent_email_match_key as email_match_key,
        cast(null as string) as phone_e164,
        cast(null as string) as street_match_key,
        cast(null as string) as postcode,
        cast(null as string) as city_folded,
        cast(null as string) as country_code,
        submitted_at as observed_at,
        loaded_at
    from surveys_responses
    where respondent_email_match_key is not null
),

records_unioned as (
    select * from crm_contact_records
    union all
    select * from shop_account_records
    union all
    select * from shop_order_records
    union all
    select * from shop_review_records
    union all
    select * from support_ticket_records
    union all
    select * from survey_response_records
),

full_names_split as (
    select
        source_table,
        record_id,
        coalesce(
            first_name_folded,
            case
                when full_name_folded like '% %'
                    then {{ cdp_regexp_replace_all('full_name_folded', ' .*$', '') }}
            end
        ) as first_name_folded,
        coalesce(
            last_name_folded,
            {{ cdp_regexp_replace_all('full_name_folded', '^.* ', '') }}
        ) as last_name_folded,
        nullif(full_name_folded, '') as full_name_folded,
        date_of_birth,
        email_match_key,
        phone_e164,
        street_match_key,
        postcode,
        city_folded,
        country_code,
        observed_at,
        loaded_at
    from records_unioned
),

final as (
    select
        source_table || ':' || record_id as record_key,
        source_table,
        record_id,
        first_name_folded,
        last_name_folded,
        full_name_folded,
        date_of_birth,
        email_match_key,
        phone_e164,
        street_match_key,
        postcode,
        city_folded,
        country_code,
        observed_at,
        loaded_at
    from full_names_split
){%- if is_incremental() %},

tombstones as (
    {{ cdp_identity_tombstones('touched_records', key_columns=['record_key']) }}
)
{%- endif %}

select * from final
{%- if is_incremental() %}
union all
select * from tombstones
{%- endif %}
