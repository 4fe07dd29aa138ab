"""Generic webhook destination.

Request: ``POST {url}`` with ``Authorization: Bearer <token>``, ``Idempotency-Key: <batch key>`` (the same key
when a batch is retried or re-sent after a crash, so the receiver applies it once) and the body ``{"audience",
"operation", "rows": [{"key", "fields"}]}`` (at most 1,000 rows). Response: ``{"results": [{"key", "status":
"ok" | "rejected", "reason"}]}``; a row left out counts as ok."""

from __future__ import annotations

import json
from typing import ClassVar

from cdp.destinations.base import BatchOutcome, Destination, Row
from cdp.sync.http import JsonClient


class Webhook(Destination):
    type = "webhook"
    max_batch_size = 1000
    operations: ClassVar[tuple[str, ...]] = ("upsert", "update", "insert", "remove")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        headers = {"Authorization": f"Bearer {self.spec.token()}"} if self.spec.token_env else {}
        self.client = JsonClient(self.spec.url, headers, timeout=self.spec.timeout_seconds)

    def body(self, operation: str, rows: list[Row]) -> dict:
        return {
            "audience": self.audience,
            "operation": operation,
            "rows": [{"key": row.key, "fields": row.fields} for row in rows],
        }

    def send(self, operation: str, rows: list[Row], idempotency_key: str) -> BatchOutcome:
        # The body is assembled from the JSON the warehouse built per row: nothing is parsed or re-encoded.
        head = json.dumps({"audience": self.audience, "operation": operation})[:-1]
        items = ",".join(f'{{"key":{json.dumps(row.key)},"fields":{row.fields_json}}}' for row in rows)
        raw = f'{head},"rows":[{items}]}}'.encode()
        response = self.client.request("POST", "", raw=raw, headers={"Idempotency-Key": idempotency_key})
        results = (response.body or {}).get("results", [])
        return BatchOutcome(
            rejected={
                r["key"]: r.get("reason") or "rejected" for r in results if r.get("status") == "rejected"
            }
        )

    def preview(self, operation: str, rows: list[Row]) -> dict:
        return self.body(operation, rows)

    def close(self) -> None:
        self.client.close()
