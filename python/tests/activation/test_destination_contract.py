"""One contract every destination honours, run against each over real HTTP (its emulator on loopback; the file
export writes real files): the first sync delivers every consenting treated member and nobody else; an
unchanged audience sends nothing; a changed field is sent again; leavers are removed in mirror mode, and
people who withdraw consent in every mode; throttles (429 + Retry-After) and server errors are retried until
delivered; a row the vendor refuses is reported with the vendor's reason and the rest still land."""

from __future__ import annotations

import importlib
import json
import pkgutil
import time

import pytest

from cdp.destinations import registry
from cdp.destinations.emulator import Fault
from tests.activation import destinations as cases
from tests.activation.conftest import customer, make_job
from tests.activation.contract_case import Case

CASES: list[Case] = [
    importlib.import_module(f"{cases.__name__}.{module.name}").CASE
    for module in pkgutil.iter_modules(cases.__path__)
]


def test_every_destination_runs_the_contract():
    assert sorted(case.type for case in CASES) == sorted(registry())


@pytest.fixture(params=CASES, ids=[case.type for case in CASES])
def contract(request, serve, tmp_path):
    """(case, app or None, job factory, where held() reads: the export directory or the target's url)."""
    case: Case = request.param
    app = case.app() if case.app else None
    if case.target is not None:
        url = where = case.target(request)
    else:
        where = tmp_path / "exports"
        url = serve(app).url if app else str(where)

    def job(mode: str = "mirror", holdout: int = 0, **spec):
        return make_job(
            case.type, url, case.fields, mode=mode, holdout=holdout, options=case.options or {}, **spec
        )

    return case, app, job, where


def test_first_sync_sends_consenting_treated_members_only(contract, warehouse, engine):
    case, app, job, directory = contract
    members = [customer(i) for i in range(1, 251)]
    members[3]["audience_group"] = "holdout"
    members[4]["email_consent_status"] = "withdrawn"
    members[4]["ads_personalisation_consent_status"] = "withdrawn"
    members[5]["is_erasure_requested"] = True
    warehouse.set_members(members)
    (summary,) = engine.run(job())
    expected = {case.expect(m["email"]) for i, m in enumerate(members) if i not in (3, 4, 5)}
    assert summary.status == "succeeded", summary
    assert summary.sent == 247 and summary.rejected == 0
    assert case.held(app, directory) == expected
    assert warehouse.scalar("select count(*) from cdp_sync.sync_state where status = 'synced'") == 247

    # Nothing changed: nothing is sent.
    requests_before = app.stats["requests"] if app else None
    (again,) = engine.run(job())
    assert again.planned_rows == 0 and again.sent == 0
    if app:
        assert app.stats["requests"] == requests_before


def test_changes_leavers_and_withdrawn_consent(contract, warehouse, engine):
    case, app, job, directory = contract
    members = [customer(i) for i in range(1, 21)]
    warehouse.set_members(members)
    engine.run(job())
    members[0]["score"] = 999
    members[0]["first_name"] = "Renamed"
    left = members.pop(1)
    members[2]["email_consent_status"] = "withdrawn"
    members[2]["ads_personalisation_consent_status"] = "withdrawn"
    warehouse.set_members(members)
    (summary,) = engine.run(job())
    assert summary.status == "succeeded", summary
    assert summary.planned == {"upsert": 1, "remove": 2}
    held = case.held(app, directory)
    assert case.expect(left["email"]) not in held
    assert case.expect(members[2]["email"]) not in held
    assert case.expect(members[0]["email"]) in held


def test_upsert_mode_keeps_leavers_but_removes_withdrawn_consent(contract, warehouse, engine):
    case, app, job, directory = contract
    members = [customer(i) for i in range(1, 11)]
    warehouse.set_members(members)
    engine.run(job(mode="upsert"))
    leaver, withdrawn = members[0], members[1]
    withdrawn["email_consent_status"] = "withdrawn"
    withdrawn["ads_personalisation_consent_status"] = "withdrawn"
    # The leaver is no longer in the audience; the withdrawn person is still a member but may not be sent.
    warehouse.set_members(members[1:], profile_only=[leaver])
    (summary,) = engine.run(job(mode="upsert"))
    assert summary.planned == {"remove": 1}, summary
    held = case.held(app, directory)
    assert case.expect(leaver["email"]) in held
    assert case.expect(withdrawn["email"]) not in held


def test_throttles_and_server_errors_are_retried(contract, warehouse, engine):
    case, app, job, directory = contract
    if app is None:
        pytest.skip("a file export has no HTTP to fail")
    members = [customer(i) for i in range(1, 31)]
    warehouse.set_members(members)
    app.inject(Fault(status=429, retry_after=0.4, count=2))
    app.inject(Fault(status=503, count=2))
    started = time.monotonic()
    (summary,) = engine.run(job(batch_size=10))
    assert summary.status == "succeeded", summary
    assert time.monotonic() - started >= 0.4  # Retry-After was honoured
    assert app.stats["faults"] == 4
    assert case.held(app, directory) == {case.expect(m["email"]) for m in members}


def test_refused_rows_are_reported_and_retried(contract, warehouse, engine):
    case, app, job, directory = contract
    if case.bad_row is None:
        pytest.skip("a file export refuses no row")
    members = [customer(i) for i in range(1, 11)]
    good_email = members[6]["email"]
    members[6].update(case.bad_row)
    warehouse.set_members(members)
    (summary,) = engine.run(job())
    assert summary.status == "partial" and summary.rejected == 1, summary
    key, reason = warehouse.con.execute("select record_key, reason from cdp_sync.sync_rejections").fetchall()[
        0
    ]
    assert key == members[6]["customer_id"] and reason
    assert len(case.held(app, directory)) == 9
    # The row is fixed at the source: the next run sends it (and only it) again.
    members[6]["email"], members[6]["phone_e164"] = good_email, "+447700100000"
    warehouse.set_members(members)
    (retry,) = engine.run(job())
    assert retry.status == "succeeded" and retry.sent == 1
    assert case.expect(good_email) in case.held(app, directory)


def test_a_merged_customer_id_keeps_the_person(contract, warehouse, engine):
    """An identity merge replaces customer id A by B for the same person: the old id is removed and the new
    one sent, and the destination still holds the person (removals finish before upserts start)."""
    case, app, job, where = contract
    members = [customer(i) for i in range(1, 6)]
    warehouse.set_members(members)
    engine.run(job())
    merged = dict(members[0], customer_id="cus_999999")
    warehouse.set_members([merged, *members[1:]])
    (summary,) = engine.run(job())
    assert summary.planned == {"remove": 1, "upsert": 1} and summary.status == "succeeded", summary
    assert case.held(app, where) == {case.expect(m["email"]) for m in members}


def test_a_changed_email_replaces_the_old_one(contract, warehouse, engine):
    """A person's e-mail changes: the destination ends up with the new one only (vendors that match people
    on the e-mail get the old record removed first)."""
    case, app, job, where = contract
    members = [customer(i) for i in range(1, 4)]
    warehouse.set_members(members)
    engine.run(job(mode="upsert"))
    old = members[0]["email"]
    members[0]["email"] = "renamed@example.org"
    warehouse.set_members(members)
    (summary,) = engine.run(job(mode="upsert"))
    assert summary.status == "succeeded", summary
    held = case.held(app, where)
    assert case.expect("renamed@example.org") in held and case.expect(old) not in held


def test_a_refused_change_keeps_what_the_vendor_holds(contract, warehouse, engine):
    """A change the vendor refuses leaves the last accepted record in the state, so a later withdrawal still
    removes the person the vendor holds."""
    case, app, job, where = contract
    if case.bad_row is None:
        pytest.skip("this destination refuses no row")
    members = [customer(i) for i in range(1, 4)]
    warehouse.set_members(members)
    engine.run(job(mode="upsert"))
    original = dict(members[0])
    members[0].update(case.bad_row)
    warehouse.set_members(members)
    (refused,) = engine.run(job(mode="upsert"))
    assert refused.rejected >= 1, refused
    members[0] = dict(
        original, email_consent_status="withdrawn", ads_personalisation_consent_status="withdrawn"
    )
    warehouse.set_members(members)
    (withdrawn,) = engine.run(job(mode="upsert"))
    assert withdrawn.status == "succeeded", withdrawn
    assert case.expect(original["email"]) not in case.held(app, where)


@pytest.mark.parametrize("mode", ["upsert", "insert", "update", "mirror"])
def test_an_erased_person_is_removed_and_forgotten(contract, warehouse, engine, mode):
    """After an erasure the marts hold the person without PII: every mode removes them with the fields the
    destination last accepted, records the removal in sync_erasures, and keeps no payload of theirs."""
    case, app, job, where = contract
    members = [customer(i) for i in range(1, 6)]
    warehouse.set_members(members)
    engine.run(job(mode="insert" if mode == "update" else mode))
    original = dict(members[1])
    assert case.expect(original["email"]) in case.held(app, where)
    members[1] = dict(
        original, email=None, first_name=None, last_name=None, phone_e164=None, is_erasure_requested=True
    )
    warehouse.set_members(members)
    # A dry run counts the removal but shows none of their (last-sent) fields.
    (dry,) = engine.run(job(mode=mode), dry_run=True)
    assert dry.planned == {"remove": 1} and original["email"] not in json.dumps(dry.sample, default=str)
    (summary,) = engine.run(job(mode=mode))
    assert summary.planned == {"remove": 1} and summary.status == "succeeded", summary
    assert case.expect(original["email"]) not in case.held(app, where)
    assert case.expect(members[2]["email"]) in case.held(app, where)
    erasures = warehouse.con.execute("select sync_id, record_key from cdp_sync.sync_erasures").fetchall()
    assert [key for _, key in erasures] == [original["customer_id"]]
    # Nothing the engine keeps still names the person.
    for table in ("sync_state", "sync_plan", "sync_rejections"):
        kept = warehouse.scalar(
            f"select count(*) from cdp_sync.{table} as t where cast(t as varchar) like ?",
            [f"%{original['email']}%"],
        )
        assert kept == 0, table
    # A later run does not send them again.
    (again,) = engine.run(job(mode=mode))
    assert again.planned_rows == 0
