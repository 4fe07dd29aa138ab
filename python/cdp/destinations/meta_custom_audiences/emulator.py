"""Meta Marketing API emulator for customer-file Custom Audiences: list / create audiences under an ad
account, add (POST) and remove (DELETE) hashed users on ``/<audience id>/users``. It checks ``access_token``,
at most 10,000 rows per request, the schema keys, that every value is a 64-character lower-case hex SHA-256 or
empty, and answers like Meta (``audience_id, session_id, num_received, num_invalid_entries,
invalid_entry_samples``). Throttling is Meta's: HTTP 400 with error code 613 (here after ``rate_limit`` calls
in its window)."""

from __future__ import annotations

import itertools
import re

from cdp.destinations.emulator import Reply, Request, VendorApp

HEX64 = re.compile(r"^[0-9a-f]{64}$")
KEYS = {"EMAIL", "PHONE", "FN", "LN", "CT", "ST", "ZIP", "COUNTRY", "DOBY", "GEN", "EXTERN_ID", "MADID"}


class MetaApp(VendorApp):
    name = "meta"
    # A generous per-call pace: the real quota is counted per ad account and hour (190,000+ on Standard tier).
    rate_limit = (200, 1.0)
    max_rows = 10_000

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.audiences: dict[str, dict] = {}
        self.ids = itertools.count(23800000000001)
        self.route("GET", r"/(act_\d+)/customaudiences", self.list_audiences)
        self.route("POST", r"/(act_\d+)/customaudiences", self.create_audience)
        self.route("POST", r"/(\d+)/users", lambda r: self.users(r, add=True))
        self.route("DELETE", r"/(\d+)/users", lambda r: self.users(r, add=False))

    def authorized(self, headers: dict[str, str]) -> bool:
        return True  # checked per request: Meta takes the token as the access_token parameter

    @staticmethod
    def _error(code: int, message: str, status: int = 400) -> Reply:
        return Reply(status, {"error": {"message": message, "type": "OAuthException", "code": code}})

    def throttled_reply(self, retry_after: float) -> Reply:
        return self._error(613, "Calls to this api have exceeded the rate limit.")

    def _token_ok(self, request: Request) -> bool:
        return self.token is None or request.query.get("access_token", [""])[0] == self.token

    def list_audiences(self, request: Request) -> Reply:
        if not self._token_ok(request):
            return self._error(190, "Invalid OAuth access token.")
        account = request.match.group(1)
        with self.lock:
            data = [
                {"id": i, "name": a["name"]} for i, a in self.audiences.items() if a["account"] == account
            ]
        return Reply(200, {"data": data})

    def create_audience(self, request: Request) -> Reply:
        if not self._token_ok(request):
            return self._error(190, "Invalid OAuth access token.")
        body = request.body or {}
        if body.get("subtype") != "CUSTOM" or not body.get("name"):
            return self._error(100, "Invalid parameter: name and subtype CUSTOM are required")
        with self.lock:
            audience_id = str(next(self.ids))
            self.audiences[audience_id] = {
                "name": body["name"],
                "account": request.match.group(1),
                "users": set(),
            }
        return Reply(200, {"id": audience_id})

    def users(self, request: Request, add: bool) -> Reply:
        if not self._token_ok(request):
            return self._error(190, "Invalid OAuth access token.")
        audience = self.audiences.get(request.match.group(1))
        if audience is None:
            return self._error(100, "Unsupported post request. Object does not exist", 400)
        body = request.body or {}
        payload, session = body.get("payload") or {}, body.get("session") or {}
        schema, data = payload.get("schema"), payload.get("data")
        if not isinstance(schema, list) or not set(schema) <= KEYS or not isinstance(data, list):
            return self._error(100, "Invalid parameter: payload needs a schema of known keys and data rows")
        if len(data) > self.max_rows:
            return self._error(100, f"Too many users: at most {self.max_rows} per request")
        invalid: dict[str, str] = {}
        received = 0
        with self.lock:
            for row in data:
                if not isinstance(row, list) or len(row) != len(schema):
                    invalid[str(row)[:64]] = "row length does not match the schema"
                    continue
                bad = [
                    value
                    for key, value in zip(schema, row, strict=True)
                    if key not in ("EXTERN_ID", "MADID") and value and not HEX64.match(str(value))
                ]
                if bad:
                    invalid[str(bad[0])] = "not a SHA-256 hash of a normalised value"
                    continue
                received += 1
                # Meta matches a person on any identifier; the emulator keys them on the e-mail or phone hash.
                identity = next(
                    ((k, v) for k, v in zip(schema, row, strict=True) if k in ("EMAIL", "PHONE") and v),
                    tuple(row),
                )
                if add:
                    audience["users"].add(identity)
                else:
                    audience["users"].discard(identity)
        return Reply(
            200,
            {
                "audience_id": request.match.group(1),
                "session_id": session.get("session_id"),
                "num_received": received,
                "num_invalid_entries": len(data) - received,
                "invalid_entry_samples": dict(list(invalid.items())[:10]),
            },
        )

    def state(self) -> dict:
        return {**super().state(), "audiences": {a["name"]: len(a["users"]) for a in self.audiences.values()}}
