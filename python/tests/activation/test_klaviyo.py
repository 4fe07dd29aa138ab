"""Klaviyo specifics beyond the contract: the JSON:API body and headers, the asynchronous import job polled to
completion (and resumed, not re-imported, after a timeout), import errors mapped back to rows across pages,
the 10,000-profile and 5 MB limits, suppression in requests of 100 that a retry resumes, and Klaviyo's own
fixed-window throttle (429 + Retry-After) absorbed by the engine."""

from __future__ import annotations

import json

import pytest

from cdp.destinations.base import BatchRejected, ConfigError, RetryableError, Row
from cdp.destinations.emulator import Reply
from cdp.destinations.klaviyo.emulator import KlaviyoApp
from cdp.sync.http import JsonClient
from cdp.sync.ratelimit import RateLimiter
from tests.activation.conftest import customer, make_job

FIELDS = {"email": "email", "first_name": "first_name", "cdp_score": "score"}
HEADERS = {"Authorization": "Klaviyo-API-Key test-token", "revision": "2025-01-15"}


@pytest.fixture
def app(serve, monkeypatch):
    monkeypatch.setenv("CDP_TEST_TOKEN", "test-token")
    app = KlaviyoApp()
    app.url = serve(app).url
    return app


def destination(app, **options):
    options.setdefault("poll_interval_seconds", 0.02)
    return make_job("klaviyo", app.url, FIELDS, options=options).destination


def rows(n: int, start: int = 0, **fields) -> list[Row]:
    return [
        Row(f"c{i}", {"email": f"p{i}@example.com", "first_name": f"Ann{i}", "cdp_score": i, **fields})
        for i in range(start, start + n)
    ]


def rows_json(n: int) -> list[dict]:
    return [{"type": "profile", "attributes": {"email": f"p{i}@example.com"}} for i in range(n)]


def test_import_body_is_json_api_with_standard_attributes_and_properties(app):
    klaviyo = destination(app)
    body = klaviyo.preview(
        "upsert", [Row("c1", {"email": " a@example.com ", "first_name": None, "cdp_score": 3})]
    )
    assert body == {
        "data": {
            "type": "profile-bulk-import-job",
            "attributes": {
                "profiles": {
                    "data": [
                        {
                            "type": "profile",
                            "attributes": {
                                "email": "a@example.com",
                                "first_name": None,
                                "properties": {"cdp_score": 3},
                            },
                        }
                    ]
                }
            },
        }
    }
    assert klaviyo.client.headers["revision"] == "2025-01-15"
    assert klaviyo.client.headers["Content-Type"] == "application/vnd.api+json"


def test_job_is_polled_until_complete_and_nulls_clear(app):
    app.processing_seconds = 0.2
    klaviyo = destination(app)
    klaviyo.send("upsert", [Row("c1", {"email": "a@example.com", "first_name": "Ann", "cdp_score": 1})], "k1")
    assert app.stats["served"] >= 3  # the import, at least one "processing" read, the "complete" one
    assert [job["status"] for job in app.jobs.values()] == ["complete"]
    klaviyo.send("upsert", [Row("c1", {"email": "a@example.com", "first_name": None, "cdp_score": 2})], "k2")
    profile = app.profiles["a@example.com"]
    assert "first_name" not in profile["attributes"] and profile["properties"] == {"cdp_score": 2}


def test_a_timed_out_job_is_resumed_not_imported_again(app):
    app.processing_seconds = 60
    klaviyo = destination(app, job_timeout_seconds=0.2)
    with pytest.raises(RetryableError, match="still processing"):
        klaviyo.send("upsert", rows(3), "k1")
    assert len(app.jobs) == 1 and app.profiles == {}
    app.processing_seconds = 0
    assert klaviyo.send("upsert", rows(3), "k1").rejected == {}
    assert len(app.jobs) == 1 and len(app.reachable()) == 3


def test_import_errors_reject_their_rows_across_pages(app):
    batch = rows(300)
    for row in batch[::2]:
        row.fields["email"] = f"broken-{row.key}@nowhere"
    outcome = destination(app).send("upsert", batch, "k1")
    assert set(outcome.rejected) == {row.key for row in batch[::2]}  # 150 errors: two pages of 100
    assert outcome.rejected["c0"] == "klaviyo invalid: Invalid email address: 'broken-c0@nowhere'"
    assert app.reachable() == {row.fields["email"] for row in batch[1::2]}


def test_profile_and_body_limits(app):
    client = JsonClient(app.url, HEADERS)
    body = {
        "data": {"type": "profile-bulk-import-job", "attributes": {"profiles": {"data": rows_json(10_001)}}}
    }
    with pytest.raises(BatchRejected, match="maximum of 10000 profiles"):
        client.request("POST", "/api/profile-bulk-import-jobs", body)
    with pytest.raises(BatchRejected, match="HTTP 413"):
        client.request("POST", "/api/profile-bulk-import-jobs", raw=b" " * (5 * 1024 * 1024 + 1))


def test_a_batch_over_5_mb_is_split_into_jobs_under_the_limit(app):
    klaviyo = destination(app)
    # About 6.6 MB of profiles, already synced (a destination id): imported, with nothing to unsuppress.
    batch = [Row(row.key, row.fields, "job-0") for row in rows(10_000, note="x" * 600)]
    chunks = klaviyo.chunks(batch)
    assert len(chunks) == 2 and all(len(body) <= 5 * 1024 * 1024 for _, body in chunks)
    assert (
        json.loads(chunks[1][1])["data"]["attributes"]["profiles"]["data"][0]["attributes"]["email"]
        == (chunks[1][0][0].fields["email"])
    )
    assert klaviyo.send("upsert", batch, "k1").rejected == {}
    assert len(app.jobs) == 2 and len(app.reachable()) == 10_000


def test_revision_header_and_key_are_required(app):
    body = {"data": {"type": "profile-bulk-import-job", "attributes": {"profiles": {"data": []}}}}
    with pytest.raises(BatchRejected, match="revision header is required"):
        JsonClient(app.url, {"Authorization": HEADERS["Authorization"]}).request(
            "POST", "/api/profile-bulk-import-jobs", body
        )
    with pytest.raises(BatchRejected, match="not_authenticated"):
        JsonClient(app.url, {"revision": "2025-01-15"}).request("POST", "/api/profile-bulk-import-jobs", body)


def test_removal_suppresses_in_requests_of_100_and_a_retry_resumes(app):
    klaviyo = destination(app)
    batch = rows(250)
    klaviyo.send("upsert", batch, "k1")
    # The second suppression request fails once (a 503): the retry goes on from it, not from the start.
    index = next(i for i, route in enumerate(app.routes) if "suppression" in route[1].pattern)
    method, pattern, handler = app.routes[index]
    sizes: list[int] = []

    def flaky(request):
        sizes.append(len(request.body["data"]["attributes"]["profiles"]["data"]))
        return Reply(503, {"errors": []}) if len(sizes) == 2 else handler(request)

    app.routes[index] = (method, pattern, flaky)
    with pytest.raises(RetryableError, match="HTTP 503"):
        klaviyo.send("remove", batch, "k2")
    assert len(app.suppressed) == 100
    assert klaviyo.send("remove", batch, "k2").rejected == {}
    assert sizes == [100, 100, 100, 50]
    assert len(app.suppressed) == 250 and app.reachable() == set()


def test_an_upsert_lifts_only_manual_suppressions_of_rows_new_to_the_sync(app):
    app.suppressed.update(
        {
            "p0@example.com": "USER_SUPPRESSED",
            "p1@example.com": "UNSUBSCRIBE",
            "p2@example.com": "USER_SUPPRESSED",
        }
    )
    batch = rows(3)
    batch[2] = Row("c2", batch[2].fields, "earlier-job")  # synced before and never removed since
    outcome = destination(app).send("upsert", batch, "k1")
    (job_id,) = app.jobs
    assert outcome.rejected == {} and outcome.destination_ids == {"c0": job_id, "c1": job_id, "c2": job_id}
    # p0 (removed by us, back now) is lifted; p1 unsubscribed itself; p2 was not in this sync's unsuppression.
    assert app.suppressed == {"p1@example.com": "UNSUBSCRIBE", "p2@example.com": "USER_SUPPRESSED"}
    assert app.reachable() == {"p0@example.com"}


def test_klaviyo_throttle_is_retried_after_retry_after(app, warehouse, engine):
    warehouse.set_members([customer(i) for i in range(1, 61)])
    job = make_job(
        "klaviyo",
        app.url,
        FIELDS,
        batch_size=2,
        rate_limit_per_second=200.0,
        concurrency=24,
        options={"poll_interval_seconds": 0.02},
    )
    # 24 imports start within about 0.12 s, so within at most two one-second windows: one gets over 10. Job
    # reads are not paced here either: the emulator throttles those too.
    job.destination.reads = RateLimiter(None)
    app.processing_seconds = 0
    (summary,) = engine.run(job)
    assert summary.status == "succeeded" and summary.sent == 60
    assert app.stats["throttled"] > 0 and len(app.reachable()) == 60


def test_throttle_answer_is_klaviyos(app):
    client = JsonClient(app.url, HEADERS)
    body = {"data": {"type": "profile-bulk-import-job", "attributes": {"profiles": {"data": rows_json(1)}}}}
    job = client.request("POST", "/api/profile-bulk-import-jobs", body).body["data"]["id"]
    with pytest.raises(RetryableError) as raised:
        for _ in range(25):  # within at most two one-second windows: one of them gets over 10
            client.request("GET", f"/api/profile-bulk-import-jobs/{job}")
    assert raised.value.status == 429 and raised.value.retry_after == 1.0
    assert "'code': 'throttled'" in str(raised.value)


def test_mapping_needs_an_email():
    with pytest.raises(ConfigError, match="must send `email`"):
        make_job("klaviyo", "http://127.0.0.1:9", {"first_name": "first_name"})
