{#- The link anchors of int_identity_edges: its work table `<model>__link_anchors` holds every probabilistic link
    (int_identity_probabilistic_links) with the anchors of its two records (int_identity_record_anchors), the rows
    its probabilistic edges are grouped from. Its pre-hook (cdp_identity_refresh_link_anchors) writes the table:
    an incremental run brings it up to date and groups again only the anchor pairs it touched, instead of
    looking up the anchors of every linked record (2 million at 1M people) and rewriting every probabilistic
    edge; any other run maps every link into it once and groups every edge from it. -#}

{#- The work table `<model>__link_anchors` of the calling model. -#}
{% macro cdp_identity_link_anchors_relation() -%}
    {{ return(cdp_work_relation(this.identifier, 'link_anchors')) }}
{%- endmacro %}

{#- The transient work tables cdp_identity_refresh_link_anchors writes for one run of the calling model, by name
    (link_records, anchored, refreshed_records, link_anchors_new, link_pairs: `<model>__<name>`). The one list of
    them: the pre-hook writes them, the model and cdp_identity_touched_link_anchors_sql read them, and
    cdp_identity_drop_link_anchors_work_tables drops every one of them. -#}
{% macro cdp_identity_link_anchors_work_tables() -%}
    {{ return(cdp_work_relations(
        ['link_records', 'anchored', 'refreshed_records', 'link_anchors_new', 'link_pairs'])) }}
{%- endmacro %}

{#- True when the calling run of int_identity_edges groups its probabilistic edges from the link anchors of the
    anchor pairs cdp_identity_refresh_link_anchors touched: an incremental run that reads the anchor change log
    `anchor_log`, with the links switched on and the table built by an earlier run. Otherwise the pre-hook
    maps every link into the table (cdp_identity_link_anchors_kept) or the model maps them inline. -#}
{% macro cdp_identity_link_anchors_readable(anchor_log) -%}
    {{ return(var('cdp__use_probabilistic_links')
        and cdp_identity_change_logs_readable([anchor_log])
        and load_relation(cdp_identity_link_anchors_relation()) is not none) }}
{%- endmacro %}

{#- True when int_identity_edges keeps the link anchors: the links are switched on and the engine runs the model's
    hooks (DuckDB). Spark builds the model as a table without hooks: it maps every link inline each run. -#}
{% macro cdp_identity_link_anchors_kept() -%}
    {{ return(adapter.dispatch('cdp_identity_link_anchors_kept', 'cdp')()) }}
{%- endmacro %}

{% macro default__cdp_identity_link_anchors_kept() -%}
    {{ return(var('cdp__use_probabilistic_links')) }}
{%- endmacro %}

{% macro spark__cdp_identity_link_anchors_kept() -%}
    {{ return(false) }}
{%- endmacro %}

{#- SELECT of the anchors (record_key, anchor_node_key, anchor_identifier_type, anchor_identifier_value,
    observed_at) of the records of the links in `links` (SQL: a relation or CTE with record_key_l and
    record_key_r), from `record_anchors` (int_identity_record_anchors, or a CTE over it): one pass over the
    anchors for both ends of every link, the `anchors` that cdp_identity_link_anchors_sql maps every link with. -#}
{% macro cdp_identity_linked_anchors_sql(links, record_anchors) -%}
    select
        record_key,
        anchor_node_key,
        anchor_identifier_type,
        anchor_identifier_value,
        observed_at
    from {{ record_anchors }}
    where
        record_key in (
            select record_key_l as record_key from {{ links }}
            union
            select record_key_r as record_key from {{ links }}
        )
{%- endmacro %}

{#- SELECT of the link anchors' rows for the links in `links` (SQL: a relation or subquery with record_key_l,
    record_key_r and match_weight) whose two records have an anchor in `anchors` (SQL with record_key,
    anchor_node_key, anchor_identifier_type, anchor_identifier_value and observed_at, one row per record). -#}
{% macro cdp_identity_link_anchors_sql(links, anchors) -%}
    select
        links.record_key_l,
        links.record_key_r,
        links.match_weight,
        anchor_l.anchor_node_key as anchor_node_key_l,
        anchor_l.anchor_identifier_type as anchor_identifier_type_l,
        anchor_l.anchor_identifier_value as anchor_identifier_value_l,
        anchor_l.observed_at as anchor_observed_at_l,
        anchor_r.anchor_node_key as anchor_node_key_r,
        anchor_r.anchor_identifier_type as anchor_identifier_type_r,
        anchor_r.anchor_identifier_value as anchor_identifier_value_r,
        anchor_r.observed_at as anchor_observed_at_r
    from {{ links }} as links
    inner join {{ anchors }} as anchor_l
        on links.record_key_l = anchor_l.record_key
    inner join {{ anchors }} as anchor_r
        on links.record_key_r = anchor_r.record_key
{%- endmacro %}

{#- SELECT of the link anchors' rows of the anchor pairs the pre-hook listed (`<model>__link_pairs`), in a run
    where cdp_identity_link_anchors_readable. -#}
{% macro cdp_identity_touched_link_anchors_sql() -%}
    select link_anchors.*
    from {{ cdp_identity_link_anchors_relation() }} as link_anchors
    inner join {{ cdp_identity_link_anchors_work_tables().link_pairs }} as link_pairs
        on
            least(link_anchors.anchor_node_key_l, link_anchors.anchor_node_key_r) = link_pairs.node_key_l
            and greatest(link_anchors.anchor_node_key_l, link_anchors.anchor_node_key_r) = link_pairs.node_key_r
{%- endmacro %}

{#- The anchor pair (node_key_l < node_key_r) of a link anchors' row, as two columns; `relation`: its alias. -#}
{% macro cdp_identity_link_anchor_pair(relation) -%}
    least({{ relation }}.anchor_node_key_l, {{ relation }}.anchor_node_key_r) as node_key_l,
    greatest({{ relation }}.anchor_node_key_l, {{ relation }}.anchor_node_key_r) as node_key_r
{%- endmacro %}

{#- Pre-hook of int_identity_edges: write the link anchors. In a run where cdp_identity_link_anchors_readable,
    bring them up to date and list what the model reads:
    * `<model>__link_records`: the records whose links changed (a link new, gone or weighed again, found by
      comparing `links` with the table).
    * `<model>__anchored`: in one scan of `record_anchors`, the records anchored at a node of `anchor_log`
      (is_at_changed_anchor: every record whose anchor may have changed) and the records of a changed link the
      table does not know yet.
    * `<model>__refreshed_records`: the records of both kinds, whose links' rows are replaced: their anchors
      come from `__anchored`, else from the table (a record not anchored at a changed node keeps its anchor).
    * `<model>__link_pairs`: the anchor pairs of the rows replaced, before and after; the model groups the
      edges of these pairs again and drops those of them no link gives any more.
    In any other run where cdp_identity_link_anchors_kept (a full build, a run without the table or without the
    anchor change log), map every link into the table, which the model then groups every edge from; with the
    links switched off, drop it. -#}
{% macro cdp_identity_refresh_link_anchors(links, record_anchors, anchor_log) -%}
    {%- if execute -%}
    {%- set link_anchors = cdp_identity_link_anchors_relation() -%}
    {%- if cdp_identity_link_anchors_readable(anchor_log) -%}
        {%- set work = cdp_identity_link_anchors_work_tables() -%}
        {%- set link_records = work.link_records -%}
        {%- set anchored = work.anchored -%}
        {%- set refreshed = work.refreshed_records -%}
        {%- set link_pairs = work.link_pairs -%}
        {%- set new_rows = work.link_anchors_new -%}
        {%- for relation in work.values() -%}
            {%- do adapter.cache_added(relation) -%}
        {%- endfor %}
    create or replace table {{ link_records }} as
    with link_changes as (
        select
            coalesce(links.record_key_l, stored.record_key_l) as record_key_l,
            coalesce(links.record_key_r, stored.record_key_r) as record_key_r
        from {{ links }} as links
        full outer join {{ link_anchors }} as stored
            on
                links.record_key_l = stored.record_key_l
                and links.record_key_r = stored.record_key_r
        where
            links.record_key_l is null
            or stored.record_key_l is null
            or links.match_weight is distinct from stored.match_weight
    )
    select record_key_l as record_key from link_changes
    union
    select record_key_r as record_key from link_changes;

    create or replace table {{ anchored }} as
    with changed_anchors as (
        select distinct node_key from {{ anchor_log }}
        where node_key is not null
    ),
    unknown_records as (
        select record_key from {{ link_records }}
        where
            record_key not in (select record_key_l from {{ link_anchors }})
            and record_key not in (select record_key_r from {{ link_anchors }})
    )
    select
        record_key,
        anchor_node_key,
        anchor_identifier_type,
        anchor_identifier_value,
        observed_at,
        anchor_node_key in (select node_key from changed_anchors) as is_at_changed_anchor
    from {{ record_anchors }}
    where
        anchor_node_key in (select node_key from changed_anchors)
        or record_key in (select record_key from unknown_records);

    create or replace table {{ refreshed }} as
    select record_key from {{ link_records }}
    union
    select record_key from {{ anchored }} where is_at_changed_anchor;

    create or replace table {{ new_rows }} as
    with refreshed_links as (
        select record_key_l, record_key_r, match_weight
        from {{ links }}
        where
            record_key_l in (select record_key from {{ refreshed }})
            or record_key_r in (select record_key from {{ refreshed }})
    ),
    end_records as (
        select record_key_l as record_key from refreshed_links
        union
        select record_key_r as record_key from refreshed_links
    ),
    stored_anchors as (
        {#- one row per record: every row of a record holds the same anchor (all are replaced when it moves) -#}
        select
            record_key_l as record_key,
            anchor_node_key_l as anchor_node_key,
            anchor_identifier_type_l as anchor_identifier_type,
            anchor_identifier_value_l as anchor_identifier_value,
            anchor_observed_at_l as observed_at
        from {{ link_anchors }}
        where record_key_l in (select record_key from end_records)
        union
        select
            record_key_r as record_key,
            anchor_node_key_r as anchor_node_key,
            anchor_identifier_type_r as anchor_identifier_type,
            anchor_identifier_value_r as anchor_identifier_value,
            anchor_observed_at_r as observed_at
        from {{ link_anchors }}
        where record_key_r in (select record_key from end_records)
    ),
    end_anchors as (
        select record_key, anchor_node_key, anchor_identifier_type, anchor_identifier_value, observed_at
        from {{ anchored }}
        where record_key in (select record_key from end_records)
        union all
        select record_key, anchor_node_key, anchor_identifier_type, anchor_identifier_value, observed_at
        from stored_anchors
        where record_key not in (select record_key from {{ anchored }})
    )
    {{ cdp_identity_link_anchors_sql('refreshed_links', 'end_anchors') }};

    create or replace table {{ link_pairs }} as
    select distinct {{ cdp_identity_link_anchor_pair('stored') }}
    from {{ link_anchors }} as stored
    where
        stored.record_key_l in (select record_key from {{ refreshed }})
        or stored.record_key_r in (select record_key from {{ refreshed }})
    union
    select {{ cdp_identity_link_anchor_pair('fresh') }}
    from {{ new_rows }} as fresh;

    delete from {{ link_anchors }}
    where
        record_key_l in (select record_key from {{ refreshed }})
        or record_key_r in (select record_key from {{ refreshed }});

    insert into {{ link_anchors }} select * from {{ new_rows }}
    {%- elif cdp_identity_link_anchors_kept() -%}
        {%- do adapter.cache_added(link_anchors) %}
    create or replace table {{ link_anchors }} as
    with linked_anchors as (
        {{ cdp_identity_linked_anchors_sql(links, record_anchors) }}
    )
    {{ cdp_identity_link_anchors_sql(links, 'linked_anchors') }}
    {%- else %}
    drop table if exists {{ link_anchors }}
    {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- Post-hook of int_identity_edges: drop the transient work tables cdp_identity_refresh_link_anchors wrote for
    the run's query (cdp_identity_link_anchors_work_tables; the link anchors themselves stay for the next run). -#}
{% macro cdp_identity_drop_link_anchors_work_tables() -%}
    {%- if execute -%}
    {{ cdp_drop_work_tables_sql(cdp_identity_link_anchors_work_tables().values()) }}
    {%- endif -%}
{%- endmacro %}
