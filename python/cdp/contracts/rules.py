"""Which expectations a staged model gets: rules from the column naming conventions of the staging layer (so a
new source is covered the moment it follows them) plus the promises its dbt tests declare."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import great_expectations as gx
from great_expectations.expectations import Expectation

from cdp.governance import masking
from cdp.warehouse import DbtTest

EMAIL = r"^[a-z0-9_%+-]+([.][a-z0-9_%+-]+)*@[a-z0-9-]+([.][a-z0-9-]+)*[.][a-z]{2,}$"
EMAIL_MATCH_KEY = r"^[a-z0-9_%-]+([.][a-z0-9_%-]+)*@[a-z0-9-]+([.][a-z0-9-]+)*[.][a-z]{2,}$"
E164 = r"^\+[1-9][0-9]{7,14}$"
COUNTRY_CODE = r"^[A-Z]{2}$"
EARLIEST = datetime(1990, 1, 1)
LATEST = datetime(2100, 1, 1)
MAX_QUARANTINE_SHARE = 0.05


@dataclass(frozen=True)
class ColumnRule:
    """Expectations for every column whose name satisfies ``applies``."""

    description: str
    applies: Callable[[str], bool]
    build: Callable[[str], list[Expectation]]


COLUMN_RULES: tuple[ColumnRule, ...] = (
    ColumnRule(
        "emails are valid, lower-case addresses",
        lambda name: name == "email" or name.endswith("_email"),
        lambda column: [gx.expectations.ExpectColumnValuesToMatchRegex(column=column, regex=EMAIL)],
    ),
    ColumnRule(
        "email match keys carry no +tag",
        lambda name: name.endswith("email_match_key"),
        lambda column: [gx.expectations.ExpectColumnValuesToMatchRegex(column=column, regex=EMAIL_MATCH_KEY)],
    ),
    ColumnRule(
        "phones are E.164",
        lambda name: name.endswith("phone_e164"),
        lambda column: [gx.expectations.ExpectColumnValuesToMatchRegex(column=column, regex=E164)],
    ),
    ColumnRule(
        "countries are ISO-3166 alpha-2",
        lambda name: name.endswith("country_code"),
        lambda column: [gx.expectations.ExpectColumnValuesToMatchRegex(column=column, regex=COUNTRY_CODE)],
    ),
    ColumnRule(
        "folded names and match keys are lower case",
        lambda name: name.endswith("_folded") or name.endswith("_match_key"),
        lambda column: [gx.expectations.ExpectColumnValuesToNotMatchRegex(column=column, regex=r"[A-Z]")],
    ),
    ColumnRule(
        "timestamps fall in a plausible window",
        lambda name: name.endswith("_at"),
        lambda column: [
            gx.expectations.ExpectColumnValuesToBeBetween(column=column, min_value=EARLIEST, max_value=LATEST)
        ],
    ),
    ColumnRule(
        "dates of birth are in the past and after 1900",
        lambda name: name == "date_of_birth" or name.endswith("_birth_date"),
        lambda column: [
            gx.expectations.ExpectColumnValuesToBeBetween(
                column=column, min_value=datetime(1900, 1, 1), max_value=datetime.now()
            )
        ],
    ),
)


RATE_SUFFIXES = ("_rate", "_share", "_probability", "_stickiness")
COUNT_SUFFIXES = ("_count", "_days", "_count_30d", "_days_30d")
# Ratios named as rates that may exceed 1: ad platforms report more clicks than impressions on some days.
UNBOUNDED_RATES = ("click_through_rate",)


def _is_z_score(name: str) -> bool:
    return name.startswith("z_") or "_z_" in name


MART_COLUMN_RULES: tuple[ColumnRule, ...] = (
    ColumnRule(
        "rates, shares and probabilities lie in [0, 1]",
        lambda name: (
            (name.endswith(RATE_SUFFIXES) or name in ("support", "confidence"))
            and name not in UNBOUNDED_RATES
            and not _is_z_score(name)
        ),
        lambda column: [
            gx.expectations.ExpectColumnValuesToBeBetween(column=column, min_value=0, max_value=1)
        ],
    ),
    ColumnRule(
        "counts are never negative",
        lambda name: name.endswith(COUNT_SUFFIXES) and not _is_z_score(name),
        lambda column: [gx.expectations.ExpectColumnValuesToBeBetween(column=column, min_value=0)],
    ),
    ColumnRule(
        "a net promoter score lies in [-100, 100]",
        lambda name: name == "nps",
        lambda column: [
            gx.expectations.ExpectColumnValuesToBeBetween(column=column, min_value=-100, max_value=100)
        ],
    ),
)


def key_expectations(key_columns: Iterable[str]) -> list[Expectation]:
    """A staged model's record key is present and unique."""
    expectations: list[Expectation] = []
    for column in key_columns:
        expectations.append(gx.expectations.ExpectColumnValuesToNotBeNull(column=column))
        expectations.append(gx.expectations.ExpectColumnValuesToBeUnique(column=column))
    return expectations


def _with_implied_key_tests(tests: Iterable[DbtTest]) -> list[DbtTest]:
    """``tests``, a masked view's key test (masking.KEY_TEST) replaced by the mart's key tests it carries."""
    expanded: list[DbtTest] = []
    for test in tests:
        if test.name != masking.KEY_TEST:
            expanded.append(test)
            continue
        for name, kwargs in masking.implied_key_tests(test.kwargs):
            expanded.append(DbtTest(name, kwargs.get("column_name"), kwargs, test.severity))
    return expanded


def declared_expectations(tests: Iterable[DbtTest]) -> list[Expectation]:
    """The promises a model's dbt tests make (keys, not-null columns, accepted values), restated for
    great-expectations so the contract report covers them too. Warn-only tests are not contracts."""
    expectations: list[Expectation] = []
    for test in _with_implied_key_tests(tests):
        if test.severity != "error":
            continue
        if test.name == "cdp_unique_combination":
            # A compound key; like the dbt test (group by the columns), a NULL part is a value to compare.
            expectations.append(
                gx.expectations.ExpectCompoundColumnsToBeUnique(
                    column_list=list(test.kwargs["combination"]), ignore_row_if="never"
                )
            )
        elif not test.column:
            continue
        elif test.name == "unique":
            expectations.append(gx.expectations.ExpectColumnValuesToBeUnique(column=test.column))
        elif test.name == "not_null":
            expectations.append(gx.expectations.ExpectColumnValuesToNotBeNull(column=test.column))
        elif test.name == "accepted_values":
            expectations.append(
                gx.expectations.ExpectColumnValuesToBeInSet(
                    column=test.column, value_set=test.kwargs["values"]
                )
            )
    return expectations


def column_expectations(columns: Iterable[str]) -> list[Expectation]:
    """Expectations from the naming rules for these columns (flags such as ``has_invalid_email`` excluded)."""
    return [
        expectation
        for column in columns
        if not column.startswith(("is_", "has_"))
        for rule in COLUMN_RULES
        if rule.applies(column)
        for expectation in rule.build(column)
    ]


def mart_column_expectations(columns: Iterable[str]) -> list[Expectation]:
    """The staging naming rules plus the marts' own: rates in [0, 1], counts not negative, NPS in range."""
    return [
        *column_expectations(columns),
        *(
            expectation
            for column in columns
            if not column.startswith(("is_", "has_"))
            for rule in MART_COLUMN_RULES
            if rule.applies(column)
            for expectation in rule.build(column)
        ),
    ]


def masked_expectations(hashed_columns: Iterable[str]) -> list[Expectation]:
    """In a masked model, the columns holding direct PII in its source are salted SHA-256 hex digests."""
    return [
        gx.expectations.ExpectColumnValuesToMatchRegex(column=column, regex=r"^[0-9a-f]{64}$")
        for column in hashed_columns
    ]


def published_expectations(declared_columns: list[str], min_rows: int = 1) -> list[Expectation]:
    """A public mart has exactly the columns its yml publishes, in that order, and is not empty."""
    return [
        gx.expectations.ExpectTableColumnsToMatchOrderedList(column_list=declared_columns),
        gx.expectations.ExpectTableRowCountToBeBetween(min_value=min_rows),
    ]


def freshness_expectations(freshness: dict | None, as_of: date | None) -> list[Expectation]:
    """The contract's freshness promise (``meta.freshness``): the newest value of its column is at most
    ``error_after_days`` before the data's as-of date (a failure) and ``warn_after_days`` (a warning). A model
    that ``inherits`` its freshness has none of its own: the model it names is checked."""
    if not freshness or not freshness.get("column") or as_of is None:
        return []
    day = datetime(as_of.year, as_of.month, as_of.day)
    expectations = []
    for limit, severity in (("error_after_days", "critical"), ("warn_after_days", "warning")):
        if freshness.get(limit) is not None:
            expectations.append(
                gx.expectations.ExpectColumnMaxToBeBetween(
                    column=freshness["column"],
                    min_value=day - timedelta(days=freshness[limit]),
                    severity=severity,
                    meta={"freshness": limit, "as_of_date": as_of.isoformat()},
                )
            )
    return expectations


def table_expectations(columns: list[str], rows_in: int) -> list[Expectation]:
    """The table has the columns it had and is not empty when its source is not."""
    return [
        gx.expectations.ExpectTableColumnsToMatchSet(column_set=columns, exact_match=True),
        gx.expectations.ExpectTableRowCountToBeBetween(min_value=1 if rows_in else 0),
    ]


def quarantine_expectations(rows_in: int) -> list[Expectation]:
    """At most MAX_QUARANTINE_SHARE of a source's rows may be quarantined: more means a broken feed."""
    return [
        gx.expectations.ExpectTableRowCountToBeBetween(
            min_value=0, max_value=int(rows_in * MAX_QUARANTINE_SHARE)
        ),
        gx.expectations.ExpectColumnValuesToNotBeNull(column="dq_reason"),
    ]
