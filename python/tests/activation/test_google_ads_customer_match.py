"""Google Ads Customer Match specifics: identifiers normalised and hashed byte for byte as Google asks, a job
per batch that a retry (or a restarted process) finishes instead of duplicating, refused operations reported
with Google's reason, the RESOURCE_EXHAUSTED throttle retried after its retryDelay, and the emulator holding
the API's limits."""

from __future__ import annotations

import hashlib

import pytest

from cdp.activation.spec import DestinationSpec, SyncSpec
from cdp.destinations.base import BatchRejected, ConfigError, RetryableError, Row
from cdp.destinations.emulator import Fault
from cdp.destinations.google_ads_customer_match.destination import (
    GoogleAdsCustomerMatch,
    external_id,
    user_identifiers,
)
from cdp.destinations.google_ads_customer_match.emulator import GoogleAdsApp
from cdp.sync.http import JsonClient

FIELDS = {
    "email": "email",
    "phone": "phone_e164",
    "first_name": "first_name",
    "last_name": "last_name",
    "country_code": "country_code",
    "postal_code": "postal_code",
}
OPTIONS = {"customer_id": "123-456-7890", "user_list_id": "4455", "developer_token_env": "CDP_TEST_TOKEN"}
LIST = "customers/1234567890/userLists/4455"
ANN_LEE_GMAIL_SHA256 = "e7824da9ecd8c9d3b5c7af9db4876347efd23f0fa94290ea26bdafb98f6fa541"


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def person(i: int, **overrides) -> Row:
    fields = {
        "email": f"person{i}@example.com",
        "phone": f"+4477009{i:05d}",
        "first_name": f"Ann{i}",
        "last_name": "Lee",
        "country_code": "GB",
        "postal_code": "SW1A 1AA",
    }
    return Row(f"cus_{i:06d}", {**fields, **overrides})


@pytest.fixture
def app(serve):
    app = GoogleAdsApp()
    app.url = serve(app).url
    return app


@pytest.fixture
def destination(app, monkeypatch):
    monkeypatch.setenv("CDP_TEST_TOKEN", "test-token")

    def build(fields=FIELDS, **options) -> GoogleAdsCustomerMatch:
        options = {**OPTIONS, **options}
        spec = DestinationSpec(
            "google", "google_ads_customer_match", app.url, "CDP_TEST_TOKEN", options=options
        )
        return GoogleAdsCustomerMatch(spec, SyncSpec("google", "mirror", fields), "test_audience")

    return build


def held(app: GoogleAdsApp) -> set[str]:
    return {value for key, value, *_ in app.lists.get(LIST, set()) if key == "hashedEmail"}


def test_identifiers_are_normalised_and_hashed_as_google_asks():
    fields = {
        "email": "  Ann.Lee@GMail.COM ",
        "phone": "+44 7700 900123",
        "first_name": " Ann ",
        "last_name": "LEE ",
        "country_code": " gb",
        "postal_code": " SW1A 1AA ",
    }
    assert user_identifiers(fields) == [
        {"hashedEmail": sha("ann.lee@gmail.com")},  # trimmed, lower case, Gmail dots kept
        {"hashedPhoneNumber": sha("+447700900123")},  # E.164 with its '+'
        {
            "addressInfo": {
                "hashedFirstName": sha("ann"),
                "hashedLastName": sha("lee"),
                "countryCode": "GB",  # country and postal code in clear
                "postalCode": "SW1A 1AA",
            }
        },
    ]
    # The bytes Google receives, pinned.
    assert user_identifiers(fields)[0]["hashedEmail"] == ANN_LEE_GMAIL_SHA256
    # An address goes only whole; a missing identifier is left out rather than sent empty.
    assert user_identifiers({"email": "a@b.co", "first_name": "Ann", "country_code": "GB"}) == [
        {"hashedEmail": sha("a@b.co")}
    ]


def test_a_batch_is_one_job_created_filled_and_run(app, destination):
    rows = [person(i) for i in range(1, 4)]
    outcome = destination().send("upsert", rows, "batch-key-1")
    assert outcome.rejected == {}
    ((resource, job),) = app.jobs.items()
    assert resource.startswith("customers/1234567890/offlineUserDataJobs/")
    assert job["status"] == "SUCCESS" and job["kind"] == "create" and len(job["operations"]) == 3
    assert job["external_id"] == str(external_id("batch-key-1"))
    assert job["consent"] == {"adUserData": "GRANTED", "adPersonalization": "GRANTED"}
    assert held(app) == {sha(f"person{i}@example.com") for i in range(1, 4)}

    destination().send("remove", rows[:2], "batch-key-2")
    removal = app.jobs[max(app.jobs)]
    assert removal["kind"] == "remove" and removal["consent"] is None
    assert held(app) == {sha("person3@example.com")}


def test_rows_without_email_or_phone_are_rejected_before_sending(app, destination):
    outcome = destination().send("upsert", [person(1, email=None, phone="")], "k")
    assert outcome.rejected == {"cus_000001": "google_ads: neither e-mail nor phone to match on"}
    assert app.stats["requests"] == 0
    # A removal of such a row has nothing to take out and is not an error.
    assert destination().send("remove", [person(1, email=None, phone=None)], "k2").rejected == {}
    assert app.stats["requests"] == 0


def test_refused_operations_are_rejected_with_googles_reason(app, destination):
    rows = [person(1), person(2, country_code="GBR"), person(3)]
    outcome = destination().send("upsert", rows, "k")
    assert outcome.rejected == {"cus_000002": "google_ads INVALID_COUNTRY_CODE: The country code is invalid."}
    assert held(app) == {sha("person1@example.com"), sha("person3@example.com")}


def test_a_retried_batch_finishes_its_job_instead_of_starting_another(app, destination):
    google = destination()
    rows = [person(i) for i in range(1, 4)]
    app.inject(Fault(status=503, path=":run"))
    with pytest.raises(RetryableError):
        google.send("upsert", rows, "k")
    assert google.send("upsert", rows, "k").rejected == {}
    (job,) = app.jobs.values()
    assert job["status"] == "SUCCESS" and len(job["operations"]) == 3  # operations were added once
    assert len(held(app)) == 3


def test_a_restarted_process_finds_the_batch_job_by_its_external_id(app, destination):
    rows = [person(i) for i in range(1, 4)]
    app.inject(Fault(drop=True, path=":run"))
    with pytest.raises(RetryableError):
        destination().send("upsert", rows, "k")
    # A new process re-sends the batch with the same key: no second job, the pending one is filled and run.
    assert destination().send("upsert", rows, "k").rejected == {}
    (job,) = app.jobs.values()
    assert job["status"] == "SUCCESS" and len(held(app)) == 3
    # Re-sent once more after it ran (an answer lost, a crash before the commit): nothing is done twice.
    requests = app.stats["requests"]
    assert destination().send("upsert", rows, "k").rejected == {}
    assert len(app.jobs) == 1 and app.stats["requests"] == requests + 2  # create (refused), search


def test_resource_exhausted_is_retried_after_googles_retry_delay(app, destination):
    app.inject(Fault(status=429, retry_after=0.25))
    with pytest.raises(RetryableError) as raised:
        destination().send("upsert", [person(1)], "k")
    assert raised.value.status == 429 and raised.value.retry_after == 0.25
    assert "RESOURCE_EXHAUSTED" in str(raised.value)
    # The emulator's own window answers the same way: three requests a batch, two allowed a second.
    app.rate_limit = (2, 1.0)
    with pytest.raises(RetryableError) as raised:
        destination().send("upsert", [person(2)], "k2")
    assert 0 < raised.value.retry_after <= 1.0


def test_missing_developer_token_is_refused(app, destination):
    with pytest.raises(BatchRejected, match="UNAUTHENTICATED"):
        destination(developer_token_env="CDP_TEST_UNSET_DEVELOPER_TOKEN").send("upsert", [person(1)], "k")


def test_emulator_holds_googles_limits(app):
    client = JsonClient(app.url, {"Authorization": "Bearer test-token", "developer-token": "test-token"})
    base = "/v21/customers/1234567890/offlineUserDataJobs"

    def new_job() -> str:
        job = {"type": "CUSTOMER_MATCH_USER_LIST", "customerMatchUserListMetadata": {"userList": LIST}}
        return client.request("POST", f"{base}:create", {"job": job}).body["resourceName"]

    def create(*identifiers) -> dict:
        return {"create": {"userIdentifiers": list(identifiers)}}

    email = {"hashedEmail": sha("a@b.co")}
    job = new_job()
    # More than 100,000 identifiers in one request: refused whole.
    too_many = [create(*[email] * 20) for _ in range(5001)]
    with pytest.raises(BatchRejected, match="TOO_MANY_USER_IDENTIFIERS"):
        client.request("POST", f"/v21/{job}:addOperations", {"operations": too_many})
    # Per operation, with partial failure: the failing operations are named by index, the others kept.
    operations = [
        create(email),
        create(*[email] * 21),
        create({"hashedEmail": "a@b.co"}),
        create(
            {"addressInfo": {"hashedFirstName": sha("a"), "hashedLastName": sha("b"), "countryCode": "GB"}}
        ),
        {"remove": {"userIdentifiers": [email]}},
        create(),
    ]
    answer = client.request(
        "POST", f"/v21/{job}:addOperations", {"operations": operations, "enablePartialFailure": True}
    ).body
    errors = answer["partialFailureError"]["details"][0]["errors"]
    assert [(e["location"]["fieldPathElements"][0]["index"], *e["errorCode"].values()) for e in errors] == [
        (1, "TOO_MANY_USER_IDENTIFIERS"),
        (2, "INVALID_SHA256_FORMAT"),
        (3, "REQUIRED"),
        (4, "CONFLICTING_OPERATION"),
        (5, "MISSING_USER_IDENTIFIER"),
    ]
    assert len(app.jobs[job]["operations"]) == 1
    # Without partial failure one bad operation fails the request; after a run nothing can be added.
    with pytest.raises(BatchRejected, match="INVALID_SHA256_FORMAT"):
        client.request("POST", f"/{job}:addOperations", {"operations": operations[:1] + operations[2:3]})
    assert len(app.jobs[job]["operations"]) == 1
    client.request("POST", f"/{job}:run", {})
    with pytest.raises(BatchRejected, match="JOB_ALREADY_STARTED"):
        client.request("POST", f"/{job}:addOperations", {"operations": operations[:1]})
    client.close()


@pytest.mark.parametrize(
    ("fields", "options", "message"),
    [
        ({"email": "email", "zip": "postal_code"}, {}, "unknown keys"),
        ({"first_name": "first_name"}, {}, "map email or phone"),
        ({"email": "email", "first_name": "first_name", "country_code": "c"}, {}, "an address needs all of"),
        ({"email": "email"}, {"customer_id": "act_1"}, "must be numbers"),
        ({"email": "email"}, {"user_list_id": ""}, "must be numbers"),
    ],
)
def test_mapping_and_options_are_checked(destination, fields, options, message):
    with pytest.raises(ConfigError, match=message):
        destination(fields, **options)
