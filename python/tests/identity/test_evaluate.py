"""``cdp.identity.evaluate``: hand-made clusterings with known scores, and a brute-force pair check."""

from __future__ import annotations

import argparse
import itertools
import json
import random
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from cdp.identity.evaluate import (
    Evaluation,
    evaluate,
    register_predictions,
    register_truth,
    truth_scan_sql,
)

# record -> (source_table, person); the record_id is the record_key's tail.
Truth = dict[str, tuple[str, str]]
Predicted = dict[str, str]


def _score(
    truth: Truth,
    predicted: Predicted,
    tables: list[str] | None = None,
    missing: str = "singleton",
    by_table_pair: bool = False,
    extra_truth_rows: list[tuple[str | None, str | None, str | None]] = (),
) -> Evaluation:
    connection = duckdb.connect()
    connection.execute("create table truth (source_table varchar, record_id varchar, person_id varchar)")
    rows = [(table, record_id, person) for record_id, (table, person) in truth.items()]
    if rows or extra_truth_rows:
        connection.executemany("insert into truth values (?, ?, ?)", [*rows, *extra_truth_rows])
    connection.execute("create table int_customer_ids (record_key varchar, customer_id varchar)")
    keyed = [
        (f"{truth[record][0] if record in truth else 'anon'}:{record}", c) for record, c in predicted.items()
    ]
    if keyed:
        connection.executemany("insert into int_customer_ids values (?, ?)", keyed)
    register_truth(connection, "truth")
    register_predictions(connection, "int_customer_ids")
    return evaluate(connection, tables=tables, missing=missing, by_table_pair=by_table_pair)


def _truth(groups: dict[str, list[str]], table: str = "crm_contacts") -> Truth:
    return {record: (table, person) for person, records in groups.items() for record in records}


def test_perfect_clustering() -> None:
    truth = _truth({"P1": ["a", "b", "c"], "P2": ["d", "e"], "P3": ["f"]})
    predicted = {"a": "C1", "b": "C1", "c": "C1", "d": "C2", "e": "C2", "f": "C3"}
    result = _score(truth, predicted)
    assert (result.true_pairs, result.predicted_pairs, result.true_positive_pairs) == (4, 4, 4)
    assert (result.precision, result.recall, result.f1) == (1.0, 1.0, 1.0)
    assert (result.true_persons, result.predicted_customers) == (3, 3)
    assert (result.over_merged_customers, result.persons_in_over_merged_customers) == (0, 0)
    assert result.under_merged_persons == 0
    assert (result.exact_match_persons, result.exact_match_share) == (3, 1.0)
    assert (result.largest_customer_records, result.largest_customer_persons) == (3, 1)


def test_one_over_merge() -> None:
    # P1 {a, b} and P2 {c} end in one customer: 3 predicted pairs, 1 of them right.
    truth = _truth({"P1": ["a", "b"], "P2": ["c"], "P3": ["d", "e"]})
    predicted = {"a": "C1", "b": "C1", "c": "C1", "d": "C2", "e": "C2"}
    result = _score(truth, predicted)
    assert (result.true_pairs, result.predicted_pairs, result.true_positive_pairs) == (2, 4, 2)
    assert result.precision == pytest.approx(0.5)
    assert result.recall == 1.0
    assert result.f1 == pytest.approx(2 / 3)
    assert (result.over_merged_customers, result.persons_in_over_merged_customers) == (1, 2)
    assert result.under_merged_persons == 0
    assert result.exact_match_persons == 1
    assert result.exact_match_share == pytest.approx(1 / 3)
    assert (result.largest_customer_records, result.largest_customer_persons) == (3, 2)


def test_one_split() -> None:
    # P1 {a, b, c, d} split into {a, b} and {c, d}: 6 true pairs, 2 found.
    truth = _truth({"P1": ["a", "b", "c", "d"], "P2": ["e"]})
    predicted = {"a": "C1", "b": "C1", "c": "C2", "d": "C2", "e": "C3"}
    result = _score(truth, predicted)
    assert (result.true_pairs, result.predicted_pairs, result.true_positive_pairs) == (6, 2, 2)
    assert result.precision == 1.0
    assert result.recall == pytest.approx(1 / 3)
    assert result.f1 == pytest.approx(0.5)
    assert (result.true_persons, result.predicted_customers) == (2, 3)
    assert result.over_merged_customers == 0
    assert result.under_merged_persons == 1
    assert result.exact_match_persons == 1


def test_singletons_everywhere() -> None:
    truth = _truth({"P1": ["a"], "P2": ["b"], "P3": ["c"]})
    result = _score(truth, {"a": "C1", "b": "C2", "c": "C3"})
    assert (result.true_pairs, result.predicted_pairs) == (0, 0)
    assert (result.precision, result.recall, result.f1) == (1.0, 1.0, 1.0)
    assert result.exact_match_share == 1.0


def test_all_singletons_predicted_for_one_person() -> None:
    truth = _truth({"P1": ["a", "b", "c"]})
    result = _score(truth, {"a": "C1", "b": "C2", "c": "C3"})
    assert (result.precision, result.recall, result.f1) == (1.0, 0.0, 0.0)
    assert result.under_merged_persons == 1
    assert result.exact_match_persons == 0


def test_missing_predictions_are_singletons_or_dropped() -> None:
    truth = _truth({"P1": ["a", "b", "c"]})
    predicted = {"a": "C1", "b": "C1"}
    as_singleton = _score(truth, predicted)
    assert as_singleton.records == 3
    assert as_singleton.records_missing_prediction == 1
    assert (as_singleton.true_pairs, as_singleton.true_positive_pairs) == (3, 1)
    assert as_singleton.under_merged_persons == 1
    dropped = _score(truth, predicted, missing="drop")
    assert dropped.records == 2
    assert (dropped.precision, dropped.recall) == (1.0, 1.0)
    assert dropped.records_missing_prediction == 1


def test_truth_duplicates_and_empty_ids_are_dropped_and_anonymous_predictions_ignored() -> None:
    truth = _truth({"P1": ["a", "b"]})
    extra = [("crm_contacts", "a", "P1"), ("crm_contacts", None, "P1"), ("crm_contacts", " ", "P2")]
    result = _score(truth, {"a": "C1", "b": "C1", "zz": "C1"}, extra_truth_rows=extra)
    assert result.records == 2
    assert result.true_persons == 1
    assert result.predicted_records_without_truth == 1
    assert (result.precision, result.recall) == (1.0, 1.0)


def test_ambiguous_truth_records_are_left_out() -> None:
    truth = _truth({"P1": ["a", "b"]})
    result = _score(truth, {"a": "C1", "b": "C1"}, extra_truth_rows=[("crm_contacts", "a", "P2")])
    assert result.ambiguous_truth_records == 1
    assert result.records == 1


def test_tables_restrict_the_records_scored() -> None:
    truth = {
        "a": ("crm_contacts", "P1"),
        "b": ("shop_accounts", "P1"),
        "c": ("web_events", "P2"),
    }
    predicted = {"a": "C1", "b": "C1", "c": "C1"}
    everything = _score(truth, predicted)
    assert everything.precision == pytest.approx(1 / 3)
    people_tables = _score(truth, predicted, tables=["crm_contacts", "shop_accounts"])
    assert people_tables.records == 2
    assert (people_tables.precision, people_tables.recall) == (1.0, 1.0)


def test_truth_file_csv_and_parquet(tmp_path: Path) -> None:
    csv_dir = tmp_path / "csv"
    csv_dir.mkdir()
    (csv_dir / "record_truth.csv").write_text(
        "source_table,record_id,person_id\ncrm_contacts,007,P1\ncrm_contacts,007,P1\ncrm_contacts,,P2\n"
    )
    connection = duckdb.connect()
    register_truth(connection, truth_scan_sql(csv_dir))
    assert connection.execute("select distinct * from identity_eval_truth").fetchall() == [
        ("crm_contacts", "007", "P1")
    ]
    parquet_dir = tmp_path / "parquet"
    parquet_dir.mkdir()
    target = parquet_dir / "record_truth.parquet"
    connection.execute(f"copy (select distinct * from identity_eval_truth) to '{target}' (format parquet)")
    register_truth(connection, truth_scan_sql(parquet_dir))
    assert connection.execute("select count(*) from identity_eval_truth").fetchone() == (1,)


def _brute_force(truth: Truth, predicted: Predicted) -> dict[str, object]:
    """Every figure by listing every pair of records (missing predictions as singletons)."""
    customer = {record: predicted.get(record, f"~{record}") for record in truth}
    records = sorted(truth)
    tp = predicted_pairs = true_pairs = 0
    by_pair: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for left, right in itertools.combinations(records, 2):
        same_person = truth[left][1] == truth[right][1]
        same_customer = customer[left] == customer[right]
        key = tuple(sorted((truth[left][0], truth[right][0])))
        true_pairs += same_person
        predicted_pairs += same_customer
        tp += same_person and same_customer
        by_pair[key][0] += same_person
        by_pair[key][1] += same_customer
        by_pair[key][2] += same_person and same_customer
    persons_of: dict[str, set[str]] = defaultdict(set)
    customers_of: dict[str, set[str]] = defaultdict(set)
    for record in records:
        persons_of[customer[record]].add(truth[record][1])
        customers_of[truth[record][1]].add(customer[record])
    over_merged = [c for c, persons in persons_of.items() if len(persons) > 1]
    exact = [
        p
        for p, customers in customers_of.items()
        if len(customers) == 1 and persons_of[next(iter(customers))] == {p}
    ]
    return {
        "records": len(records),
        "true_pairs": true_pairs,
        "predicted_pairs": predicted_pairs,
        "true_positive_pairs": tp,
        "true_persons": len(customers_of),
        "predicted_customers": len(persons_of),
        "over_merged_customers": len(over_merged),
        "persons_in_over_merged_customers": len(set().union(*(persons_of[c] for c in over_merged))),
        "under_merged_persons": sum(len(customers) > 1 for customers in customers_of.values()),
        "exact_match_persons": len(exact),
        "by_table_pair": {key: tuple(value) for key, value in by_pair.items() if any(value)},
    }


@pytest.mark.parametrize("seed", range(25))
def test_matches_brute_force_pair_enumeration(seed: int) -> None:
    rng = random.Random(seed)
    tables = ["crm_contacts", "shop_accounts", "web_events"]
    people = [f"P{i}" for i in range(rng.randint(1, 8))]
    customers = [f"C{i}" for i in range(rng.randint(1, 8))]
    truth: Truth = {}
    predicted: Predicted = {}
    for index in range(rng.randint(1, 30)):
        record = f"R{index:03d}"
        truth[record] = (rng.choice(tables), rng.choice(people))
        if rng.random() < 0.9:
            predicted[record] = rng.choice(customers)
    expected = _brute_force(truth, predicted)
    result = _score(truth, predicted, by_table_pair=True)
    for key, value in expected.items():
        if key != "by_table_pair":
            assert getattr(result, key) == value, key
    tp, pp, true_pairs = (
        expected["true_positive_pairs"],
        expected["predicted_pairs"],
        expected["true_pairs"],
    )
    assert result.precision == pytest.approx(tp / pp if pp else 1.0)
    assert result.recall == pytest.approx(tp / true_pairs if true_pairs else 1.0)
    got_pairs = {
        (pair.table_l, pair.table_r): (pair.true_pairs, pair.predicted_pairs, pair.true_positive_pairs)
        for pair in result.by_table_pair
    }
    assert got_pairs == expected["by_table_pair"]


def test_cli_evaluate_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from cdp.identity import cli as identity_cli

    database = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute("create schema main_intermediate")
        connection.execute(
            "create table main_intermediate.int_customer_ids as select * from (values"
            " ('crm_contacts:a', 'C1'), ('crm_contacts:b', 'C1'), ('shop_accounts:c', 'C1'))"
            " as t(record_key, customer_id)"
        )
    truth_dir = tmp_path / "truth"
    truth_dir.mkdir()
    (truth_dir / "record_truth.csv").write_text(
        "source_table,record_id,person_id\ncrm_contacts,a,P1\ncrm_contacts,b,P1\nshop_accounts,c,P2\n"
    )
    parser = argparse.ArgumentParser()
    identity_cli.add_parser(parser.add_subparsers(dest="command"))
    report_path = tmp_path / "report.json"
    args = parser.parse_args(
        [
            "identity",
            "evaluate",
            "--truth",
            str(truth_dir),
            "--database",
            str(database),
            "--json",
            "--by-table-pair",
            "--output",
            str(report_path),
        ]
    )
    assert args.handler(args) == 0
    report = json.loads(capsys.readouterr().out)
    assert report == json.loads(report_path.read_text())
    assert (report["true_pairs"], report["predicted_pairs"], report["true_positive_pairs"]) == (1, 3, 1)
    assert report["over_merged_customers"] == 1
    assert report["precision"] == pytest.approx(1 / 3, abs=1e-6)
    args = parser.parse_args(
        [
            "identity",
            "evaluate",
            "--truth",
            str(truth_dir),
            "--database",
            str(database),
            "--tables",
            "crm_contacts",
        ]
    )
    assert args.handler(args) == 0
    assert "pairwise precision" in capsys.readouterr().out


def test_resolve_maps_columns_by_name_alias_and_override() -> None:
    from cdp.identity.resolve import map_columns

    target = ["contact_id", "first_name", "last_name", "email", "phone", "date_of_birth", "postcode"]
    mapping = map_columns(["ID", "Given Name", "Surname", "E-mail", "Mobile", "DOB", "Zip"], target)
    assert mapping == {
        "contact_id": "ID",
        "first_name": "Given Name",
        "last_name": "Surname",
        "email": "E-mail",
        "phone": "Mobile",
        "date_of_birth": "DOB",
        "postcode": "Zip",
    }
    assert map_columns(["fornavn", "id"], target, {"fornavn": "first_name"}) == {
        "first_name": "fornavn",
        "contact_id": "id",
    }
    with pytest.raises(ValueError, match="no column"):
        map_columns(["id"], target, {"nope": "first_name"})
    with pytest.raises(ValueError, match="not one of"):
        map_columns(["id"], target, {"id": "shoe_size"})


def test_evidence_ceiling_links_only_evidenced_records_of_one_person() -> None:
    """A chain of shared evidence links a person's records; a record sharing nothing stays alone; evidence
    shared by two persons (a family e-mail) links neither."""
    from cdp.identity.evaluate import register_evidence_ceiling

    connection = duckdb.connect()
    connection.execute("create table truth (source_table varchar, record_id varchar, person_id varchar)")
    connection.executemany(
        "insert into truth values ('t', ?, ?)",
        [("a1", "A"), ("a2", "A"), ("a3", "A"), ("a4", "A"), ("b1", "B"), ("b2", "B")],
    )
    connection.execute("create table evidence (record_key varchar, evidence_key varchar)")
    connection.executemany(
        "insert into evidence values (?, ?)",
        [
            ("t:a1", "email:x"),
            ("t:a2", "email:x"),
            ("t:a2", "phone:1"),  # a1 - a2 - a3: a chain through two kinds of evidence
            ("t:a3", "phone:1"),
            ("t:a1", "email:family"),  # shared with B: never links across persons
            ("t:b1", "email:family"),
            ("t:b2", "dob:2000-01-01"),
        ],
    )
    connection.execute("create view identity_eval_evidence as select * from evidence")
    register_truth(connection, "truth")
    iterations = register_evidence_ceiling(connection)
    ceiling = evaluate(connection)
    labels = dict(
        connection.execute("select record_key, customer_id from identity_eval_ceiling_predicted").fetchall()
    )
    assert labels["t:a1"] == labels["t:a2"] == labels["t:a3"]
    assert labels["t:b1"] != labels["t:a1"] and labels["t:b1"] != labels.get("t:b2")
    assert "t:a4" not in labels  # no evidence at all: scored as a singleton
    assert iterations >= 2
    # true pairs: C(4,2) + C(2,2) = 7; reachable: a1-a2, a1-a3, a2-a3 = 3
    assert (ceiling.true_pairs, ceiling.true_positive_pairs, ceiling.predicted_pairs) == (7, 3, 3)
    assert ceiling.precision == 1.0
    assert ceiling.recall == pytest.approx(3 / 7)
