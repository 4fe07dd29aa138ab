{{ cdp_demo_seed_dependency('support_tickets') }}
{{ cdp_base_model_config('ticket_id') }}
with

source as (

    select * from {{ source('support', 'tickets') }}
    where {{ cdp_new_loads_filter('_loaded_at') }}

),

cleaned as (

    select
        {{ cdp_clean_text('ticket_id') }} as ticket_id,
        {{ cdp_normalise_name('requester_name') }} as requester_name,
        {{ cdp_clean_text('requester_email') }} as requester_email_raw,
        {{ cdp_normalise_email('requester_email') }} as requester_email,
        {{ cdp_clean_text('requester_phone') }} as requester_phone_raw,
        lower({{ cdp_clean_text('channel') }}) as channel,
        lower({{ cdp_clean_text('ticket_type') }}) as ticket_type,
        lower({{ cdp_clean_text('topic') }}) as topic,
        lower({{ cdp_clean_text('priority') }}) as priority,
        lower({{ cdp_clean_text('status') }}) as status,
        {{ cdp_clean_text('subject') }} as subject,
        {{ cdp_clean_text('description') }} as description,
        {{ cdp_parse_timestamp('opened_at') }} as opened_at,
        {{ cdp_clean_text('resolved_at') }} as resolved_at_raw,
        {{ cdp_parse_timestamp('resolved_at') }} as resolved_at_parsed,
        {{ cdp_parse_timestamp('_loaded_at') }} as loaded_at

    from source

),

normalised as (

    select
        ticket_id,
        requester_name,
        {{ cdp_fold_name('requester_name') }} as requester_name_folded,
        requester_email,
        {{ cdp_email_match_key('requester_email') }} as requester_email_match_key,
        {{ cdp_phone_to_e164('requester_phone_raw') }} as requester_phone_e164,
        channel,
        ticket_type,
        topic,
        priority,
        status,
        subject,
        description,
        requester_email_raw is not null and requester_email is null as has_invalid_requester_email,
        requester_phone_raw,
        resolved_at_raw,
        opened_at,
        case
            when opened_at is null or resolved_at_parsed >= opened_at then resolved_at_parsed
        end as resolved_at,
        loaded_at

    from cleaned

),

validated as (

    select
        ticket_id,
        requester_name,
        requester_name_folded,
        requester_email,
        requester_email_match_key,
        requester_phone_e164,
        channel,
        ticket_type,
        topic,
        priority,
        status,
        subject,
        description,
        {#- Hundredths of an hour rounded half up in integer arithmetic: round() of a double differs between
            DuckDB and Spark on exact halves. resolved_at >= opened_at here, so the difference is never negative. #}
        cast(
            floor((
                {{ dbt.datediff('opened_at', 'resolved_at', 'second') }}
                * 100 + 1800
            ) / 3600) / 100 as decimal(18, 2)
        ) as resolution_hours,
        has_invalid_requester_email,
        requester_phone_raw is not null and requester_phone_e164 is null as has_invalid_requester_phone,
        resolved_at_raw is not null and resolved_at is null as has_invalid_resolved_at,
        opened_at,
        resolved_at,
        loaded_at,
        {{ cdp_dq_reason([
            ('ticket_id is null', 'missing_key'),
            ('opened_at is null', 'invalid_timestamp'),
        ]) }} as dq_reason

    from normalised

)

select
    *,
    {{ cdp_loaded_month('loaded_at') }} as loaded_month
from validated
