{#- One row per cluster of the clustering model (int_customer_cluster_fit): its centroid (z-scores), its customers
    now (count, feature means in original units, buyer-relative scores), and an interpretable label derived from
    the centroid and the members by fixed rules. Method and assumptions: doc block
    analyses_customer_clusters. -#}
{%- set features = cdp_cluster_features() -%}
{%- set high = var('cdp__cluster_label_z', 0.5) -%}
{%- set buyer_features = ['z_revenue', 'z_order_count', 'z_recency_days'] -%}
with

features as (

    select * from {{ ref('int_customer_cluster_features') }}

),

assignments as (

    select * from {{ ref('int_customer_clusters_assigned') }}

),

cluster_fit as (

    select * from {{ ref('int_customer_cluster_fit') }}

),

{# Every customer's cluster (with its z-scores) beside its features in original units. -#}
members as (

    select
        assignments.*,
        features.is_buyer,
        features.has_engagement,
        features.revenue,
        features.order_count,
        features.recency_days,
        features.session_count,
        features.email_open_rate,
        features.engaged_days_30d,
        features.support_ticket_count
    from assignments
    inner join features
        on assignments.customer_id = features.customer_id

),

cluster_members as (

    select
        members.cluster_id,
        count(*) as customer_count,
        avg(cast(case when members.is_buyer then 1 else 0 end as double)) as buyer_share,
        avg(cast(case when members.has_engagement then 1 else 0 end as double)) as engaged_share,
        avg(members.revenue) as mean_revenue,
        avg(members.order_count) as mean_order_count,
        avg(members.recency_days) as mean_recency_days,
        avg(members.session_count) as mean_session_count,
        avg(members.email_open_rate) as mean_email_open_rate,
        avg(members.engaged_days_30d) as mean_engaged_days_30d,
        avg(members.support_ticket_count) as mean_support_ticket_count,
        avg(members.distance_to_centroid) as mean_distance_to_centroid
    from members
    group by members.cluster_id

),

{# Every cluster of the fit, with its centroid, and its members now (none: a cluster emptied since the fit). -#}
cluster_profiles as (

    select
        cluster_fit.cluster_id,
        coalesce(cluster_members.customer_count, 0) as customer_count,
        {% for feature in features -%}
            cluster_fit.centroid_{{ feature.name }},
        {% endfor -%}
        cluster_members.buyer_share,
        cluster_members.engaged_share,
        cluster_members.mean_revenue,
        cluster_members.mean_order_count,
        cluster_members.mean_recency_days,
        cluster_members.mean_session_count,
        cluster_members.mean_email_open_rate,
        cluster_members.mean_engaged_days_30d,
        cluster_members.mean_support_ticket_count,
        cluster_members.mean_distance_to_centroid,
        cluster_fit.last_iteration_centroid_shift,
        cluster_fit.fitted_customer_count,
        cluster_fit.fitted_on
    from cluster_fit
    left join cluster_members
        on cluster_fit.cluster_id = cluster_members.cluster_id

),

{# Most customers never bought, so against all customers every cluster of buyers has "high" revenue: purchase
    features of a cluster are also scored against buyers only (mean of the cluster's buyers vs all buyers). -#}
buyer_moments as (

    select
        {% for feature in buyer_features -%}
            avg(members.{{ feature }}) as mean_{{ feature }},
            stddev_pop(members.{{ feature }}) as sd_{{ feature }},
        {% endfor -%}
        count(*) as buyer_count
    from members
    where members.is_buyer

),

cluster_buyer_means as (

    select
        {% for feature in buyer_features -%}
            avg(members.{{ feature }}) as buyer_mean_{{ feature }},
        {% endfor -%}
        members.cluster_id
    from members
    where members.is_buyer
    group by members.cluster_id

),

cluster_profiles_scored as (

    select
        {% for feature in buyer_features -%}
            (cluster_buyer_means.buyer_mean_{{ feature }} - buyer_moments.mean_{{ feature }})
            / nullif(buyer_moments.sd_{{ feature }}, 0) as buyer_{{ feature }},
        {% endfor -%}
        cluster_profiles.*
    from cluster_profiles
    cross join buyer_moments
    left join cluster_buyer_means
        on cluster_profiles.cluster_id = cluster_buyer_means.cluster_id

),

{# Rules read top to bottom, first match wins; "high" / "low" = centroid z-score beyond +/- cdp__cluster_label_z. -#}
cluster_labels as (

    select
        *,
        case
            when customer_count = 0 then 'empty since the fit'
            when centroid_z_support_ticket_count >= 2 * {{ high }} then 'support-heavy customers'
            when
                buyer_share < 0.5
                and (centroid_z_engaged_days_30d >= {{ high }} or centroid_z_session_count >= {{ high }})
                then 'engaged browsers, no purchase'
            when buyer_share < 0.5 then 'dormant contacts, no purchase'
            when buyer_z_recency_days >= {{ high }} and buyer_z_revenue >= {{ high }}
                then 'lapsed high-value buyers'
            when buyer_z_recency_days >= {{ high }} then 'lapsed buyers'
            when buyer_z_revenue >= {{ high }} and buyer_z_order_count >= {{ high }} then 'high-value loyal'
            when buyer_z_recency_days <= -{{ high }} and buyer_z_order_count > 0 then 'active repeat buyers'
            when buyer_z_recency_days <= -{{ high }} then 'new / recent buyers'
            else 'occasional buyers'
        end as cluster_label,
        concat_ws(
            ', ',
            {% for feature in features -%}
                case
                    when centroid_{{ feature.name }} >= {{ high }} then '{{ feature.unit | replace("_", " ") }} high'
                    when centroid_{{ feature.name }} <= -{{ high }} then '{{ feature.unit | replace("_", " ") }} low'
                end{{ "," if not loop.last }}
            {% endfor -%}
        ) as profile_summary
    from cluster_profiles_scored

),

final as (

    select
        cast(cluster_id as integer) as cluster_id,
        cast(cluster_label as {{ dbt.type_string() }}) as cluster_label,
        cast(profile_summary as {{ dbt.type_string() }}) as profile_summary,
        cast(customer_count as bigint) as customer_count,
        cast(round(cast(customer_count as double) / sum(customer_count) over (), 9) as double) as customer_share,
        cast(round(buyer_share, 9) as double) as buyer_share,
        cast(round(engaged_share, 9) as double) as engaged_share,
        {% for feature in features -%}
            cast(round(centroid_{{ feature.name }}, 9) as double) as centroid_{{ feature.name }},
        {% endfor -%}
        {% for feature in buyer_features -%}
            cast(round(buyer_{{ feature }}, 9) as double) as buyer_{{ feature }},
        {% endfor -%}
        cast(mean_revenue as decimal(18, 2)) as mean_revenue,
        cast(round(mean_order_count, 9) as double) as mean_order_count,
        cast(round(mean_recency_days, 9) as double) as mean_recency_days,
        cast(round(mean_session_count, 9) as double) as mean_session_count,
        cast(round(mean_email_open_rate, 9) as double) as mean_email_open_rate,
        cast(round(mean_engaged_days_30d, 9) as double) as mean_engaged_days_30d,
        cast(round(mean_support_ticket_count, 9) as double) as mean_support_ticket_count,
        cast(round(mean_distance_to_centroid, 9) as double) as mean_distance_to_centroid,
        cast(round(last_iteration_centroid_shift, 9) as double) as last_iteration_centroid_shift,
        cast(fitted_customer_count as bigint) as fitted_customer_count,
        cast(fitted_on as date) as fitted_on
    from cluster_labels

)

select * from final
