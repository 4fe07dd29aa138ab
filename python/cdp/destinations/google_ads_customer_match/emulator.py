"""Google Ads API emulator for Customer Match over REST: OfflineUserDataJobService (create a job, add
operations, run it) and as much of GoogleAdsService search as finds a job by its externalId. Paths may carry
the API version (``/v21/customers/...``) or not.

It checks the OAuth bearer token and the ``developer-token`` header, a CUSTOMER_MATCH_USER_LIST job on a
list of the customer in the path, a unique externalId per customer (EXTERNAL_UPDATE_ID_ALREADY_EXISTS), at
most 100,000 identifiers per addOperations request (the whole request is refused: TOO_MANY_USER_IDENTIFIERS)
and, per operation: create or remove but not both in one job (CONFLICTING_OPERATION), 1 to 20 identifiers
(MISSING_USER_IDENTIFIER, TOO_MANY_USER_IDENTIFIERS), hashes that are 64 lower-case hex characters
(INVALID_SHA256_FORMAT), a two-letter upper-case country (INVALID_COUNTRY_CODE) and a postal code in an
address. Refused operations come back as ``partialFailureError`` when partial failure is on, else the request
fails whole. Operations go into a job only while it is PENDING (JOB_ALREADY_STARTED); a run applies them at
once (the job ends SUCCESS). Throttling is Google's: HTTP 429 RESOURCE_EXHAUSTED with a quotaErrorDetails
retryDelay, here past ``rate_limit`` requests in its window (Google publishes no per-second quota for this
service). A list member is keyed on its first hashed e-mail (else phone, else address)."""

from __future__ import annotations

import itertools
import re
import uuid

from cdp.destinations.emulator import Reply, Request, VendorApp

HEX64 = re.compile(r"^[0-9a-f]{64}$")
COUNTRY = re.compile(r"^[A-Z]{2}$")
VERSION = r"(?:/v\d+)?"
FAILURE_TYPE = "type.googleapis.com/google.ads.googleads.v21.errors.GoogleAdsFailure"
JOB_ERRORS = {
    "INVALID_USER_LIST_ID": "The user list ID provided for the job is invalid.",
    "EXTERNAL_UPDATE_ID_ALREADY_EXISTS": "The external update ID already exists.",
    "JOB_ALREADY_STARTED": "Once the upload job is started, new operations cannot be added.",
    "TOO_MANY_USER_IDENTIFIERS": "Maximum number of user identifiers allowed per request is 100,000 and per "
    "operation is 20.",
    "MISSING_USER_IDENTIFIER": "The user identifier is missing valid data.",
    "CONFLICTING_OPERATION": "Mixing creation and removal of offline data in the same job is not allowed.",
    "INVALID_SHA256_FORMAT": "The SHA256 encoded value is malformed.",
    "INVALID_COUNTRY_CODE": "The country code is invalid.",
    "INCOMPATIBLE_UPLOAD_KEY_TYPE": "Upload data is not compatible with the upload key type of the "
    "associated user list.",
}
SEARCH_JOB = re.compile(
    r"FROM\s+offline_user_data_job\s+WHERE\s+offline_user_data_job\.external_id\s*=\s*(\d+)", re.IGNORECASE
)


def _path(*elements: tuple[str, int | None]) -> list[dict]:
    return [{"fieldName": name} | ({"index": index} if index is not None else {}) for name, index in elements]


def _job_error(code: str, *path: tuple[str, int | None]) -> dict:
    return {
        "errorCode": {"offlineUserDataJobError": code},
        "message": JOB_ERRORS[code],
        "location": {"fieldPathElements": _path(*path)},
    }


def _failure(errors: list[dict]) -> list[dict]:
    return [{"@type": FAILURE_TYPE, "errors": errors, "requestId": uuid.uuid4().hex[:22]}]


def _status(code: int, status: str, message: str, errors: list[dict]) -> Reply:
    return Reply(
        code, {"error": {"code": code, "message": message, "status": status, "details": _failure(errors)}}
    )


def _invalid(errors: list[dict]) -> Reply:
    return _status(400, "INVALID_ARGUMENT", "Request contains an invalid argument.", errors)


class GoogleAdsApp(VendorApp):
    name = "google_ads"
    rate_limit = (30, 1.0)
    developer_token: str | None = "test-token"
    max_identifiers_per_request = 100_000
    max_identifiers_per_user = 20

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.jobs: dict[str, dict] = {}  # resource name -> {list, status, external_id, kind, operations}
        self.external_ids: dict[tuple[str, str], str] = {}  # (customer, externalId) -> resource name
        self.lists: dict[str, set[tuple]] = {}  # user list resource name -> members
        self.ids = itertools.count(7_000_000_001)
        jobs = rf"{VERSION}/customers/(\d+)/offlineUserDataJobs"
        self.route("POST", rf"{jobs}:create", self.create)
        self.route("POST", rf"{jobs}/(\d+):addOperations", self.add_operations)
        self.route("POST", rf"{jobs}/(\d+):run", self.run)
        self.route("POST", rf"{VERSION}/customers/(\d+)/googleAds:search", self.search)

    # --- vendor answers -----------------------------------------------------------------------------------
    def authorized(self, headers: dict[str, str]) -> bool:
        token_ok = super().authorized(headers)
        return token_ok and (
            self.developer_token is None or headers.get("developer-token") == self.developer_token
        )

    def unauthorized_reply(self) -> Reply:
        error = {
            "errorCode": {"authenticationError": "AUTHENTICATION_ERROR"},
            "message": "Authentication failed: missing or invalid OAuth token or developer token.",
        }
        return _status(
            401, "UNAUTHENTICATED", "Request is missing required authentication credential.", [error]
        )

    def throttled_reply(self, retry_after: float) -> Reply:
        error = {
            "errorCode": {"quotaError": "RESOURCE_TEMPORARILY_EXHAUSTED"},
            "message": "Too many requests in a short amount of time.",
            "details": {
                "quotaErrorDetails": {
                    "rateScope": "DEVELOPER",
                    "rateName": "Requests per developer token",
                    "retryDelay": f"{max(retry_after, 0.0):.3f}s",
                }
            },
        }
        return _status(429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota).", [error])

    def _job(self, request: Request) -> dict | Reply:
        customer, job_id = request.match.group(1), request.match.group(2)
        job = self.jobs.get(f"customers/{customer}/offlineUserDataJobs/{job_id}")
        if job is None:
            error = {"errorCode": {"mutateError": "RESOURCE_NOT_FOUND"}, "message": "Resource was not found."}
            return _status(404, "NOT_FOUND", "Requested entity was not found.", [error])
        return job

    # --- OfflineUserDataJobService ------------------------------------------------------------------------
    def create(self, request: Request) -> Reply:
        customer = request.match.group(1)
        job = (request.body or {}).get("job") or {}
        if job.get("type") != "CUSTOMER_MATCH_USER_LIST":
            return _invalid(
                [
                    {
                        "errorCode": {"requestError": "INVALID_ENUM_VALUE"},
                        "message": "type must be CUSTOMER_MATCH_USER_LIST",
                        "location": {"fieldPathElements": _path(("job", None), ("type", None))},
                    }
                ]
            )
        metadata = job.get("customerMatchUserListMetadata") or {}
        user_list = str(metadata.get("userList", ""))
        if not re.fullmatch(rf"customers/{customer}/userLists/\d+", user_list):
            return _invalid(
                [
                    _job_error(
                        "INVALID_USER_LIST_ID", ("job", None), ("customer_match_user_list_metadata", None)
                    )
                ]
            )
        external = job.get("externalId")
        with self.lock:
            if external is not None and (customer, str(external)) in self.external_ids:
                return _invalid(
                    [_job_error("EXTERNAL_UPDATE_ID_ALREADY_EXISTS", ("job", None), ("external_id", None))]
                )
            resource = f"customers/{customer}/offlineUserDataJobs/{next(self.ids)}"
            self.jobs[resource] = {
                "list": user_list,
                "status": "PENDING",
                "external_id": None if external is None else str(external),
                "consent": metadata.get("consent"),
                "kind": None,
                "operations": [],
            }
            if external is not None:
                self.external_ids[(customer, str(external))] = resource
        return Reply(200, {"resourceName": resource})

    def _check(self, index: int, operation: object, kind: str | None) -> tuple[str, list[dict]] | dict:
        """(kind, identifiers) of a valid operation, else the GoogleAdsError refusing it."""
        kinds = [k for k in ("create", "remove") if isinstance(operation, dict) and k in operation]
        if len(kinds) != 1:
            return {
                "errorCode": {"fieldError": "REQUIRED"},
                "message": "An operation needs exactly one of create or remove.",
                "location": {"fieldPathElements": _path(("operations", index))},
            }
        (this,) = kinds
        if kind is not None and this != kind:
            return _job_error("CONFLICTING_OPERATION", ("operations", index), (this, None))
        identifiers = (operation[this] or {}).get("userIdentifiers") or []
        if not identifiers:
            return _job_error("MISSING_USER_IDENTIFIER", ("operations", index), (this, None))
        if len(identifiers) > self.max_identifiers_per_user:
            return _job_error("TOO_MANY_USER_IDENTIFIERS", ("operations", index), (this, None))
        for position, identifier in enumerate(identifiers):
            where = (("operations", index), (this, None), ("user_identifiers", position))
            if not isinstance(identifier, dict) or len(identifier) != 1:
                return _job_error("MISSING_USER_IDENTIFIER", *where)
            ((key, value),) = identifier.items()
            if key in ("hashedEmail", "hashedPhoneNumber"):
                if not HEX64.match(str(value)):
                    field = "hashed_email" if key == "hashedEmail" else "hashed_phone_number"
                    return _job_error("INVALID_SHA256_FORMAT", *where, (field, None))
            elif key == "addressInfo":
                address = value if isinstance(value, dict) else {}
                for name, field in (
                    ("hashedFirstName", "hashed_first_name"),
                    ("hashedLastName", "hashed_last_name"),
                ):
                    if not HEX64.match(str(address.get(name, ""))):
                        return _job_error(
                            "INVALID_SHA256_FORMAT", *where, ("address_info", None), (field, None)
                        )
                if not COUNTRY.match(str(address.get("countryCode", ""))):
                    return _job_error(
                        "INVALID_COUNTRY_CODE", *where, ("address_info", None), ("country_code", None)
                    )
                if not str(address.get("postalCode", "")).strip():
                    return {
                        "errorCode": {"fieldError": "REQUIRED"},
                        "message": "The required field was not present.",
                        "location": {
                            "fieldPathElements": _path(*where, ("address_info", None), ("postal_code", None))
                        },
                    }
            else:
                return _job_error("INCOMPATIBLE_UPLOAD_KEY_TYPE", *where)
        return this, identifiers

    def add_operations(self, request: Request) -> Reply:
        job = self._job(request)
        if isinstance(job, Reply):
            return job
        body = request.body or {}
        operations = body.get("operations")
        if not isinstance(operations, list) or not operations:
            return _invalid(
                [
                    {
                        "errorCode": {"fieldError": "REQUIRED"},
                        "message": "The required field was not present.",
                        "location": {"fieldPathElements": _path(("operations", None))},
                    }
                ]
            )
        total = sum(
            len((op.get("create") or op.get("remove") or {}).get("userIdentifiers") or [])
            for op in operations
            if isinstance(op, dict)
        )
        if total > self.max_identifiers_per_request:
            return _invalid([_job_error("TOO_MANY_USER_IDENTIFIERS", ("operations", None))])
        with self.lock:
            if job["status"] != "PENDING":
                return _invalid([_job_error("JOB_ALREADY_STARTED", ("resource_name", None))])
            kind, accepted, errors = job["kind"], [], []
            for index, operation in enumerate(operations):
                checked = self._check(index, operation, kind)
                if isinstance(checked, dict):
                    errors.append(checked)
                else:
                    kind = checked[0]
                    accepted.append(checked)
            if errors and not body.get("enablePartialFailure"):
                return _invalid(errors)
            job["operations"].extend(accepted)
            job["kind"] = kind
        if not errors:
            return Reply(200, {})
        partial = {
            "code": 3,
            "message": f"Multiple errors in 'details'. First error: {errors[0]['message']}",
            "details": _failure(errors),
        }
        return Reply(200, {"partialFailureError": partial})

    def run(self, request: Request) -> Reply:
        job = self._job(request)
        if isinstance(job, Reply):
            return job
        with self.lock:
            if job["status"] != "PENDING":
                return _invalid([_job_error("JOB_ALREADY_STARTED", ("resource_name", None))])
            members = self.lists.setdefault(job["list"], set())
            for kind, identifiers in job["operations"]:
                member = self._member(identifiers)
                (members.add if kind == "create" else members.discard)(member)
            job["status"] = "SUCCESS"
        return Reply(200, {"name": f"customers/{request.match.group(1)}/operations/{uuid.uuid4().hex}"})

    @staticmethod
    def _member(identifiers: list[dict]) -> tuple:
        for key in ("hashedEmail", "hashedPhoneNumber"):
            for identifier in identifiers:
                if key in identifier:
                    return key, identifier[key]
        return ("addressInfo", *sorted(identifiers[0]["addressInfo"].items()))

    # --- GoogleAdsService.Search (jobs by externalId only) ------------------------------------------------
    def search(self, request: Request) -> Reply:
        customer = request.match.group(1)
        found = SEARCH_JOB.search(str((request.body or {}).get("query", "")))
        if not found:
            error = {
                "errorCode": {"queryError": "PROHIBITED_RESOURCE_TYPE_IN_SELECT_CLAUSE"},
                "message": "The emulator answers only offline_user_data_job queries by external_id.",
            }
            return _invalid([error])
        body: dict = {"fieldMask": "offlineUserDataJob.resourceName,offlineUserDataJob.status"}
        with self.lock:
            resource = self.external_ids.get((customer, found.group(1)))
            if resource is not None:
                job = self.jobs[resource]
                body["results"] = [
                    {
                        "offlineUserDataJob": {
                            "resourceName": resource,
                            "status": job["status"],
                            "externalId": job["external_id"],
                        }
                    }
                ]
        return Reply(200, body)

    def state(self) -> dict:
        with self.lock:
            lists = {name: len(members) for name, members in self.lists.items()}
        return {**super().state(), "jobs": len(self.jobs), "lists": lists}
