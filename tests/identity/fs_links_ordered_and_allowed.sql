-- Probabilistic links: left key before right key, above the threshold, no guard broken, no never-link pair.
with

links as (
    select * from {{ ref('int_identity_probabilistic_links') }}
),

never_link as (
    select * from {{ ref('identity_never_link') }}
),

final as (
    select
        links.record_key_l,
        links.record_key_r,
        links.comparison_vector
    from links
    left join never_link
        on
            (links.record_key_l = never_link.record_key_l and links.record_key_r = never_link.record_key_r)
            or (links.record_key_l = never_link.record_key_r and links.record_key_r = never_link.record_key_l)
    where
        links.record_key_l >= links.record_key_r
        or links.match_probability < {{ cdp_fs_setting('cdp__match_threshold') }}
        or never_link.record_key_l is not null
        or links.comparison_vector like '%dob:0|%'
        or links.comparison_vector like '%dob:1|%'
        or links.comparison_vector like 'fn:0|ln:3|%'
)

select * from final
