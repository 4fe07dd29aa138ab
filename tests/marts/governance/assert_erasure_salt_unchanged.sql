{#- The suppression list is matched by salted hash: a build with another salt than the one that hashed it
    (CDP_PII_SALT unset or rotated) would match nobody, and every erased person whose request was purged would
    come back into the marts and the syncs. Fails on every suppression row hashed with another salt. -#}
with

suppressions as (

    select * from {{ ref('int_erasure_suppressions') }}

),

final as (

    select
        erasure_request_id,
        identifier_type,
        salt_fingerprint
    from suppressions
    where salt_fingerprint != {{ cdp_pii_hash("'cdp-salt-fingerprint'") }}

)

select * from final
