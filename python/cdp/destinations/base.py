"""The one small interface every destination implements, and the outcome types the sync engine understands.

A destination receives batches of rows (``Row``: the customer id and the mapped fields) for one operation and
answers with the rows it refused and why (``BatchOutcome``). Throttling, server errors and timeouts raise
``RetryableError`` (the engine backs off and retries the same batch with the same idempotency key); a batch
the vendor refuses as a whole raises ``BatchRejected`` (every row is rejected with its reason)."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar

from cdp.activation.spec import DestinationSpec, SyncSpec
from cdp.warehouse import project_var

# upsert: create or update; update: update existing records only; insert: create only; remove: take out of the
# destination (delete, archive or remove from the list, as the vendor does it).
OPERATIONS = ("upsert", "update", "insert", "remove")


class Row:
    """One record to send: its key (the customer id), the fields mapped for this destination, and the id the
    destination gave it when it was last synced (needed by vendors that delete by their own id).

    The engine hands the fields over as the JSON text the warehouse built; ``fields`` parses it on first use
    and ``fields_json`` gives it back untouched, so a destination that posts JSON as is never parses it."""

    __slots__ = ("_fields", "_json", "destination_id", "key")

    def __init__(self, key: str, fields: dict[str, Any] | str | None, destination_id: str | None = None):
        self.key = key
        self._json = fields if isinstance(fields, str) else None
        self._fields = fields if isinstance(fields, dict) else ({} if fields is None else None)
        self.destination_id = destination_id

    @property
    def fields(self) -> dict[str, Any]:
        if self._fields is None:
            self._fields = json.loads(self._json)
        return self._fields

    @property
    def fields_json(self) -> str:
        if self._json is None:
            self._json = json.dumps(self._fields, separators=(",", ":"), ensure_ascii=False, default=str)
        return self._json

    def __repr__(self) -> str:
        return f"Row({self.key!r}, {self.fields_json})"


@dataclass
class BatchOutcome:
    """What the destination did with a batch: the rows it refused (key -> reason; every other row succeeded)
    and the destination's own ids of the rows it created or updated (key -> id), when it returns them."""

    rejected: dict[str, str] = field(default_factory=dict)
    destination_ids: dict[str, str] = field(default_factory=dict)


class RetryableError(Exception):
    """A throttle (429), a server error (5xx), a timeout or a dropped connection: try the batch again later,
    after ``retry_after`` seconds when the vendor said so."""

    def __init__(
        self,
        message: str,
        retry_after: float | None = None,
        status: int | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(message)
        self.retry_after = retry_after
        self.status = status
        # The answer's headers (lower-case names), for vendors that say when to retry elsewhere (Braze).
        self.headers = headers or {}


class BatchRejected(Exception):
    """The vendor refused the whole batch (a 4xx that is not a throttle): every row is rejected with this
    reason."""


class ConfigError(ValueError):
    """A sync whose field mapping or options this destination cannot use."""


class Destination(ABC):
    """A vendor API. Subclasses declare their type (= folder name), the vendor's batch limit, its default
    request rate, the consent channel a person must have granted to be sent there, and the operations they
    support."""

    type: ClassVar[str]
    max_batch_size: ClassVar[int]
    default_rate_limit_per_second: ClassVar[float | None] = None
    consent_channel: ClassVar[str | None] = None
    operations: ClassVar[tuple[str, ...]] = ("upsert", "remove")
    # The mapped fields the vendor identifies a person by (an e-mail, a phone). When a change alters one, the
    # engine removes the record with the old values before sending the new ones; empty for destinations keyed
    # on the customer id, where the new values simply replace the old.
    match_fields: ClassVar[tuple[str, ...]] = ()

    def __init__(self, spec: DestinationSpec, sync: SyncSpec, audience: str):
        self.spec = spec
        self.sync = sync
        self.audience = audience
        self.batch_size = min(spec.batch_size or self.max_batch_size, self.max_batch_size)
        self.rate_limit = spec.rate_limit_per_second or self.default_rate_limit_per_second
        channel = spec.options.get("consent_channel", self.consent_channel)
        if channel and channel not in (channels := project_var("cdp__consent_channels")):
            raise ConfigError(
                f"destination {spec.name}: consent_channel {channel!r} is none of "
                f"var('cdp__consent_channels') {channels}"
            )
        self.channel: str | None = channel or None
        self.check_fields(sync.fields)

    def check_fields(self, fields: dict[str, str]) -> None:  # noqa: B027 - optional hook, default: any mapping
        """Raise ConfigError when the mapping lacks what the vendor needs (e.g. an e-mail to match on)."""

    @abstractmethod
    def send(self, operation: str, rows: list[Row], idempotency_key: str) -> BatchOutcome:
        """Send one batch (at most ``batch_size`` rows) for one operation."""

    def preview(self, operation: str, rows: list[Row]) -> Any:
        """What ``send`` would put on the wire for these rows (dry runs print it)."""
        return [row.fields for row in rows]

    def close(self) -> None:  # noqa: B027 - optional hook, default: nothing to release
        """Release connections or files at the end of a run."""
