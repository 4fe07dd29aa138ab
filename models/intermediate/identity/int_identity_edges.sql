{#- Every candidate edge of the identity graph, one row per (node pair, edge type). Deterministic edges link each
    record's anchor to each of its other identifiers; the many records (events) that repeat a pair collapse into
    one row. Edges whose far identifier was rejected stay with is_used = false and rejected_reason. With
    var('cdp__use_probabilistic_links'), the links of int_identity_probabilistic_links join as edges between the
    two records' anchor nodes.
    Incremental by edge on DuckDB: a run rewrites the deterministic edges at the nodes int_identity_record_anchors'
    anchor change log lists (the anchors, before and after, of the records it rewrote: every edge a record is
    behind has the record's anchor at one end), each from all the records behind it, and the probabilistic
    edges of the anchor pairs whose links or anchors changed, grouped from the link anchors (every link with its
    records' anchors, a work table its pre-hook brings up to date: cdp_identity_refresh_link_anchors); an edge
    of those that is gone gets a tombstone (node_key_l NULL), deleted after. Without the log (the anchors were
    built whole) its pre-hook empties it and it writes every edge, from the link anchors the pre-hook maps
    every link into. On Spark (a table, no hooks) it maps every link inline.
    Edge change log (`int_identity_edges__changed_edge_nodes`, strategy cdp_delete_insert_edge_changes): a run
    appends the ends of the used edges it adds, changes or removes, for int_identity_merge_audit to read. -#}
{%- set anchor_log = cdp_identity_anchor_change_log(ref('int_identity_record_anchors')) -%}
{%- set from_change_log = cdp_identity_change_logs_readable([anchor_log]) -%}
{%- set from_link_anchors = cdp_identity_link_anchors_readable(anchor_log) -%}
{%- set link_anchors_kept = cdp_identity_link_anchors_kept() -%}
{%- set edge_observations = 'observations_at_changed_anchors' if from_change_log else 'observations_assessed' -%}
-- depends_on: {{ ref('int_identity_probabilistic_links') }}
{{ cdp_identity_incremental_config(
    pre_hook=[
        "{{ cdp_identity_empty_without_change_logs(
            [cdp_identity_anchor_change_log(ref('int_identity_record_anchors'))]) }}",
        "{{ cdp_identity_refresh_link_anchors(ref('int_identity_probabilistic_links'),
            ref('int_identity_record_anchors'), cdp_identity_anchor_change_log(ref('int_identity_record_anchors'))) }}",
    ],
    post_hook=[
        "{{ cdp_identity_drop_link_anchors_work_tables() }}",
        "{{ cdp_identity_consume_change_logs(
            [cdp_identity_anchor_change_log(ref('int_identity_record_anchors'))]) }}",
    ],
    tombstone_column='node_key_l',
    unique_key='edge_id',
    log_edge_changes=true) }}
with

observations_assessed as {{ cdp_not_materialized() }} (

    select * from {{ ref('int_identity_observations_assessed') }}

),

record_anchors as {{ cdp_not_materialized() }} (

    select * from {{ ref('int_identity_record_anchors') }}

),

{%- if from_change_log %}

changed_anchors as (

    select distinct node_key from {{ anchor_log }}
    where node_key is not null

),

{#- The records behind the edges at the changed anchors: those anchored at one (all their edges), and those
    anchored elsewhere that observe one (their edges to it). -#}
records_at_changed_anchors as (

    {%- if from_link_anchors %}
    {#- found by the link anchors' pre-hook, in its one scan of the anchors #}
    select
        record_key,
        anchor_node_key,
        anchor_identifier_type,
        anchor_identifier_value
    from {{ cdp_identity_link_anchors_work_tables().anchored }}
    where is_at_changed_anchor
    {%- else %}
    select
        record_anchors.record_key,
        record_anchors.anchor_node_key,
        record_anchors.anchor_identifier_type,
        record_anchors.anchor_identifier_value
    from record_anchors
    inner join changed_anchors
        on record_anchors.anchor_node_key = changed_anchors.node_key
    {%- endif %}

),

{#- The observations behind those edges, in one scan of the assessment: every observation of a record anchored
    at a changed anchor, and every observation of a changed anchor (but the anchor's own). -#}
observations_at_changed_anchors as (

    select *
    from observations_assessed
    where
        not is_anchor
        and (
            record_key in (select record_key from records_at_changed_anchors)
            or node_key in (select node_key from changed_anchors)
        )

),

records_observing_changed_anchors as (

    select
        record_key,
        anchor_node_key,
        anchor_identifier_type,
        anchor_identifier_value
    from record_anchors
    where
        record_key in (
            select record_key
            from observations_at_changed_anchors
            where node_key in (select node_key from changed_anchors)
        )
        and anchor_node_key not in (select node_key from changed_anchors)

),

records_rewritten as (

    select * from records_at_changed_anchors
    union all
    select * from records_observing_changed_anchors

),
{%- endif %}

record_edges as (

    select
        record_anchors.anchor_node_key as from_node_key,
        record_anchors.anchor_identifier_type as from_identifier_type,
        record_anchors.anchor_identifier_value as from_identifier_value,
        observations_assessed.node_key as to_node_key,
        observations_assessed.identifier_type as to_identifier_type,
        observations_assessed.identifier_value as to_identifier_value,
        observations_assessed.record_key,
        observations_assessed.observed_at,
        observations_assessed.rejected_reason
    from {{ edge_observations }} as observations_assessed
    inner join {{ 'records_rewritten' if from_change_log else 'record_anchors' }} as record_anchors
        on observations_assessed.record_key = record_anchors.record_key
    {# every observation but the anchor's own: the record's anchor is its is_anchor observation, or a record
        node no observation stands on. Filtering the flag, not the joined node keys, lets the scan skip the
        anchors, most of the observations. #}
    where not observations_assessed.is_anchor

),

record_edges_oriented as (

    select
        case when from_node_key < to_node_key then from_node_key else to_node_key end as node_key_l,
        case when from_node_key < to_node_key then to_node_key else from_node_key end as node_key_r,
        case when from_node_key < to_node_key then from_identifier_type else to_identifier_type end
            as identifier_type_l,
        case when from_node_key < to_node_key then from_identifier_value else to_identifier_value end
            as identifier_value_l,
        case when from_node_key < to_node_key then to_identifier_type else from_identifier_type end
            as identifier_type_r,
        case when from_node_key < to_node_key then to_identifier_value else from_identifier_value end
            as identifier_value_r,
        record_key,
        observed_at,
        rejected_reason
    from record_edges

),

deterministic_edges as (

    select
        node_key_l,
        node_key_r,
        'deterministic' as edge_type,
        min(identifier_type_l) as identifier_type_l,
        min(identifier_value_l) as identifier_value_l,
        min(identifier_type_r) as identifier_type_r,
        min(identifier_value_r) as identifier_value_r,
        cast(null as {{ dbt.type_float() }}) as match_weight,
        {# a record observes a node once (observations are unique by record, type and value), so the rows of a
            pair are its records #}
        count(*) as record_count,
        min(record_key) as example_record_key,
        min(observed_at) as first_observed_at,
        max(observed_at) as last_observed_at,
        max(case when rejected_reason is null then 1 else 0 end) = 1 as is_used,
        case when max(case when rejected_reason is null then 1 else 0 end) = 0 then min(rejected_reason) end
            as rejected_reason
    from record_edges_oriented
    group by
        node_key_l,
        node_key_r

),

{%- if not (from_link_anchors or link_anchors_kept) %}

probabilistic_links as (

    {#- Spark, or the links switched off: every link mapped here, each run #}
    select * from {{ ref('int_identity_probabilistic_links') }}

),

linked_anchors as (

    {{ cdp_identity_linked_anchors_sql('probabilistic_links', 'record_anchors') }}

),
{%- endif %}

link_anchors as (

    {#- every link with the anchors of its records: from the table the pre-hook wrote (only the links of the
        anchor pairs it touched when it brought the table up to date, else every link it mapped), or mapped
        inline -#}
    {{ cdp_identity_touched_link_anchors_sql() if from_link_anchors
        else ('select * from ' ~ cdp_identity_link_anchors_relation()) if link_anchors_kept
        else cdp_identity_link_anchors_sql('probabilistic_links', 'linked_anchors') }}

),

probabilistic_edges_mapped as (

    select
        {{ cdp_identity_link_anchor_pair('link_anchors') }},
        case
            when link_anchors.anchor_node_key_l < link_anchors.anchor_node_key_r
                then link_anchors.anchor_identifier_type_l
            else link_anchors.anchor_identifier_type_r
        end as identifier_type_l,
        case
            when link_anchors.anchor_node_key_l < link_anchors.anchor_node_key_r
                then link_anchors.anchor_identifier_value_l
            else link_anchors.anchor_identifier_value_r
        end as identifier_value_l,
        case
            when link_anchors.anchor_node_key_l < link_anchors.anchor_node_key_r
                then link_anchors.anchor_identifier_type_r
            else link_anchors.anchor_identifier_type_l
        end as identifier_type_r,
        case
            when link_anchors.anchor_node_key_l < link_anchors.anchor_node_key_r
                then link_anchors.anchor_identifier_value_r
            else link_anchors.anchor_identifier_value_l
        end as identifier_value_r,
        link_anchors.record_key_l as record_key,
        link_anchors.match_weight,
        case
            when link_anchors.anchor_observed_at_l > link_anchors.anchor_observed_at_r
                then link_anchors.anchor_observed_at_l
            else link_anchors.anchor_observed_at_r
        end as observed_at
    from link_anchors
    where link_anchors.anchor_node_key_l != link_anchors.anchor_node_key_r

),

probabilistic_edges as (

    select
        node_key_l,
        node_key_r,
        'probabilistic' as edge_type,
        min(identifier_type_l) as identifier_type_l,
        min(identifier_value_l) as identifier_value_l,
        min(identifier_type_r) as identifier_type_r,
        min(identifier_value_r) as identifier_value_r,
        cast(max(match_weight) as {{ dbt.type_float() }}) as match_weight,
        count(*) as record_count,
        min(record_key) as example_record_key,
        min(observed_at) as first_observed_at,
        max(observed_at) as last_observed_at,
        true as is_used,
        cast(null as {{ dbt.type_string() }}) as rejected_reason
    from probabilistic_edges_mapped
    group by
        node_key_l,
        node_key_r

),

edges_unioned as (

    select * from deterministic_edges
    union all
    -- var('cdp__use_probabilistic_links') switches the Fellegi-Sunter links on or off.
    select * from probabilistic_edges
    where {{ 'true' if var('cdp__use_probabilistic_links') else 'false' }}

),

final as (

    select
        md5(edge_type || '|' || node_key_l || '|' || node_key_r) as edge_id,
        node_key_l,
        node_key_r,
        edge_type,
        identifier_type_l,
        identifier_value_l,
        identifier_type_r,
        identifier_value_r,
        match_weight,
        record_count,
        example_record_key,
        first_observed_at,
        last_observed_at,
        is_used,
        rejected_reason
    from edges_unioned

)

{%- if from_change_log %},

{#- the edges at the changed anchors that are gone, and the probabilistic edges that are gone: of the anchor
    pairs the link anchors' pre-hook touched, else all -#}
edges_gone as (

    select previous.edge_id
    from {{ this }} as previous
    left join final
        on previous.edge_id = final.edge_id
    {%- if from_link_anchors %}
    left join {{ cdp_identity_link_anchors_work_tables().link_pairs }} as link_pairs
        on
            previous.node_key_l = link_pairs.node_key_l
            and previous.node_key_r = link_pairs.node_key_r
    {%- endif %}
    where
        final.edge_id is null
        and (
            {%- if from_link_anchors %}
            (previous.edge_type = 'probabilistic' and link_pairs.node_key_l is not null)
            {%- else %}
            previous.edge_type = 'probabilistic'
            {%- endif %}
            or previous.node_key_l in (select node_key from changed_anchors)
            or previous.node_key_r in (select node_key from changed_anchors)
        )

)
{%- endif %}

select * from final
{%- if from_change_log %}
union all
{{ cdp_identity_tombstones('edges_gone', key_columns=['edge_id']) }}
{%- endif %}
