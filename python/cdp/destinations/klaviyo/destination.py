"""Klaviyo profiles (REST API, revision 2025-01-15), matched on e-mail.

- Every request carries ``Authorization: Klaviyo-API-Key <private key>`` and the required ``revision``
  header; bodies are JSON:API (``application/vnd.api+json``).
- upsert: ``POST /api/profile-bulk-import-jobs`` with ``{"data": {"type": "profile-bulk-import-job",
  "attributes": {"profiles": {"data": [{"type": "profile", "attributes": {"email", "first_name", ...,
  "properties": {...}}}]}}}}``: at most 10,000 profiles and 5 MB per request (a batch over 5 MB is split into
  several jobs). The job is asynchronous (202 with its id): ``GET /api/profile-bulk-import-jobs/{id}`` is
  polled (``options.poll_interval_seconds``, doubling up to 10 s) until ``complete`` or
  ``options.job_timeout_seconds`` pass (then the batch is retried later and resumes polling the same job,
  keyed by its idempotency key, rather than importing again). When ``failed_count`` > 0, the pages of
  ``GET .../{id}/import-errors`` (``{code, title, detail, source.pointer, original_payload}``) are read and
  each error rejects the row whose e-mail (or position, from the pointer) it names.
- remove: Klaviyo has no bulk delete of profiles, so removed people are suppressed (``POST
  /api/profile-suppression-bulk-create-jobs``, at most 100 e-mails per request): they can no longer be sent
  e-mail marketing, account-wide (in mirror mode, leavers too). An import does not lift a suppression, so
  after its import an upsert unsuppresses the rows new to this sync (no destination id: never sent, or
  removed since) with ``POST /api/profile-suppression-bulk-delete-jobs`` (100 e-mails per request). Klaviyo
  lifts only manual (``USER_SUPPRESSED``) suppressions that way: people who unsubscribed or bounced stay
  suppressed, but a manual suppression made in Klaviyo is lifted when the person enters the sync again.
  Rows already synced are not unsuppressed (a removal deletes their state, so they carry none of ours).
  Suppression jobs are not polled: a removal and a re-add of the same address in one run (an identity
  merge) rely on Klaviyo running the two jobs in the order they were created.
- The destination id of an imported row is the id of the import job that wrote it.
- Rate limits are per account and endpoint, fixed windows: import and job reads 10/s burst and 150/min
  steady, (un)suppression 75/s and 700/min. Imports are paced at 2.4 per second, job reads (shared by all
  workers) at 2.4 per second, suppressions and unsuppressions at 11 per second each. A throttle is a 429
  with Retry-After (seconds).
- Mapping: ``email`` (required) and Klaviyo's other standard attributes (``phone_number``, ``external_id``,
  ``first_name``, ``last_name``, ``organization``, ``title``, ``image``) are sent as attributes; every other
  key is a custom property. A NULL is sent as null (clears the value)."""

from __future__ import annotations

import json
import re
import threading
import time
from typing import ClassVar
from urllib.parse import parse_qsl, urlsplit

from cdp.destinations.base import BatchOutcome, BatchRejected, ConfigError, Destination, RetryableError, Row
from cdp.sync.http import JsonClient
from cdp.sync.ratelimit import RateLimiter

REVISION = "2025-01-15"
IMPORTS = "/api/profile-bulk-import-jobs"
SUPPRESSIONS = "/api/profile-suppression-bulk-create-jobs"
UNSUPPRESSIONS = "/api/profile-suppression-bulk-delete-jobs"
STANDARD = (
    "email",
    "phone_number",
    "external_id",
    "first_name",
    "last_name",
    "organization",
    "title",
    "image",
)
MAX_BODY_BYTES = 5 * 1024 * 1024
MAX_SUPPRESSIONS = 100
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
POINTER = re.compile(r"^/data/attributes/profiles/data/(\d+)")
_HEAD = b'{"data":{"type":"profile-bulk-import-job","attributes":{"profiles":{"data":['
_TAIL = b"]}}}}"


def _dumps(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)


class Klaviyo(Destination):
    type = "klaviyo"
    max_batch_size = 10_000
    default_rate_limit_per_second = 2.4
    consent_channel = "email"
    match_fields: ClassVar[tuple[str, ...]] = ("email",)
    operations: ClassVar[tuple[str, ...]] = ("upsert", "remove")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        options = self.spec.options
        self.poll_interval = float(options.get("poll_interval_seconds", 0.5))
        self.job_timeout = float(options.get("job_timeout_seconds", 300))
        self.client = JsonClient(
            self.spec.url,
            {
                "Authorization": f"Klaviyo-API-Key {self.spec.token()}",
                "revision": REVISION,
                "Content-Type": "application/vnd.api+json",
                "Accept": "application/vnd.api+json",
            },
            timeout=self.spec.timeout_seconds,
        )
        self.reads = RateLimiter(2.4)
        self.suppressions = {SUPPRESSIONS: RateLimiter(11.0), UNSUPPRESSIONS: RateLimiter(11.0)}
        # What a retried batch resumes from (key -> job id per chunk, (un)suppression requests done).
        self._jobs: dict[str, list[str | None]] = {}
        self._done: dict[str, int] = {}
        self._lock = threading.Lock()

    def check_fields(self, fields: dict[str, str]) -> None:
        if "email" not in fields:
            raise ConfigError("klaviyo: the field mapping must send `email` (profiles are matched on it)")

    # --- request bodies
    @staticmethod
    def profile(row: Row) -> dict:
        attributes: dict = {}
        properties: dict = {}
        for name, value in row.fields.items():
            (attributes if name in STANDARD else properties)[name] = value
        attributes["email"] = str(attributes.get("email") or "").strip()
        if properties:
            attributes["properties"] = properties
        return {"type": "profile", "attributes": attributes}

    def chunks(self, rows: list[Row]) -> list[tuple[list[Row], bytes]]:
        """The rows split into import bodies of at most 5 MB each (the same split on every try)."""
        out: list[tuple[list[Row], bytes]] = []
        chunk: list[Row] = []
        parts: list[bytes] = []
        size = len(_HEAD) + len(_TAIL)
        for row in rows:
            encoded = _dumps(self.profile(row)).encode()
            if chunk and size + len(encoded) + 1 > MAX_BODY_BYTES:
                out.append((chunk, _HEAD + b",".join(parts) + _TAIL))
                chunk, parts, size = [], [], len(_HEAD) + len(_TAIL)
            chunk.append(row)
            parts.append(encoded)
            size += len(encoded) + 1
        if chunk:
            out.append((chunk, _HEAD + b",".join(parts) + _TAIL))
        return out

    @staticmethod
    def suppression_body(emails: list[str], kind: str = "create") -> dict:
        return {
            "data": {
                "type": f"profile-suppression-bulk-{kind}-job",
                "attributes": {
                    "profiles": {"data": [{"type": "profile", "attributes": {"email": e}} for e in emails]}
                },
            }
        }

    def preview(self, operation: str, rows: list[Row]) -> dict:
        if operation == "remove":
            return self.suppression_body(
                [self.profile(row)["attributes"]["email"] for row in rows][:MAX_SUPPRESSIONS]
            )
        return json.loads(self.chunks(rows)[0][1]) if rows else {}

    # --- sending
    def send(self, operation: str, rows: list[Row], idempotency_key: str) -> BatchOutcome:
        try:
            if operation == "remove":
                return self._suppress(rows, idempotency_key)
            return self._import(rows, idempotency_key)
        except BatchRejected:
            self._forget(idempotency_key)
            raise

    def _forget(self, key: str) -> None:
        with self._lock:
            self._jobs.pop(key, None)
            self._done.pop(key, None)

    def _suppress(self, rows: list[Row], key: str) -> BatchOutcome:
        self._suppression_requests(SUPPRESSIONS, rows, key)
        self._forget(key)
        return BatchOutcome()

    def _suppression_requests(self, path: str, rows: list[Row], key: str) -> None:
        """Suppress (or unsuppress) the rows' addresses, 100 a request, from where a failed try stopped."""
        # A row without a well-formed address was never imported: there is nothing to (un)suppress.
        emails = [e for e in (self.profile(row)["attributes"]["email"] for row in rows) if EMAIL.match(e)]
        requests = [emails[i : i + MAX_SUPPRESSIONS] for i in range(0, len(emails), MAX_SUPPRESSIONS)]
        kind = "create" if path == SUPPRESSIONS else "delete"
        with self._lock:
            done = self._done.get(key, 0)
        for index in range(done, len(requests)):
            self.suppressions[path].acquire()
            self.client.request("POST", path, self.suppression_body(requests[index], kind))
            with self._lock:
                self._done[key] = index + 1

    def _import(self, rows: list[Row], key: str) -> BatchOutcome:
        outcome = BatchOutcome()
        sendable = []
        for row in rows:
            if self.profile(row)["attributes"]["email"]:
                sendable.append(row)
            else:
                outcome.rejected[row.key] = "klaviyo: no e-mail to match the profile on"
        chunks = self.chunks(sendable)
        with self._lock:
            jobs = self._jobs.setdefault(key, [None] * len(chunks))
        for index, (_, body) in enumerate(chunks):
            if jobs[index] is None:
                answer = self.client.request("POST", IMPORTS, raw=body).body or {}
                jobs[index] = str(answer["data"]["id"])
        deadline = time.monotonic() + self.job_timeout
        for (chunk, _), job_id in zip(chunks, jobs, strict=True):
            outcome.rejected.update(self._await(job_id, chunk, deadline))
            for row in chunk:
                if row.key not in outcome.rejected:
                    outcome.destination_ids[row.key] = job_id
        new = [row for row in sendable if not row.destination_id and row.key not in outcome.rejected]
        self._suppression_requests(UNSUPPRESSIONS, new, key)
        self._forget(key)
        return outcome

    def _get(self, path: str, params: dict[str, str] | None = None) -> dict:
        self.reads.acquire()
        return self.client.request("GET", path, params=params).body or {}

    def _await(self, job_id: str, rows: list[Row], deadline: float) -> dict[str, str]:
        """Poll one import job until it completes; the rows its import errors name, with their reasons."""
        interval = self.poll_interval
        while True:
            attributes = self._get(f"{IMPORTS}/{job_id}").get("data", {}).get("attributes", {})
            status = attributes.get("status")
            if status == "complete":
                break
            if status == "cancelled":
                return {row.key: f"klaviyo: import job {job_id} was cancelled" for row in rows}
            if time.monotonic() + interval > deadline:
                raise RetryableError(
                    f"klaviyo: import job {job_id} still {status} after {self.job_timeout:g} s"
                )
            time.sleep(interval)
            interval = min(interval * 2, 10.0)
        if not attributes.get("failed_count"):
            return {}
        by_email = {self.profile(row)["attributes"]["email"].lower(): row.key for row in rows}
        rejected: dict[str, str] = {}
        path, params = f"{IMPORTS}/{job_id}/import-errors", {"page[size]": "100"}
        while path:
            page = self._get(path, params)
            for error in page.get("data", []):
                attributes = error.get("attributes") or {}
                key = self._row_of(attributes, rows, by_email)
                if key is not None:
                    rejected[key] = (
                        f"klaviyo {attributes.get('code', 'error')}: {attributes.get('detail', '')}"
                    )
            path, params = self._next(page)
        return rejected

    @staticmethod
    def _row_of(error: dict, rows: list[Row], by_email: dict[str, str]) -> str | None:
        payload = error.get("original_payload")
        payload = payload if isinstance(payload, dict) else {}
        email = (payload.get("attributes") if isinstance(payload.get("attributes"), dict) else payload).get(
            "email"
        )
        if email is not None and str(email).strip().lower() in by_email:
            return by_email[str(email).strip().lower()]
        match = POINTER.match(str((error.get("source") or {}).get("pointer") or ""))
        if match and int(match.group(1)) < len(rows):
            return rows[int(match.group(1))].key
        return None

    def _next(self, page: dict) -> tuple[str | None, dict[str, str] | None]:
        """The next page's path (relative to the base URL) and query, from ``links.next``."""
        link = (page.get("links") or {}).get("next")
        if not link:
            return None, None
        parts = urlsplit(link)
        path = parts.path.removeprefix(self.client.prefix) if self.client.prefix else parts.path
        return path, dict(parse_qsl(parts.query))

    def close(self) -> None:
        self.client.close()
