"""Meta (Facebook) Custom Audiences, customer-file audiences of the Marketing API.

- The audience is found by name (``cdp_<audience>``) under the ad account (``options.ad_account_id``) or
  created (``POST /act_<id>/customaudiences``, subtype CUSTOM, customer_file_source USER_PROVIDED_ONLY).
- upsert: ``POST /<audience id>/users``; remove: ``DELETE /<audience id>/users``; body ``{"payload":
  {"schema": [...], "data": [[...], ...]}, "session": {...}}``, at most 10,000 rows per request.
- Keys (the field names of the mapping): EMAIL, PHONE, FN, LN, CT, ZIP, COUNTRY; each value normalised as Meta
  asks (cdp.destinations.hashing) and SHA-256 hashed; a missing value is sent as "". A row with neither e-mail
  nor phone cannot be matched and is rejected before sending.
- Throttling comes as HTTP 400 with error code 4, 17, 32, 613 or 80003: retried like a 429.
- The answer counts invalid entries and gives samples; rows holding a sampled invalid hash are rejected."""

from __future__ import annotations

import threading
from typing import Any, ClassVar

from cdp.destinations import hashing
from cdp.destinations.base import BatchOutcome, ConfigError, Destination, Row
from cdp.sync.http import JsonClient

NORMALISERS = {
    "EMAIL": hashing.email,
    "PHONE": hashing.phone_digits,
    "FN": hashing.name,
    "LN": hashing.name,
    "CT": hashing.name,
    "ZIP": hashing.postcode,
    "COUNTRY": hashing.country,
}
THROTTLE_CODES = {4, 17, 32, 613, 80003, 80004}


def _throttled(status: int, body: Any) -> bool:
    error = body.get("error", {}) if isinstance(body, dict) else {}
    return status == 400 and error.get("code") in THROTTLE_CODES


class MetaCustomAudiences(Destination):
    type = "meta_custom_audiences"
    max_batch_size = 10_000
    default_rate_limit_per_second = 5.0
    consent_channel = "ads_personalisation"
    match_fields: ClassVar[tuple[str, ...]] = ("EMAIL", "PHONE")
    operations: ClassVar[tuple[str, ...]] = ("upsert", "remove")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = str(self.spec.options.get("ad_account_id", ""))
        if not self.account.startswith("act_"):
            raise ConfigError("meta_custom_audiences: options.ad_account_id must look like act_<number>")
        self.client = JsonClient(self.spec.url, timeout=self.spec.timeout_seconds, retryable=_throttled)
        self.params = {"access_token": self.spec.token()}
        self.schema = list(self.sync.fields)
        self._audience_id: str | None = None
        self._lock = threading.Lock()

    def check_fields(self, fields: dict[str, str]) -> None:
        unknown = sorted(set(fields) - set(NORMALISERS))
        if unknown:
            raise ConfigError(f"meta_custom_audiences: unknown keys {unknown}; use {sorted(NORMALISERS)}")
        if not {"EMAIL", "PHONE"} & set(fields):
            raise ConfigError("meta_custom_audiences: map EMAIL or PHONE (Meta matches on them)")

    def audience_id(self) -> str:
        with self._lock:
            if self._audience_id is None:
                name = f"cdp_{self.audience}"
                listed = self.client.request(
                    "GET", f"/{self.account}/customaudiences", params={**self.params, "fields": "id,name"}
                ).body
                found = [a["id"] for a in listed.get("data", []) if a.get("name") == name]
                if found:
                    self._audience_id = found[0]
                else:
                    created = self.client.request(
                        "POST",
                        f"/{self.account}/customaudiences",
                        {
                            "name": name,
                            "subtype": "CUSTOM",
                            "customer_file_source": "USER_PROVIDED_ONLY",
                            "description": f"Synced by the CDP from audience {self.audience}",
                        },
                        params=self.params,
                    ).body
                    self._audience_id = str(created["id"])
            return self._audience_id

    def hashed(self, row: Row) -> list[str]:
        return [hashing.sha256_hex(NORMALISERS[key](row.fields.get(key))) for key in self.schema]

    def body(self, rows: list[Row], idempotency_key: str) -> dict:
        return {
            "payload": {"schema": self.schema, "data": [self.hashed(row) for row in rows]},
            "session": {
                "session_id": int(idempotency_key[:12], 16),
                "batch_seq": 1,
                "last_batch_flag": True,
                "estimated_num_total": len(rows),
            },
        }

    def preview(self, operation: str, rows: list[Row]) -> dict:
        return self.body(rows, "0" * 12)

    def send(self, operation: str, rows: list[Row], idempotency_key: str) -> BatchOutcome:
        outcome = BatchOutcome()
        matchable = []
        for row in rows:
            if any(row.fields.get(key) for key in ("EMAIL", "PHONE")):
                matchable.append(row)
            else:
                outcome.rejected[row.key] = "meta: neither e-mail nor phone to match on"
        if not matchable:
            return outcome
        method = "DELETE" if operation == "remove" else "POST"
        body = self.body(matchable, idempotency_key)
        answer = (
            self.client.request(method, f"/{self.audience_id()}/users", body, params=self.params).body or {}
        )
        samples = answer.get("invalid_entry_samples") or {}
        if samples:
            for row, hashes in zip(matchable, body["payload"]["data"], strict=True):
                bad = [samples[h] for h in hashes if h in samples]
                if bad:
                    outcome.rejected[row.key] = f"meta: invalid entry: {bad[0]}"
        return outcome

    def close(self) -> None:
        self.client.close()
