"""The consent ledger on the demo build (docs/governance/consent.md): every staged row that carries a consent
signal reaches int_consent_events and nothing else does; the current state is the ledger's last signal under
the documented precedence, equals the open interval of fct_consent_history and what dim_customers shows; the
intervals are contiguous; the auditor's query answers as a replay of the ledger does; and consent reaches the
marts and audiences only through int_consent_current."""

from __future__ import annotations

import bisect
from collections import defaultdict
from datetime import timedelta
from itertools import pairwise

import yaml

from cdp.warehouse import project_root
from tests.dbt_harness import DbtProject

# Per ledger source: the staged rows that carry a consent signal, with the channel and status each one means.
SIGNALS = {
    "privacy_consent_events": """
        select cast(consent_event_id as varchar) as source_event_id, channel, status, occurred_at
        from cdp_staging.stg_privacy__consent_events
    """,
    "esp_email_events": """
        select cast(email_event_id as varchar) as source_event_id, 'email' as channel, 'withdrawn' as status,
            occurred_at
        from cdp_staging.stg_esp__email_events
        where event_type = 'unsubscribe'
    """,
}
# Same-instant precedence (int_consent_events.signal_sequence): granted before withdrawn, ESP before the
# consent platform, then the source event id; the last one is the current state.
SOURCE_PRECEDENCE = {"esp_email_events": 1, "privacy_consent_events": 2}
STATUS_PRECEDENCE = {"granted": 0, "withdrawn": 1}


def _auditor_query() -> str:
    """The auditor's query as docs/governance/consent.md shows it (the first sql block of its section)."""
    doc = (project_root() / "docs" / "governance" / "consent.md").read_text()
    section = doc[doc.index("## The auditor's question") :]
    start = section.index("```sql") + len("```sql")
    return section[start : section.index("```", start)]


def _channels() -> list[str]:
    project = yaml.safe_load((project_root() / "dbt_project.yml").read_text())
    return project["vars"]["cdp__consent_channels"]


def _ledger(connection) -> list[tuple]:
    return connection.execute(
        """
        select customer_id, channel, status, source_table, source_event_id, collected_via, occurred_at,
            signal_sequence
        from cdp_intermediate.int_consent_events
        """
    ).fetchall()


def test_every_staged_signal_reaches_the_ledger_once(connection) -> None:
    ledger = {
        (source, event_id): (channel, status, occurred_at)
        for _, channel, status, source, event_id, _, occurred_at, _ in _ledger(connection)
    }
    assert {source for source, _ in ledger} == set(SIGNALS)
    for source, query in SIGNALS.items():
        staged = {
            (source, event_id): (channel, status, occurred_at)
            for event_id, channel, status, occurred_at in connection.execute(query).fetchall()
        }
        assert staged, f"{source}: no staged signal, the reconciliation proves nothing"
        in_ledger = {key: value for key, value in ledger.items() if key[0] == source}
        # Every record resolves to a customer (int_customer_ids), so every signal is in the ledger, as staged.
        assert in_ledger == staged, source


def test_bounces_and_other_email_events_are_not_consent(connection) -> None:
    not_consent = connection.execute(
        """
        select email_events.event_type, count(*)
        from cdp_intermediate.int_consent_events as ledger
        inner join cdp_staging.stg_esp__email_events as email_events
            on ledger.source_event_id = email_events.email_event_id
        where ledger.source_table = 'esp_email_events' and email_events.event_type != 'unsubscribe'
        group by email_events.event_type
        """
    ).fetchall()
    assert not not_consent
    hard_bounces = connection.execute(
        "select count(*) from cdp_staging.stg_esp__email_events where bounce_type = 'hard'"
    ).fetchall()[0][0]
    assert hard_bounces > 0  # the demo has hard bounces, and none became a withdrawal


def test_current_consent_is_the_last_signal_under_the_precedence_rule(connection) -> None:
    signals = defaultdict(list)
    for customer_id, channel, status, source, event_id, collected_via, occurred_at, _ in _ledger(connection):
        signals[customer_id, channel].append((occurred_at, status, source, event_id, collected_via))
    expected = {}
    for key, rows in signals.items():
        rows.sort(key=lambda r: (r[0], STATUS_PRECEDENCE[r[1]], SOURCE_PRECEDENCE[r[2]], r[3]))
        occurred_at, status, source, event_id, collected_via = rows[-1]
        expected[key] = (status, source, event_id, collected_via, occurred_at, len(rows))
    current = {
        (customer_id, channel): rest
        for customer_id, channel, *rest in connection.execute(
            """
            select customer_id, channel, consent_status, source_table, consent_event_id, collected_via,
                consent_updated_at, event_count
            from cdp_intermediate.int_consent_current
            """
        ).fetchall()
    }
    assert current == {key: list(value) for key, value in expected.items()}
    # ESP unsubscribes set the current e-mail state of some customers (else the fold proves nothing).
    assert any(value[1] == "esp_email_events" for value in expected.values())


def test_current_consent_equals_the_open_history_interval(connection) -> None:
    current = connection.execute(
        """
        select customer_id, channel, consent_status, source_table, consent_event_id, collected_via,
            consent_updated_at, event_count
        from cdp_intermediate.int_consent_current
        order by customer_id, channel
        """
    ).fetchall()
    last_intervals = connection.execute(
        """
        select customer_id, channel, status, source_table, source_event_id, collected_via, valid_from,
            interval_number
        from cdp_marts.fct_consent_history
        where is_current
        order by customer_id, channel
        """
    ).fetchall()
    assert current
    assert current == last_intervals


def test_history_intervals_are_contiguous_and_never_overlap(connection) -> None:
    intervals = defaultdict(list)
    for customer_id, channel, number, valid_from, valid_to, is_current in connection.execute(
        """
        select customer_id, channel, interval_number, valid_from, valid_to, is_current
        from cdp_marts.fct_consent_history
        """
    ).fetchall():
        intervals[customer_id, channel].append((number, valid_from, valid_to, is_current))
    assert intervals
    for key, rows in intervals.items():
        rows.sort()
        assert [row[0] for row in rows] == list(range(1, len(rows) + 1)), key
        for before, after in pairwise(rows):
            assert before[2] == after[1], key  # ends where the next one starts
            assert before[1] <= before[2], key
            assert not before[3], key
        assert rows[-1][2] is None and rows[-1][3], key


def test_dim_customers_shows_int_consent_current(connection) -> None:
    channels = _channels()
    current = defaultdict(dict)
    for customer_id, channel, status, updated_at in connection.execute(
        """
        select customer_id, channel, consent_status, consent_updated_at
        from cdp_intermediate.int_consent_current
        """
    ).fetchall():
        current[customer_id][channel] = (status, updated_at)
    columns = ", ".join(f"{channel}_consent_status" for channel in channels)
    rows = connection.execute(
        f"select customer_id, {columns}, consent_updated_at from cdp_marts.dim_customers"
    ).fetchall()
    assert {customer_id for customer_id, *_ in rows} >= set(current)
    for customer_id, *statuses, updated_at in rows:
        known = current.get(customer_id, {})
        expected = [known.get(channel, ("unknown", None))[0] for channel in channels]
        assert statuses == expected, customer_id
        assert updated_at == max((at for _, at in known.values()), default=None), customer_id


def test_the_auditor_query_answers_as_a_replay_of_the_ledger(connection) -> None:
    """At every signal, just before it, and a day after it: the state the auditor's query reads equals the
    state replayed from the ledger's signals (unknown before the first one)."""
    signals = defaultdict(list)
    for customer_id, channel, status, source, event_id, _, occurred_at, sequence in _ledger(connection):
        signals[customer_id, channel].append((occurred_at, sequence, status, source, event_id))
    query = _auditor_query()
    keys = sorted(signals)[::7]  # a sample of customers and channels: one query per instant
    checked = 0
    for key in keys:
        rows = sorted(signals[key], key=lambda r: r[1])
        times = [row[0] for row in rows]
        for instant in {
            t + delta for t in times for delta in (timedelta(0), -timedelta(seconds=1), timedelta(1))
        }:
            # The last signal at or before the instant holds (its sequence breaks same-instant ties).
            position = bisect.bisect_right(times, instant)
            expected = rows[position - 1][2:] if position else None
            answer = connection.execute(
                query, {"customer_id": key[0], "channel": key[1], "at": instant}
            ).fetchall()
            assert len(answer) <= 1, (key, instant)
            assert (answer[0][1:4] if answer else None) == expected, (key, instant)
            assert (answer[0][0] if answer else False) == (expected is not None and expected[0] == "granted")
            checked += 1
    assert checked > 100


def test_consent_reaches_marts_and_audiences_only_through_int_consent_current(
    duckdb_project: DbtProject, connection
) -> None:
    nodes = duckdb_project.manifest()["nodes"]
    children = defaultdict(set)
    for node in nodes.values():
        for parent in node.get("depends_on", {}).get("nodes", []):
            children[parent].add(node["unique_id"])

    def model_children(name: str) -> set[str]:
        return {child.split(".")[-1] for child in children[f"model.cdp.{name}"] if child.startswith("model.")}

    assert model_children("int_consent_events") == {"int_consent_current", "fct_consent_history"}
    assert model_children("int_consent_current") == {"dim_customers"}

    def ancestors(unique_id: str) -> set[str]:
        seen, stack = set(), [unique_id]
        while stack:
            for parent in nodes.get(stack.pop(), {}).get("depends_on", {}).get("nodes", []):
                if parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
        return seen

    # Every model with a consent status column reads it through dim_customers (or is it).
    carrying = [
        node
        for node in nodes.values()
        if node["resource_type"] == "model"
        and node["config"].get("materialized") != "ephemeral"
        and any(
            column.endswith("_consent_status")
            for column, *_ in connection.execute(f"describe {node['relation_name']}").fetchall()
        )
    ]
    assert {node["name"] for node in carrying} >= {"dim_customers", "mart_customer_360"}
    for node in carrying:
        if node["name"] != "dim_customers":
            assert "model.cdp.dim_customers" in ancestors(node["unique_id"]), node["name"]
