"""Audiences as code: the declarations validate with errors that name the file and key, the committed models
are what `cdp audiences compile` writes, the built audiences hold exactly the customers their filters select
(checked in Python, independently of the generated SQL), groups follow the documented hash rule, and the
membership history records who entered and who left."""

from __future__ import annotations

import hashlib
import operator
from pathlib import Path

import duckdb
import pytest

from cdp.activation.compile import condition_sql, outputs, stale
from cdp.activation.spec import (
    Audience,
    Condition,
    DestinationSpec,
    SpecError,
    load_audience,
    load_audiences,
    source_columns,
)
from tests.dbt_harness import DbtProject

DESTINATIONS = {"hubspot": DestinationSpec(name="hubspot", type="hubspot")}
VALID = """
name: {name}
description: test
filter:
  all:
    - {{column: churn_risk_band, op: in, value: [high]}}
holdout_percent: 10
syncs:
  - {{destination: hubspot, mode: upsert, fields: {{email: email}}}}
"""


def test_committed_audience_models_are_compiled_from_the_declarations():
    assert stale(outputs()) == [], "run `cdp audiences compile` and commit the result"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("holdout_percent: 10", "holdout_percent: 10\ncolour: blue"), "unknown key(s) ['colour']"),
        (("churn_risk_band", "churn_band"), "column 'churn_band' is not a column of mart_customer_360"),
        (("op: in", "op: like"), "operator 'like' unknown"),
        (("value: [high]", "value: high"), "in needs a non-empty list value"),
        (("destination: hubspot", "destination: salesforce"), "destination 'salesforce' is not declared"),
        (("mode: upsert", "mode: merge"), "mode 'merge' unknown"),
        (("email: email}", "email: e_mail}"), "fields.email: 'e_mail' is not a column"),
        (("holdout_percent: 10", "holdout_percent: 10\nsplits: {a: 50, b: 50}"), "must make 100"),
        (("name: good_name", "name: Bad-Name"), "must be snake_case"),
    ],
)
def test_declaration_errors_name_the_file_and_the_key(tmp_path: Path, change, message):
    path = tmp_path / "good_name.yml"
    path.write_text(VALID.format(name="good_name").replace(*change))
    with pytest.raises(SpecError) as error:
        load_audience(path, set(source_columns()), DESTINATIONS)
    assert message in str(error.value) and str(path) in str(error.value)


def test_conditions_compile_to_portable_sql():
    assert condition_sql(Condition("a", "in", ["x", "it's"])) == "a in ('x', 'it''s')"
    assert condition_sql(Condition("a", "not_in", [1, 2])) == "a not in (1, 2)"
    assert condition_sql(Condition("a", "between", [1, 2.5])) == "a between 1 and 2.5"
    assert condition_sql(Condition("a", "is_null")) == "a is null"
    assert condition_sql(Condition("a", ">=", True)) == "a >= true"


OPS = {
    "=": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}


def _holds(condition: Condition, row: dict) -> bool:
    """SQL's three-valued logic, in Python: a NULL column fails every comparison."""
    value = row[condition.column]
    if condition.op == "is_null":
        return value is None
    if condition.op == "not_null":
        return value is not None
    if value is None:
        return False
    if condition.op == "in":
        return value in condition.value
    if condition.op == "not_in":
        return value not in condition.value
    if condition.op == "between":
        return condition.value[0] <= value <= condition.value[1]
    return OPS[condition.op](value, type(value)(condition.value))


def _selected(audience: Audience, row: dict) -> bool:
    every = all(_holds(c, row) for c in audience.filter.all)
    some = not audience.filter.any or any(_holds(c, row) for c in audience.filter.any)
    return every and some


def _bucket(audience: str, customer_id: str) -> int:
    return int(hashlib.md5(f"{audience}:{customer_id}".encode()).hexdigest()[:8], 16) % 100


@pytest.fixture
def built(duckdb_project: DbtProject):
    con = duckdb.connect(str(duckdb_project.duckdb_path), read_only=True)
    yield con
    con.close()


@pytest.mark.parametrize("audience", load_audiences(), ids=lambda a: a.name)
def test_built_audience_holds_exactly_what_its_filter_selects(built, audience: Audience):
    cursor = built.execute("select * from cdp_marts.mart_customer_360")
    names = [d[0] for d in cursor.description]
    customers = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
    expected = {c["customer_id"] for c in customers if _selected(audience, c)}
    rows = built.execute(
        f"select customer_id, audience_group, audience_bucket from cdp_audiences.{audience.model}"
    ).fetchall()
    assert {customer_id for customer_id, *_ in rows} == expected
    assert len(expected) >= 20, "an example audience should select someone in the demo data"
    cuts = [("holdout", audience.holdout_percent)] if audience.holdout_percent else []
    upper = audience.holdout_percent
    for group, percent in audience.splits.items():
        upper += percent
        cuts.append((group, upper))
    for customer_id, group, bucket in rows:
        assert bucket == _bucket(audience.name, customer_id)
        assert group == next((g for g, limit in cuts if bucket < limit), "treatment")


def test_membership_history_records_who_entered_and_left(duckdb_project: DbtProject, tmp_path: Path):
    database = str(duckdb_project.duckdb_path)
    # Its own target path: the session build's run_results.json is read by other tests.
    own_target = ("--target-path", str(tmp_path / "target"))
    with duckdb.connect(database) as con:
        (initial,) = con.execute("select count(*) from cdp_audiences.int_audience_members").fetchall()[0]
        assert con.execute(
            "select count(*) from cdp_audiences.fct_audience_membership_events"
        ).fetchall() == [(initial,)]
        leavers = con.execute(
            """
            select customer_id from cdp_audiences.int_audience_members
            where audience_name = 'cart_abandoners' order by customer_id limit 3
            """
        ).fetchall()
        con.execute(
            "delete from cdp_audiences.int_audience_members where audience_name = 'cart_abandoners' "
            "and customer_id in (select unnest(?))",
            [[c for (c,) in leavers]],
        )
        con.execute(
            "insert into cdp_audiences.int_audience_members "
            "values ('cart_abandoners', 'cus_newcomer', 'treatment')"
        )
    duckdb_project.dbt("run", "-s", "fct_audience_membership_events", "fct_audience_memberships", *own_target)
    with duckdb.connect(database, read_only=True) as con:
        events = con.execute(
            """
            select event_type, list(customer_id order by customer_id)
            from cdp_audiences.fct_audience_membership_events
            where changed_at = (select max(changed_at) from cdp_audiences.fct_audience_membership_events)
            group by event_type order by event_type
            """
        ).fetchall()
        assert events == [("entered", ["cus_newcomer"]), ("left", sorted(c for (c,) in leavers))]
        current = con.execute(
            """
            select customer_id, is_current, left_at is not null
            from cdp_audiences.fct_audience_memberships
            where audience_name = 'cart_abandoners' and customer_id in (select unnest(?))
            """,
            [[c for (c,) in leavers]],
        ).fetchall()
        assert sorted(current) == sorted((c, False, True) for (c,) in leavers)
    # Put the audiences back as built: the leavers re-enter, the newcomer leaves.
    duckdb_project.dbt(
        "run",
        "-s",
        "int_audience_members",
        "fct_audience_membership_events",
        "fct_audience_memberships",
        *own_target,
    )
    with duckdb.connect(database, read_only=True) as con:
        assert con.execute(
            "select count(*) from cdp_audiences.fct_audience_memberships where is_current"
        ).fetchall() == [(initial,)]
