"""Score a record -> customer clustering against the ground truth (record -> person).

Everything is computed from contingency counts in DuckDB SQL, never by listing pairs: with ``n_ij`` records
of true person ``j`` in predicted customer ``i``, cluster sizes ``a_i`` and person sizes ``b_j``,

* true-positive pairs  = sum_ij C(n_ij, 2)
* predicted pairs      = sum_i  C(a_i, 2)
* true pairs           = sum_j  C(b_j, 2)

so precision = TP / predicted pairs and recall = TP / true pairs. A ratio whose denominator is 0 is 1.0 (no
predicted pair means no false link; no true pair means nothing to find).

Which records count: the truth rows after dropping exact duplicates and rows with an empty ``record_id``,
optionally restricted to some source tables. A truth record the clustering does not cover (quarantined in
staging, or carrying no identifier) is scored as a singleton customer of its own (``missing="singleton"``, the
default: an unresolved record is a missed link) or left out (``missing="drop"``). Predicted records with no
truth row (anonymous cookies) are left out: nothing says whom they belong to.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

MISSING_POLICIES = ("singleton", "drop")

# Temporary views and tables this module creates on the connection it is given (all prefixed identity_eval_).
TRUTH_VIEW = "identity_eval_truth"
PREDICTED_VIEW = "identity_eval_predicted"
SCORED_VIEW = "identity_eval_scored"


@dataclass(frozen=True)
class TablePairScore:
    """Pairwise figures restricted to pairs with one record in ``table_l`` and one in ``table_r``."""

    table_l: str
    table_r: str
    true_pairs: int
    predicted_pairs: int
    true_positive_pairs: int
    precision: float
    recall: float
    f1: float


@dataclass(frozen=True)
class Evaluation:
    """Pairwise and cluster-level quality of a clustering against the truth."""

    records: int
    records_missing_prediction: int
    predicted_records_without_truth: int
    ambiguous_truth_records: int
    true_pairs: int
    predicted_pairs: int
    true_positive_pairs: int
    precision: float
    recall: float
    f1: float
    true_persons: int
    predicted_customers: int
    over_merged_customers: int
    persons_in_over_merged_customers: int
    under_merged_persons: int
    exact_match_persons: int
    exact_match_share: float
    largest_customer_records: int
    largest_customer_persons: int
    by_table_pair: list[TablePairScore] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict (floats rounded to 6 places)."""
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, float):
                data[key] = round(value, 6)
        for pair in data["by_table_pair"]:
            for key in ("precision", "recall", "f1"):
                pair[key] = round(pair[key], 6)
        return data


def ratio(numerator: int, denominator: int) -> float:
    """``numerator / denominator``, 1.0 when the denominator is 0 (nothing to get wrong)."""
    return numerator / denominator if denominator else 1.0


def f1_score(precision: float, recall: float) -> float:
    """Harmonic mean of precision and recall (0.0 when both are 0)."""
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def within_ceiling(precision: float, recall: float, ceiling_recall: float) -> tuple[float, float]:
    """(recall reached, F1 within the ceiling): the share of the evidence ceiling's recall a clustering
    reaches (at most 1), and its harmonic mean with the precision: the F1 over the pairs the evidence makes
    findable."""
    reached = min(recall / ceiling_recall, 1.0) if ceiling_recall else 1.0
    return reached, f1_score(precision, reached)


def truth_file(path: Path) -> Path:
    """The truth file: ``path`` itself, or record_truth.parquet|csv in the directory ``path``."""
    path = Path(path)
    if path.is_file():
        return path
    for name in ("record_truth.parquet", "record_truth.csv"):
        if (path / name).exists():
            return path / name
    parquet_dir = path / "record_truth"
    if parquet_dir.is_dir():
        return parquet_dir
    raise FileNotFoundError(f"no record_truth.parquet or record_truth.csv in {path}")


def truth_scan_sql(path: Path) -> str:
    """A SQL table expression reading the truth file (CSV read as text, so ids keep their leading zeros)."""
    file = truth_file(path)
    location = str(file).replace("'", "''")
    if file.is_dir():
        return f"read_parquet('{location}/*.parquet')"
    if file.suffix == ".parquet":
        return f"read_parquet('{location}')"
    return f"read_csv('{location}', header = true, all_varchar = true)"


def register_truth(connection: duckdb.DuckDBPyConnection, source_sql: str) -> None:
    """Create the temporary truth view: (source_table, record_id, person_id) as text, empty ids dropped.

    ``source_sql`` is a table expression (a table name or ``read_csv(...)``) with at least the columns
    ``source_table``, ``record_id`` and ``person_id``. Exact duplicate rows stay in the view; :func:`evaluate`
    collapses them (one aggregation instead of two on large truths).
    """
    connection.execute(
        f"""
        create or replace temp view {TRUTH_VIEW} as
        select
            cast(source_table as varchar) as source_table,
            cast(record_id as varchar) as record_id,
            cast(person_id as varchar) as person_id
        from {source_sql}
        where record_id is not null
            and trim(cast(record_id as varchar)) <> ''
            and person_id is not null
        """
    )


def register_predictions(connection: duckdb.DuckDBPyConnection, source_sql: str) -> None:
    """Create the temporary prediction view (record_key, customer_id) from a relation with those columns.

    A record_key listed with several customer_ids (which int_customer_ids' tests forbid) counts under the
    smallest one.
    """
    connection.execute(
        f"""
        create or replace temp view {PREDICTED_VIEW} as
        select cast(record_key as varchar) as record_key, cast(customer_id as varchar) as customer_id
        from {source_sql}
        where record_key is not null
        """
    )


def _table_filter(tables: Sequence[str] | None, column: str = "source_table") -> str:
    if not tables:
        return "true"
    quoted = ", ".join("'" + table.replace("'", "''") + "'" for table in tables)
    return f"{column} in ({quoted})"


def evaluate(
    connection: duckdb.DuckDBPyConnection,
    tables: Sequence[str] | None = None,
    missing: str = "singleton",
    by_table_pair: bool = False,
) -> Evaluation:
    """Score the registered predictions against the registered truth (see the module docstring).

    Call :func:`register_truth` and :func:`register_predictions` on ``connection`` first. ``tables`` restricts
    the records scored to those source tables; ``by_table_pair`` adds a breakdown per pair of source tables.
    A truth record naming several persons (after dropping exact duplicates) is ambiguous and left out.
    """
    if missing not in MISSING_POLICIES:
        raise ValueError(f"missing must be one of {MISSING_POLICIES}, not {missing!r}")
    filter_sql = _table_filter(tables, "truth_keys.source_table")
    # Temp tables, not views: the figures below read them several times. One full join of truth and
    # predictions yields the scored records, those without a prediction and the predictions without truth.
    connection.execute(
        f"""
        create or replace temp table identity_eval_joined as
        with truth_keys as (
            select
                source_table || ':' || record_id as record_key,
                any_value(source_table) as source_table,
                min(person_id) as person_id,
                count(distinct person_id) as persons
            from {TRUTH_VIEW}
            group by 1
        ),
        predicted_keys as (
            select record_key, min(customer_id) as customer_id from {PREDICTED_VIEW} group by record_key
        )
        select
            coalesce(truth_keys.record_key, predicted_keys.record_key) as record_key,
            truth_keys.source_table,
            truth_keys.person_id,
            predicted_keys.customer_id,
            truth_keys.record_key is not null as has_truth,
            coalesce(truth_keys.persons > 1, false) as is_ambiguous,
            coalesce({filter_sql}, false) as in_scope
        from truth_keys
        full join predicted_keys on truth_keys.record_key = predicted_keys.record_key
        """
    )
    ambiguous, missing_count, without_truth = connection.execute(
        """
        select
            count(*) filter (where in_scope and is_ambiguous),
            count(*) filter (where in_scope and not is_ambiguous and customer_id is null),
            count(*) filter (where not has_truth)
        from identity_eval_joined
        """
    ).fetchone()
    keep_missing = "true" if missing == "singleton" else "customer_id is not null"
    connection.execute(
        f"""
        create or replace temp view {SCORED_VIEW} as
        select
            record_key,
            source_table,
            person_id,
            coalesce(customer_id, '~unassigned:' || record_key) as customer_id,
            customer_id is null as is_missing_prediction
        from identity_eval_joined
        where has_truth and in_scope and not is_ambiguous and {keep_missing}
        """
    )
    connection.execute(
        f"""
        create or replace temp table identity_eval_cells as
        select customer_id, person_id, count(*) as n from {SCORED_VIEW} group by all
        """
    )
    connection.execute(
        """
        create or replace temp table identity_eval_customers as
        select customer_id, sum(n) as records, count(*) as persons from identity_eval_cells group by all
        """
    )
    connection.execute(
        """
        create or replace temp table identity_eval_persons as
        select person_id, sum(n) as records, count(*) as customers from identity_eval_cells group by all
        """
    )
    row = connection.execute(
        """
        with cells as (select * from identity_eval_cells),
        customers as (select * from identity_eval_customers),
        persons as (select * from identity_eval_persons),
        exact as (
            select count(*) as persons
            from cells
            join customers using (customer_id)
            join persons using (person_id)
            where cells.n = customers.records and cells.n = persons.records
        )
        select
            (select coalesce(sum(n), 0) from cells) as records,
            (select coalesce(sum(records * (records - 1) // 2), 0) from persons) as true_pairs,
            (select coalesce(sum(records * (records - 1) // 2), 0) from customers) as predicted_pairs,
            (select coalesce(sum(n * (n - 1) // 2), 0) from cells) as true_positive_pairs,
            (select count(*) from persons) as true_persons,
            (select count(*) from customers) as predicted_customers,
            (select count(*) from customers where persons > 1) as over_merged_customers,
            (
                select count(distinct cells.person_id)
                from cells join customers using (customer_id)
                where customers.persons > 1
            ) as persons_in_over_merged_customers,
            (select count(*) from persons where customers > 1) as under_merged_persons,
            (select persons from exact) as exact_match_persons,
            (select coalesce(max(records), 0) from customers) as largest_customer_records,
            (select coalesce(max(persons), 0) from customers) as largest_customer_persons
        """
    ).fetchone()
    (
        records,
        true_pairs,
        predicted_pairs,
        tp,
        true_persons,
        predicted_customers,
        over_merged,
        persons_over_merged,
        under_merged,
        exact_persons,
        largest_records,
        largest_persons,
    ) = (int(value) for value in row)
    precision = ratio(tp, predicted_pairs)
    recall = ratio(tp, true_pairs)
    return Evaluation(
        records=records,
        records_missing_prediction=int(missing_count),
        predicted_records_without_truth=int(without_truth),
        ambiguous_truth_records=int(ambiguous),
        true_pairs=true_pairs,
        predicted_pairs=predicted_pairs,
        true_positive_pairs=tp,
        precision=precision,
        recall=recall,
        f1=f1_score(precision, recall),
        true_persons=true_persons,
        predicted_customers=predicted_customers,
        over_merged_customers=over_merged,
        persons_in_over_merged_customers=persons_over_merged,
        under_merged_persons=under_merged,
        exact_match_persons=exact_persons,
        exact_match_share=ratio(exact_persons, true_persons),
        largest_customer_records=largest_records,
        largest_customer_persons=largest_persons,
        by_table_pair=table_pair_scores(connection) if by_table_pair else [],
    )


def table_pair_scores(connection: duckdb.DuckDBPyConnection) -> list[TablePairScore]:
    """Pairwise figures per (table_l <= table_r) over the scored records (built by :func:`evaluate`).

    Pairs across tables A != B in a group with ``c_A`` and ``c_B`` records number ``c_A * c_B``; within one
    table ``C(c_A, 2)``; the groups are cells (TP), customers (predicted) and persons (true).
    """
    rows = connection.execute(
        f"""
        with
        {_pair_counts_sql("cell", "customer_id, person_id")},
        {_pair_counts_sql("customer", "customer_id")},
        {_pair_counts_sql("person", "person_id")},
        table_pairs as (
            select table_l, table_r from cell_pairs
            union select table_l, table_r from customer_pairs
            union select table_l, table_r from person_pairs
        )
        select
            table_pairs.table_l,
            table_pairs.table_r,
            coalesce(person_pairs.pairs, 0) as true_pairs,
            coalesce(customer_pairs.pairs, 0) as predicted_pairs,
            coalesce(cell_pairs.pairs, 0) as true_positive_pairs
        from table_pairs
        left join cell_pairs using (table_l, table_r)
        left join customer_pairs using (table_l, table_r)
        left join person_pairs using (table_l, table_r)
        order by table_pairs.table_l, table_pairs.table_r
        """
    ).fetchall()
    scores = []
    for table_l, table_r, true_pairs, predicted_pairs, tp in rows:
        precision = ratio(int(tp), int(predicted_pairs))
        recall = ratio(int(tp), int(true_pairs))
        scores.append(
            TablePairScore(
                table_l=table_l,
                table_r=table_r,
                true_pairs=int(true_pairs),
                predicted_pairs=int(predicted_pairs),
                true_positive_pairs=int(tp),
                precision=precision,
                recall=recall,
                f1=f1_score(precision, recall),
            )
        )
    return scores


def _pair_counts_sql(name: str, group_columns: str) -> str:
    """CTEs ``<name>_counts`` (records per group and table) and ``<name>_pairs`` (pairs per table pair)."""
    join = " and ".join(f"l.{column.strip()} = r.{column.strip()}" for column in group_columns.split(","))
    return f"""
        {name}_counts as (
            select {group_columns}, source_table, count(*) as n from {SCORED_VIEW} group by all
        ),
        {name}_pairs as (
            select
                l.source_table as table_l,
                r.source_table as table_r,
                sum(case when l.source_table = r.source_table then l.n * (l.n - 1) // 2 else l.n * r.n end)
                    as pairs
            from {name}_counts as l
            join {name}_counts as r on {join} and l.source_table <= r.source_table
            group by all
            having sum(case when l.source_table = r.source_table then l.n * (l.n - 1) // 2 else l.n * r.n end)
                > 0
        )"""


def format_report(evaluation: Evaluation) -> str:
    """A human-readable multi-line summary."""
    e = evaluation
    lines = [
        f"records scored            {e.records:>12,}"
        f"   (no prediction: {e.records_missing_prediction:,}; predicted without truth: "
        f"{e.predicted_records_without_truth:,}; ambiguous truth: {e.ambiguous_truth_records:,})",
        f"pairs true / predicted    {e.true_pairs:>12,} / {e.predicted_pairs:,}   true positive: "
        f"{e.true_positive_pairs:,}",
        f"pairwise precision        {e.precision:>12.4f}",
        f"pairwise recall           {e.recall:>12.4f}",
        f"pairwise F1               {e.f1:>12.4f}",
        f"true persons              {e.true_persons:>12,}",
        f"predicted customers       {e.predicted_customers:>12,}",
        f"over-merged customers     {e.over_merged_customers:>12,}"
        f"   (persons affected: {e.persons_in_over_merged_customers:,})",
        f"under-merged persons      {e.under_merged_persons:>12,}",
        f"exact-match persons       {e.exact_match_persons:>12,}   share: {e.exact_match_share:.4f}",
        f"largest customer          {e.largest_customer_records:>12,} records, "
        f"{e.largest_customer_persons:,} persons",
    ]
    if e.by_table_pair:
        lines.append("")
        lines.append(
            f"{'table pair':<56} {'true':>10} {'predicted':>10} {'precision':>9} {'recall':>7} {'f1':>7}"
        )
        for pair in e.by_table_pair:
            label = f"{pair.table_l} x {pair.table_r}"
            lines.append(
                f"{label:<56} {pair.true_pairs:>10,} {pair.predicted_pairs:>10,} "
                f"{pair.precision:>9.4f} {pair.recall:>7.4f} {pair.f1:>7.4f}"
            )
    return "\n".join(lines)


#: What counts as evidence that two records of one person could be linked (see :func:`register_evidence`):
#: a usable identifier they share, or an exact e-mail, phone, date of birth or postcode of person records.
EVIDENCE_SQL = """
    select record_key, node_key as evidence_key
    from {observations}
    where is_usable
    union all
    select record_key, evidence_key
    from {person_records}
    cross join lateral (
        values
            ('email:' || email_match_key),
            ('phone:' || phone_e164),
            ('dob:' || cast(date_of_birth as varchar)),
            ('postcode:' || country_code || ':' || postcode)
    ) as fields (evidence_key)
    where evidence_key is not null
"""


def register_evidence(connection: duckdb.DuckDBPyConnection, observations: str, person_records: str) -> None:
    """Register the default evidence (:data:`EVIDENCE_SQL`) from the relations of the identity models
    ``int_identity_observations_assessed`` and ``int_person_records`` (qualified names)."""
    sql = EVIDENCE_SQL.format(observations=observations, person_records=person_records)
    connection.execute(f"create or replace temp view identity_eval_evidence as {sql}")


def register_evidence_ceiling(connection: duckdb.DuckDBPyConnection, max_iterations: int = 100) -> int:
    """Register, as the predictions, the best clustering the evidence allows; returns the iterations used.

    The evidence view ``identity_eval_evidence`` (record_key, evidence_key) says which records carry which
    piece of evidence. Records of the same true person that share a piece of evidence are linked, and the
    links are closed transitively (label propagation to the smallest record key, to convergence); records of
    different persons are never linked. Scoring this clustering gives precision 1 and the highest recall any
    matcher could reach on that evidence: a record of a person that shares nothing with the person's other
    records (a POS order with only a name, a cookie that never logged in) cannot be linked to them without
    guessing. Call :func:`register_truth` first; it replaces the registered predictions.
    """
    connection.execute(
        f"""
        create or replace temp table identity_eval_evidence_groups as
        select distinct truth.person_id, evidence.evidence_key, evidence.record_key
        from identity_eval_evidence as evidence
        join (
            select source_table || ':' || record_id as record_key, min(person_id) as person_id
            from {TRUTH_VIEW} group by 1 having count(distinct person_id) = 1
        ) as truth using (record_key)
        """
    )
    connection.execute(
        """
        create or replace temp table identity_eval_ceiling as
        select distinct record_key, record_key as label from identity_eval_evidence_groups
        """
    )
    iterations = 0
    while True:
        iterations += 1
        if iterations > max_iterations:
            raise RuntimeError(f"evidence ceiling did not converge in {max_iterations} iterations")
        connection.execute(
            """
            create or replace temp table identity_eval_ceiling_next as
            with group_labels as (
                select groups.person_id, groups.evidence_key, min(ceiling.label) as label
                from identity_eval_evidence_groups as groups
                join identity_eval_ceiling as ceiling using (record_key)
                group by all
            )
            select groups.record_key, min(group_labels.label) as label
            from identity_eval_evidence_groups as groups
            join group_labels using (person_id, evidence_key)
            group by groups.record_key
            """
        )
        (changed,) = connection.execute(
            """
            select count(*) from identity_eval_ceiling_next as next
            join identity_eval_ceiling as current using (record_key)
            where next.label <> current.label
            """
        ).fetchone()
        connection.execute(
            "create or replace temp table identity_eval_ceiling as from identity_eval_ceiling_next"
        )
        if not changed:
            break
    connection.execute(
        "create or replace temp view identity_eval_ceiling_predicted as"
        " select record_key, label as customer_id from identity_eval_ceiling"
    )
    register_predictions(connection, "identity_eval_ceiling_predicted")
    return iterations


def locate_relation(connection: duckdb.DuckDBPyConnection, catalog: str, name: str) -> str:
    """The quoted ``catalog.schema.name`` of table/view ``name`` in attached database ``catalog``.

    Prefers the schema the dbt manifest names (``DBT_TARGET_PATH``) when it exists there; otherwise the only
    schema holding such a relation. Raises ``LookupError`` when there is none or several.
    """
    schemas = [
        schema
        for (schema,) in connection.execute(
            "select table_schema from information_schema.tables where table_catalog = ? and table_name = ?"
            " order by 1",
            [catalog, name],
        ).fetchall()
    ]
    if not schemas:
        raise LookupError(f"no table or view named {name!r} in the warehouse: build it first (dbt build)")
    if len(schemas) > 1:
        try:
            from cdp.warehouse import Manifest

            relation = Manifest.load().model(name).relation_name
            schema = relation.split(".")[0].strip('"')
        except (FileNotFoundError, KeyError):
            schema = ""
        if schema not in schemas:
            raise LookupError(f"{name!r} exists in several schemas {schemas}: pass --model schema.name")
        schemas = [schema]
    return f'"{catalog}"."{schemas[0]}"."{name}"'
