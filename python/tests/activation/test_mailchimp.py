"""Mailchimp specifics beyond the contract: the wire body, the subscriber hash as destination id, the
500-member limit, Basic auth, insert-only refusing existing members, removal by unsubscribing, and the
10-connection limit answered with a 429 that is retried."""

from __future__ import annotations

import base64
import hashlib
import threading
import time

import pytest

from cdp.destinations.base import BatchRejected, ConfigError, RetryableError, Row
from cdp.destinations.emulator import Fault
from cdp.destinations.mailchimp.destination import subscriber_hash
from cdp.destinations.mailchimp.emulator import MailchimpApp
from cdp.sync.http import JsonClient
from tests.activation.conftest import customer, make_job

FIELDS = {"email_address": "email", "FNAME": "first_name", "SCORE": "score"}
LIST = "c0ffee0001"


@pytest.fixture
def app(serve, monkeypatch):
    monkeypatch.setenv("CDP_TEST_TOKEN", "test-token")
    app = MailchimpApp()
    app.url = serve(app).url
    return app


def destination(app, **spec):
    spec.setdefault("options", {"list_id": LIST})
    return make_job("mailchimp", app.url, FIELDS, **spec).destination


def test_wire_body_and_subscriber_hash(app):
    mailchimp = destination(app)
    rows = [Row("c1", {"email_address": " Ann.Lee@Example.COM ", "FNAME": None, "SCORE": 7})]
    assert mailchimp.preview("upsert", rows) == {
        "members": [
            {
                "email_address": "Ann.Lee@Example.COM",
                "status": "subscribed",
                "merge_fields": {"FNAME": "", "SCORE": 7},
            }
        ],
        "update_existing": True,
    }
    outcome = mailchimp.send("upsert", rows, "k1")
    expected = hashlib.md5(b"ann.lee@example.com").hexdigest()
    assert outcome.rejected == {} and outcome.destination_ids == {"c1": expected}
    assert subscriber_hash("ANN.LEE@example.com") == expected
    member = app.lists[LIST][expected]
    assert member["status"] == "subscribed" and member["merge_fields"] == {"FNAME": "", "SCORE": 7}


def test_removal_unsubscribes_only_members_we_subscribed(app):
    mailchimp = destination(app)
    mailchimp.send("upsert", [Row("c1", {"email_address": "a@example.com", "FNAME": "A", "SCORE": 1})], "k1")
    requests = app.stats["requests"]
    # Never accepted (no destination id): nothing to unsubscribe, no request.
    assert mailchimp.send("remove", [Row("c2", {"email_address": "b@example.com"})], "k2").rejected == {}
    assert app.stats["requests"] == requests
    rows = [Row("c1", {"email_address": "a@example.com"}, subscriber_hash("a@example.com"))]
    assert mailchimp.preview("remove", rows)["members"] == [
        {"email_address": "a@example.com", "status": "unsubscribed"}
    ]
    assert mailchimp.send("remove", rows, "k3").rejected == {}
    assert app.lists[LIST][subscriber_hash("a@example.com")]["status"] == "unsubscribed"
    assert app.subscribed() == set()


def test_insert_refuses_existing_members_with_mailchimps_code(app):
    mailchimp = destination(app)
    mailchimp.send("upsert", [Row("c1", {"email_address": "a@example.com", "FNAME": "A", "SCORE": 1})], "k1")
    rows = [
        Row("c1", {"email_address": "A@example.com", "FNAME": "B", "SCORE": 2}),
        Row("c2", {"email_address": "new@example.com", "FNAME": "N", "SCORE": 3}),
    ]
    assert mailchimp.preview("insert", rows)["update_existing"] is False
    outcome = mailchimp.send("insert", rows, "k2")
    assert list(outcome.rejected) == ["c1"]
    assert outcome.rejected["c1"].startswith("mailchimp ERROR_CONTACT_EXISTS: A@example.com is already")
    assert outcome.destination_ids == {"c2": subscriber_hash("new@example.com")}
    assert app.lists[LIST][subscriber_hash("a@example.com")]["merge_fields"]["FNAME"] == "A"  # untouched


def test_malformed_address_is_a_row_error_not_a_batch_error(app):
    rows = [
        Row("c1", {"email_address": "broken@address", "FNAME": "A", "SCORE": 1}),
        Row("c2", {"email_address": "ok@example.com", "FNAME": "B", "SCORE": 2}),
    ]
    outcome = destination(app).send("upsert", rows, "k1")
    reason = "broken@address looks fake or invalid, please enter a real email address."
    assert outcome.rejected == {"c1": f"mailchimp ERROR_GENERIC: {reason}"}
    assert app.subscribed() == {"ok@example.com"}


def test_batch_limit_is_500_members(app):
    assert destination(app, batch_size=2000).batch_size == 500
    client = JsonClient(app.url, {"Authorization": "Basic " + base64.b64encode(b"any:test-token").decode()})
    members = [{"email_address": f"p{i}@example.com", "status": "subscribed"} for i in range(501)]
    with pytest.raises(BatchRejected, match="maximum 500 items"):
        client.request("POST", f"/lists/{LIST}", {"members": members, "update_existing": True})
    assert client.request("POST", f"/lists/{LIST}", {"members": members[:500]}).body["total_created"] == 500


def test_basic_auth_and_unknown_list(app, monkeypatch):
    monkeypatch.setenv("CDP_TEST_TOKEN", "wrong-key")
    row = [Row("c1", {"email_address": "a@example.com", "FNAME": "A", "SCORE": 1})]
    with pytest.raises(BatchRejected, match="API Key Invalid"):
        destination(app).send("upsert", row, "k1")
    monkeypatch.setenv("CDP_TEST_TOKEN", "test-token")
    with pytest.raises(BatchRejected, match="HTTP 404"):
        destination(app, options={"list_id": "not-a-list"}).send("upsert", row, "k2")


def test_an_eleventh_simultaneous_connection_is_throttled_and_retryable(app):
    app.inject(Fault(delay=0.6, count=10))
    mailchimp = destination(app)
    errors: list[Exception] = []

    def slow(i: int) -> None:
        row = Row(f"c{i}", {"email_address": f"p{i}@example.com", "FNAME": "A", "SCORE": i})
        try:
            mailchimp.send("upsert", [row], f"k{i}")
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=slow, args=(i,)) for i in range(10)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 5
    while app.in_flight < 10 and time.monotonic() < deadline:
        time.sleep(0.005)
    with pytest.raises(RetryableError, match="10 simultaneous connections") as raised:
        mailchimp.send("upsert", [Row("c99", {"email_address": "late@example.com", "FNAME": "L"})], "k99")
    assert raised.value.status == 429 and raised.value.retry_after is None  # Mailchimp sends no Retry-After
    for thread in threads:
        thread.join()
    assert errors == [] and len(app.subscribed()) == 10
    # Tried again once a connection is free, it lands.
    mailchimp.send("upsert", [Row("c99", {"email_address": "late@example.com", "FNAME": "L"})], "k99")
    assert "late@example.com" in app.subscribed()


def test_throttles_are_absorbed_by_the_engine(app, warehouse, engine):
    warehouse.set_members([customer(i) for i in range(1, 41)])
    app.inject(Fault(status=429, count=3))
    (summary,) = engine.run(make_job("mailchimp", app.url, FIELDS, batch_size=10, options={"list_id": LIST}))
    assert summary.status == "succeeded" and summary.sent == 40
    assert app.stats["faults"] == 3 and len(app.subscribed()) == 40


@pytest.mark.parametrize(
    ("fields", "spec", "message"),
    [
        ({"email": "email"}, {}, "must send `email_address`"),
        ({"email_address": "email", "first_name": "first_name"}, {}, "not merge tags"),
        (FIELDS, {"options": {}}, "options.list_id"),
        (FIELDS, {"concurrency": 11}, "10 simultaneous connections"),
    ],
)
def test_configuration_errors(app, fields, spec, message):
    spec.setdefault("options", {"list_id": LIST})
    with pytest.raises(ConfigError, match=message):
        make_job("mailchimp", app.url, fields, **spec)
