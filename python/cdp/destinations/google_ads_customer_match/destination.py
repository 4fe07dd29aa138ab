"""Google Ads Customer Match: one customer list kept in step through OfflineUserDataJobService (REST form of
the Google Ads API; the version is part of the URL, e.g. ``https://googleads.googleapis.com/v21``).

- Each batch is one job: ``POST /customers/{cid}/offlineUserDataJobs:create`` with ``{"job": {"type":
  "CUSTOMER_MATCH_USER_LIST", "externalId", "customerMatchUserListMetadata": {"userList":
  "customers/{cid}/userLists/{list}", "consent"}}}`` (answer: ``resourceName``), then ``POST
  /{resourceName}:addOperations`` with ``{"operations": [{"create" | "remove": {"userIdentifiers": [...]}}],
  "enablePartialFailure": true}``, then ``POST /{resourceName}:run`` (Google processes the job
  asynchronously). Upserts are ``create`` operations and removals ``remove`` ones; a job never mixes them
  (CONFLICTING_OPERATION). Create jobs declare ``adUserData`` and ``adPersonalization`` consent GRANTED: the
  engine only sends people who granted the ads_personalisation channel.
- One operation per person, its identifiers in order: ``hashedEmail``, ``hashedPhoneNumber``, ``addressInfo``
  (``hashedFirstName``, ``hashedLastName``, ``countryCode``, ``postalCode``: all four or none). Hashes are the
  lower-case hex SHA-256 of the e-mail trimmed and lower-cased (no Gmail dot removal), the phone in E.164 with
  its '+', and the first and last name trimmed and lower-cased; the country (ISO 3166-1 alpha-2, upper case)
  and postal code (trimmed) go in clear. A row with neither e-mail nor phone is rejected before sending.
- Limits: 100,000 identifiers per addOperations request and 20 per person. A batch (at most 10,000 rows, at
  most 3 identifiers each) is a single request.
- Idempotency: the job's ``externalId`` is derived from the batch's idempotency key. A retry in this process
  picks the job up where it stopped; after a restart, creating it again answers
  EXTERNAL_UPDATE_ID_ALREADY_EXISTS and the job is looked up with ``POST /customers/{cid}/googleAds:search``:
  still PENDING, its operations are added (again: adding a member twice is harmless) and it is run; already
  run, nothing is left to do. A run whose answer was lost is checked the same way before it is repeated.
- Throttling: HTTP 429 ``{"error": {"status": "RESOURCE_EXHAUSTED", "details": [GoogleAdsFailure]}}`` whose
  ``errors[].details.quotaErrorDetails.retryDelay`` (e.g. ``"30s"``) is honoured as a Retry-After.
- Errors: a refused request is a 4xx ``{"error": {code, message, status, details: [{"errors": [{errorCode,
  message, location}]}]}}`` (every row rejected); refused operations come back as ``partialFailureError`` of
  the same shape, ``location.fieldPathElements[0].index`` naming the operation, and only those rows are
  rejected, with Google's error code and message.
- Headers: ``Authorization: Bearer <OAuth access token>`` (token_env), ``developer-token`` (from the variable
  ``options.developer_token_env`` names, default GOOGLE_ADS_DEVELOPER_TOKEN) and, when the list is reached
  through a manager account, ``login-customer-id`` (``options.login_customer_id``). Options ``customer_id``
  (dashes allowed) and ``user_list_id`` name the list; the mapping's keys are ``email``, ``phone``,
  ``first_name``, ``last_name``, ``country_code``, ``postal_code``."""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from typing import Any, ClassVar

from cdp.destinations import hashing
from cdp.destinations.base import BatchOutcome, BatchRejected, ConfigError, Destination, RetryableError, Row
from cdp.sync.http import JsonClient

KEYS = ("email", "phone", "first_name", "last_name", "country_code", "postal_code")
ADDRESS = ("first_name", "last_name", "country_code", "postal_code")
DEFAULT_DEVELOPER_TOKEN_ENV = "GOOGLE_ADS_DEVELOPER_TOKEN"


def _name(value: object) -> str:
    """Google's rule for first and last names: trimmed and lower-cased."""
    return str(value or "").strip().lower()


def user_identifiers(fields: dict[str, Any]) -> list[dict]:
    """The identifiers of one person, normalised and hashed as Google asks; missing ones are left out."""
    out: list[dict] = []
    email = hashing.email(fields.get("email"))
    if email:
        out.append({"hashedEmail": hashing.sha256_hex(email)})
    phone = hashing.phone_e164(fields.get("phone"))
    if phone:
        out.append({"hashedPhoneNumber": hashing.sha256_hex(phone)})
    first, last = _name(fields.get("first_name")), _name(fields.get("last_name"))
    country = str(fields.get("country_code") or "").strip().upper()
    postal = str(fields.get("postal_code") or "").strip()
    if first and last and country and postal:
        address = {
            "hashedFirstName": hashing.sha256_hex(first),
            "hashedLastName": hashing.sha256_hex(last),
            "countryCode": country,
            "postalCode": postal,
        }
        out.append({"addressInfo": address})
    return out


def external_id(idempotency_key: str) -> int:
    """The job's externalId: 60 bits of the batch key's SHA-256 (a positive int64 for any key)."""
    return int(hashlib.sha256(idempotency_key.encode()).hexdigest()[:15], 16)


def _failures(status: Any) -> list[dict]:
    """The GoogleAdsFailure errors inside a google.rpc.Status (an ``error`` or a ``partialFailureError``)."""
    if not isinstance(status, dict):
        return []
    return [e for d in status.get("details") or [] if isinstance(d, dict) for e in d.get("errors") or []]


def _code(error: dict) -> str:
    values = list((error.get("errorCode") or {}).values())
    return str(values[0]) if values else "UNKNOWN"


def _retry_delay(status: Any) -> float | None:
    for error in _failures(status):
        delay = ((error.get("details") or {}).get("quotaErrorDetails") or {}).get("retryDelay")
        if delay:
            try:
                return max(0.0, float(str(delay).removesuffix("s")))
            except ValueError:
                continue
    return None


def failed_operations(partial_failure: Any) -> dict[int, str]:
    """Operation index -> Google's reason, from a ``partialFailureError``."""
    out: dict[int, str] = {}
    for error in _failures(partial_failure):
        elements = (error.get("location") or {}).get("fieldPathElements") or []
        if elements and elements[0].get("fieldName") == "operations" and "index" in elements[0]:
            reason = f"google_ads {_code(error)}: {error.get('message', '')}".strip()
            out.setdefault(int(elements[0]["index"]), reason)
    return out


@dataclass
class _Job:
    """How far one batch's job got in this process (its resource name, whether operations went in, and
    whether a run was tried), so a retry carries on instead of starting another job."""

    resource: str | None = None
    status: str = "PENDING"
    rejected: dict[str, str] | None = None
    accepted: int = 0
    run_tried: bool = False


class GoogleAdsCustomerMatch(Destination):
    type = "google_ads_customer_match"
    max_batch_size = 10_000
    default_rate_limit_per_second = 5.0
    consent_channel = "ads_personalisation"
    match_fields: ClassVar[tuple[str, ...]] = ("email", "phone")
    operations: ClassVar[tuple[str, ...]] = ("upsert", "remove")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        options = self.spec.options
        self.customer_id = str(options.get("customer_id", "")).replace("-", "")
        list_id = str(options.get("user_list_id", ""))
        if not self.customer_id.isdigit() or not list_id.isdigit():
            raise ConfigError(
                "google_ads_customer_match: options.customer_id and options.user_list_id must be numbers"
            )
        self.user_list = f"customers/{self.customer_id}/userLists/{list_id}"
        developer_token_env = str(options.get("developer_token_env") or DEFAULT_DEVELOPER_TOKEN_ENV)
        headers = {
            "Authorization": f"Bearer {self.spec.token()}",
            "developer-token": os.environ.get(developer_token_env, ""),
        }
        login = str(options.get("login_customer_id", "")).replace("-", "")
        if login:
            headers["login-customer-id"] = login
        self.client = JsonClient(
            self.spec.url, headers, timeout=self.spec.timeout_seconds, retryable=self._keep_error
        )
        self._local = threading.local()
        self._jobs: dict[str, _Job] = {}
        self._lock = threading.Lock()

    def check_fields(self, fields: dict[str, str]) -> None:
        unknown = sorted(set(fields) - set(KEYS))
        if unknown:
            raise ConfigError(f"google_ads_customer_match: unknown keys {unknown}; use {list(KEYS)}")
        if not {"email", "phone"} & set(fields):
            raise ConfigError(
                "google_ads_customer_match: map email or phone (Customer Match matches on them)"
            )
        address = [key for key in ADDRESS if key in fields]
        if address and len(address) != len(ADDRESS):
            raise ConfigError(
                f"google_ads_customer_match: an address needs all of {list(ADDRESS)} (mapped: {address})"
            )

    # --- HTTP ---------------------------------------------------------------------------------------------
    def _keep_error(self, status: int, body: Any) -> bool:
        """JsonClient's hook, called with every error answer: keep its body (per thread) for the error code
        and a throttle's retryDelay. No other status becomes retryable."""
        self._local.error = body.get("error") if isinstance(body, dict) else None
        return False

    def _error_codes(self) -> set[str]:
        return {_code(error) for error in _failures(getattr(self._local, "error", None))}

    def _post(self, path: str, body: dict) -> dict:
        self._local.error = None
        try:
            return self.client.request("POST", path, body).body or {}
        except RetryableError as error:
            delay = _retry_delay(getattr(self._local, "error", None))
            if error.retry_after is None and delay is not None:
                raise RetryableError(str(error), retry_after=delay, status=error.status) from error
            raise

    # --- jobs ---------------------------------------------------------------------------------------------
    def _lookup(self, idempotency_key: str) -> tuple[str, str] | None:
        """(resource name, status) of the job created for this batch, if there is one."""
        query = (
            "SELECT offline_user_data_job.resource_name, offline_user_data_job.status "
            "FROM offline_user_data_job "
            f"WHERE offline_user_data_job.external_id = {external_id(idempotency_key)}"
        )
        answer = self._post(f"/customers/{self.customer_id}/googleAds:search", {"query": query})
        for result in answer.get("results") or []:
            job = result.get("offlineUserDataJob") or {}
            if job.get("resourceName"):
                return job["resourceName"], str(job.get("status", "UNKNOWN"))
        return None

    def _create(self, kind: str, idempotency_key: str) -> tuple[str, str]:
        metadata: dict[str, Any] = {"userList": self.user_list}
        if kind == "create":
            metadata["consent"] = {"adUserData": "GRANTED", "adPersonalization": "GRANTED"}
        job = {
            "type": "CUSTOMER_MATCH_USER_LIST",
            "externalId": str(external_id(idempotency_key)),
            "customerMatchUserListMetadata": metadata,
        }
        try:
            answer = self._post(f"/customers/{self.customer_id}/offlineUserDataJobs:create", {"job": job})
        except BatchRejected:
            # An earlier attempt (or process) created it and its answer was lost: carry on with that job.
            if "EXTERNAL_UPDATE_ID_ALREADY_EXISTS" in self._error_codes():
                found = self._lookup(idempotency_key)
                if found is not None:
                    return found
            raise
        return str(answer["resourceName"]), "PENDING"

    def _advance(self, job: _Job, kind: str, operations: list[dict], rows: list[Row], key: str) -> None:
        if job.resource is None:
            job.resource, job.status = self._create(kind, key)
        if job.status == "FAILED":
            raise BatchRejected(f"google_ads: job {job.resource} failed")
        if job.status != "PENDING":
            return  # run by an earlier attempt
        if job.rejected is None:
            answer = self._post(
                f"/{job.resource}:addOperations", {"operations": operations, "enablePartialFailure": True}
            )
            failed = failed_operations(answer.get("partialFailureError"))
            job.rejected = {rows[i].key: reason for i, reason in failed.items() if 0 <= i < len(rows)}
            job.accepted = len(operations) - len(job.rejected)
        if job.accepted == 0:
            return  # nothing to run; the empty job stays PENDING and lapses
        if job.run_tried:  # the last run may have reached Google before its answer was lost
            found = self._lookup(key)
            job.status = found[1] if found else "PENDING"
            if job.status != "PENDING":
                return
        job.run_tried = True
        self._post(f"/{job.resource}:run", {})
        job.status = "RUNNING"

    # --- Destination --------------------------------------------------------------------------------------
    def _operations(self, operation: str, rows: list[Row]) -> tuple[list[dict], list[Row], dict[str, str]]:
        """(operations, their rows, rows rejected before sending)."""
        kind = "remove" if operation == "remove" else "create"
        operations, sent, rejected = [], [], {}
        for row in rows:
            identifiers = user_identifiers(row.fields)
            if not any("hashedEmail" in i or "hashedPhoneNumber" in i for i in identifiers):
                # A removal without them was never accepted, so there is nothing to take out.
                if operation != "remove":
                    rejected[row.key] = "google_ads: neither e-mail nor phone to match on"
                continue
            operations.append({kind: {"userIdentifiers": identifiers}})
            sent.append(row)
        return operations, sent, rejected

    def preview(self, operation: str, rows: list[Row]) -> dict:
        return {"operations": self._operations(operation, rows)[0], "enablePartialFailure": True}

    def send(self, operation: str, rows: list[Row], idempotency_key: str) -> BatchOutcome:
        operations, sent, rejected = self._operations(operation, rows)
        outcome = BatchOutcome(rejected=rejected)
        if not operations:
            return outcome
        kind = "remove" if operation == "remove" else "create"
        with self._lock:
            job = self._jobs.setdefault(idempotency_key, _Job())
        try:
            self._advance(job, kind, operations, sent, idempotency_key)
        except BatchRejected:
            with self._lock:
                self._jobs.pop(idempotency_key, None)
            raise
        with self._lock:
            self._jobs.pop(idempotency_key, None)
        outcome.rejected.update(job.rejected or {})
        return outcome

    def close(self) -> None:
        self.client.close()
        with self._lock:
            self._jobs.clear()
