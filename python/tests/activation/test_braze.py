"""Braze specifics: attributes tracked by external id (a NULL clears one, update leaves unknown users alone),
refused objects reported with Braze's reason, the 75-object and 50-id limits (a removal batch split into
deletes of 50), and throttles retried once X-RateLimit-Reset has passed, per endpoint."""

from __future__ import annotations

import time

import pytest

from cdp.activation.spec import DestinationSpec, SyncSpec
from cdp.destinations.base import BatchRejected, ConfigError, RetryableError, Row
from cdp.destinations.braze.destination import Braze
from cdp.destinations.braze.emulator import BrazeApp
from cdp.destinations.emulator import Fault
from cdp.sync.http import JsonClient
from tests.activation.conftest import customer, make_job

FIELDS = {"email": "email", "first_name": "first_name", "cdp_score": "score"}


def person(i: int, **overrides) -> Row:
    return Row(f"cus_{i:06d}", {"email": f"person{i}@example.com", "first_name": f"Ann{i}", **overrides})


@pytest.fixture
def app(serve):
    app = BrazeApp()
    app.url = serve(app).url
    return app


@pytest.fixture
def destination(app, monkeypatch):
    monkeypatch.setenv("CDP_TEST_TOKEN", "test-token")

    def build(fields=FIELDS, **spec) -> Braze:
        spec = DestinationSpec(name="braze", type="braze", url=app.url, token_env="CDP_TEST_TOKEN", **spec)
        return Braze(spec, SyncSpec("braze", "mirror", fields), "test_audience")

    return build


def test_attributes_are_tracked_by_external_id_and_null_clears_one(app, destination):
    braze = destination()
    assert braze.send("upsert", [person(1, cdp_score=7)], "k1").rejected == {}
    assert app.users == {"cus_000001": {"email": "person1@example.com", "first_name": "Ann1", "cdp_score": 7}}
    braze.send("upsert", [person(1, first_name=None, cdp_score=8)], "k2")
    assert app.users["cus_000001"] == {"email": "person1@example.com", "cdp_score": 8}


def test_update_leaves_unknown_users_alone(app, destination):
    braze = destination()
    braze.send("upsert", [person(1)], "k1")
    assert braze.preview("update", [person(2)]) == {
        "attributes": [
            {
                "external_id": "cus_000002",
                "email": "person2@example.com",
                "first_name": "Ann2",
                "_update_existing_only": True,
            }
        ]
    }
    assert braze.send("update", [person(1, first_name="Renamed"), person(2)], "k2").rejected == {}
    assert set(app.users) == {"cus_000001"} and app.users["cus_000001"]["first_name"] == "Renamed"


def test_refused_objects_are_rejected_with_brazes_reason(app, destination):
    braze = destination()
    outcome = braze.send("upsert", [person(1), person(2, email="broken@address"), person(3)], "k1")
    assert outcome.rejected == {
        "cus_000002": "braze: The value provided for the 'email' field is not a valid email."
    }
    assert set(app.users) == {"cus_000001", "cus_000003"}
    # No valid object at all: a fatal 400, every row of the batch is rejected.
    with pytest.raises(BatchRejected, match="Valid data must be provided"):
        braze.send("upsert", [person(4, email="nope")], "k2")


def test_the_batch_is_capped_at_75_objects_and_the_emulator_refuses_more(app, destination):
    assert destination(batch_size=500).batch_size == 75
    client = JsonClient(app.url, {"Authorization": "Bearer test-token"})
    attributes = [{"external_id": f"cus_{i}"} for i in range(76)]
    with pytest.raises(BatchRejected, match="Max Input Length Exceeded"):
        client.request("POST", "/users/track", {"attributes": attributes})
    with pytest.raises(BatchRejected, match="max number of external_ids"):
        client.request("POST", "/users/delete", {"external_ids": [f"cus_{i}" for i in range(51)]})
    client.close()
    assert app.users == {}


def test_a_removal_batch_is_deleted_in_requests_of_50(app, destination):
    braze = destination()
    rows = [person(i) for i in range(75)]
    braze.send("upsert", rows, "k1")
    assert len(app.users) == 75
    assert braze.send("remove", rows, "k2").rejected == {}
    assert app.users == {}
    assert app.calls == [("/users/track", 75), ("/users/delete", 50), ("/users/delete", 25)]


def test_a_throttle_waits_for_x_ratelimit_reset(app, destination):
    app.inject(Fault(status=429, retry_after=1.5))
    started = time.time()
    with pytest.raises(RetryableError) as raised:
        destination().send("upsert", [person(1)], "k1")
    # Reset is in whole epoch seconds: the wait ends at or after the vendor's 1.5 s, within a second of it.
    assert raised.value.status == 429
    assert 1.5 <= time.time() - started + raised.value.retry_after <= 2.6


def test_rate_limits_are_per_endpoint_and_reported_in_headers(app, destination):
    app.rate_limit = (2, 60.0)
    client = JsonClient(app.url, {"Authorization": "Bearer test-token"})
    first = client.request("POST", "/users/track", {"attributes": [{"external_id": "cus_1"}]})
    assert first.status == 201
    assert first.headers["x-ratelimit-limit"] == "2" and first.headers["x-ratelimit-remaining"] == "1"
    assert int(first.headers["x-ratelimit-reset"]) >= time.time() + 58
    client.request("POST", "/users/track", {"attributes": [{"external_id": "cus_2"}]})
    braze = destination()
    with pytest.raises(RetryableError) as raised:
        braze.send("upsert", [person(3)], "k1")
    assert 55 <= raised.value.retry_after <= 61
    # /users/delete has its own window (20,000 a minute): removals still go through.
    braze.send("remove", [Row("cus_1", {})], "k2")
    assert set(app.users) == {"cus_2"}
    client.close()


def test_an_engine_run_rides_out_the_rate_limit(serve, warehouse, engine):
    app = BrazeApp(rate_limit=(3, 1.0))
    url = serve(app).url
    members = [customer(i) for i in range(1, 31)]
    warehouse.set_members(members)
    (summary,) = engine.run(make_job("braze", url, FIELDS, batch_size=5))
    assert summary.status == "succeeded" and summary.sent == 30, summary
    assert app.stats["throttled"] > 0
    assert {user["email"] for user in app.users.values()} == {m["email"] for m in members}


@pytest.mark.parametrize(
    ("fields", "message"),
    [({"external_id": "customer_id"}, "may not send"), ({"$name": "first_name"}, "start with '\\$'")],
)
def test_mapping_is_checked(destination, fields, message):
    with pytest.raises(ConfigError, match=message):
        destination(fields)
