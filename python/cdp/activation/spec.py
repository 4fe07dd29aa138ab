"""The typed form of an audience declaration (``activation/audiences/<name>.yml``) and of the destinations
file (``activation/destinations.yml``). Loading validates everything a typo could break (unknown keys,
operators, columns, modes, percentages) and names the file and the key in its error."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cdp.warehouse import project_root, project_var

AUDIENCES_DIR = Path("activation/audiences")
DESTINATIONS_FILE = Path("activation/destinations.yml")
# The mart every audience filters (one row per customer, every mart joined).
SOURCE_MODEL = "mart_customer_360"
SYNC_MODES = ("upsert", "update", "insert", "mirror")
OPERATORS = ("=", "!=", ">", ">=", "<", "<=", "in", "not_in", "between", "is_null", "not_null")
NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


def always_carried() -> tuple[str, ...]:
    """Columns every audience model carries whatever its syncs map: the consent the sync engine checks, one
    column per channel of var('cdp__consent_channels'), and the erasure flag (a person asking to be forgotten
    is never sent)."""
    channels = project_var("cdp__consent_channels")
    return (*(f"{channel}_consent_status" for channel in channels), "is_erasure_requested")


class SpecError(ValueError):
    """A declaration that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Condition:
    """One test on a column of the source mart: ``{column, op, value}``."""

    column: str
    op: str
    value: Any = None


@dataclass(frozen=True)
class Filter:
    """Conditions all of which (``all``) and at least one of which (``any``, when given) must hold."""

    all: tuple[Condition, ...] = ()
    any: tuple[Condition, ...] = ()


@dataclass(frozen=True)
class SyncSpec:
    """One destination an audience is sent to: the destination's name in destinations.yml, the sync mode, the
    groups sent (default: every group but the holdout) and the field mapping {destination field: column}."""

    destination: str
    mode: str
    fields: dict[str, str]
    groups: tuple[str, ...] = ()

    def sync_id(self, audience: str) -> str:
        return f"{audience}__{self.destination}"


@dataclass(frozen=True)
class Audience:
    """An audience: who is in it (filter over the source mart), how it is split, and where it goes."""

    name: str
    description: str
    filter: Filter
    syncs: tuple[SyncSpec, ...]
    holdout_percent: int = 0
    splits: dict[str, int] = field(default_factory=dict)
    schedule: str = ""
    path: Path = Path()

    @property
    def model(self) -> str:
        return f"aud_{self.name}"

    @property
    def groups(self) -> tuple[str, ...]:
        treated = tuple(self.splits) or ("treatment",)
        return (("holdout",) if self.holdout_percent else ()) + treated

    @property
    def carried_columns(self) -> tuple[str, ...]:
        """The source columns the model keeps: every mapped column, then the consent and erasure columns."""
        mapped = [column for sync in self.syncs for column in sync.fields.values()]
        seen: dict[str, None] = {}
        for column in [*mapped, *always_carried()]:
            if column != "customer_id":
                seen.setdefault(column)
        return tuple(seen)


def _keys(where: str, data: dict, allowed: set[str], required: set[str]) -> None:
    if not isinstance(data, dict):
        raise SpecError(f"{where}: expected a mapping, got {type(data).__name__}")
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise SpecError(f"{where}: unknown key(s) {unknown}; allowed: {sorted(allowed)}")
    missing = sorted(required - set(data))
    if missing:
        raise SpecError(f"{where}: missing key(s) {missing}")


def _condition(where: str, data: dict, columns: set[str]) -> Condition:
    _keys(where, data, {"column", "op", "value"}, {"column", "op"})
    condition = Condition(column=data["column"], op=str(data["op"]), value=data.get("value"))
    if condition.column not in columns:
        raise SpecError(f"{where}: column {condition.column!r} is not a column of {SOURCE_MODEL}")
    if condition.op not in OPERATORS:
        raise SpecError(f"{where}: operator {condition.op!r} unknown; use one of {list(OPERATORS)}")
    value = condition.value
    if condition.op in ("is_null", "not_null"):
        if value is not None:
            raise SpecError(f"{where}: {condition.op} takes no value")
    elif condition.op in ("in", "not_in"):
        if not isinstance(value, list) or not value:
            raise SpecError(f"{where}: {condition.op} needs a non-empty list value")
    elif condition.op == "between":
        if not isinstance(value, list) or len(value) != 2:
            raise SpecError(f"{where}: between needs a value [low, high]")
    elif value is None or isinstance(value, (list, dict)):
        raise SpecError(f"{where}: {condition.op} needs one scalar value")
    return condition


def load_audience(path: Path, columns: set[str], destinations: dict[str, DestinationSpec]) -> Audience:
    """Read and validate one audience file against the source mart's columns and the declared destinations."""
    where = str(path)
    data = yaml.safe_load(path.read_text()) or {}
    _keys(
        where,
        data,
        {"name", "description", "filter", "holdout_percent", "splits", "schedule", "syncs"},
        {"name", "description", "filter"},
    )
    name = data["name"]
    if not isinstance(name, str) or not NAME.match(name):
        raise SpecError(f"{where}: name {name!r} must be snake_case (a-z, 0-9, _), at most 63 characters")
    if path.stem != name:
        raise SpecError(f"{where}: the file must be named after the audience ({name}.yml)")
    raw_filter = data["filter"]
    _keys(f"{where}: filter", raw_filter, {"all", "any"}, set())
    conditions = {
        kind: tuple(
            _condition(f"{where}: filter.{kind}[{index}]", item, columns)
            for index, item in enumerate(raw_filter.get(kind) or [])
        )
        for kind in ("all", "any")
    }
    if not conditions["all"] and not conditions["any"]:
        raise SpecError(
            f"{where}: filter has no condition (an audience of everyone is almost always a mistake)"
        )
    holdout = data.get("holdout_percent", 0)
    splits = data.get("splits") or {}
    if not isinstance(holdout, int) or not 0 <= holdout < 100:
        raise SpecError(f"{where}: holdout_percent must be an integer from 0 to 99")
    if splits:
        if not all(isinstance(v, int) and v > 0 and NAME.match(k) for k, v in splits.items()):
            raise SpecError(f"{where}: splits must map snake_case group names to positive integer percents")
        if "holdout" in splits or sum(splits.values()) + holdout != 100:
            raise SpecError(
                f"{where}: splits ({sum(splits.values())} %) and holdout_percent ({holdout} %) must make 100"
            )
    groups = (("holdout",) if holdout else ()) + (tuple(splits) or ("treatment",))
    syncs = []
    for index, raw in enumerate(data.get("syncs") or []):
        at = f"{where}: syncs[{index}]"
        _keys(at, raw, {"destination", "mode", "fields", "groups"}, {"destination", "mode", "fields"})
        if raw["destination"] not in destinations:
            raise SpecError(
                f"{at}: destination {raw['destination']!r} is not declared in {DESTINATIONS_FILE}"
            )
        if raw["mode"] not in SYNC_MODES:
            raise SpecError(f"{at}: mode {raw['mode']!r} unknown; use one of {list(SYNC_MODES)}")
        fields = raw["fields"]
        if not isinstance(fields, dict) or not fields:
            raise SpecError(f"{at}: fields must map destination fields to columns of {SOURCE_MODEL}")
        for target, column in fields.items():
            if column not in columns:
                raise SpecError(f"{at}: fields.{target}: {column!r} is not a column of {SOURCE_MODEL}")
        sent_groups = tuple(raw.get("groups") or ())
        for group in sent_groups:
            if group not in groups or group == "holdout":
                raise SpecError(
                    f"{at}: group {group!r} is not a treated group of the audience {list(groups)}"
                )
        syncs.append(SyncSpec(raw["destination"], raw["mode"], dict(fields), sent_groups))
    if len({sync.destination for sync in syncs}) != len(syncs):
        raise SpecError(f"{where}: a destination appears in two syncs")
    return Audience(
        name=name,
        description=" ".join(str(data["description"]).split()),
        filter=Filter(**conditions),
        syncs=tuple(syncs),
        holdout_percent=holdout,
        splits=dict(splits),
        schedule=str(data.get("schedule", "")),
        path=path,
    )


@dataclass(frozen=True)
class DestinationSpec:
    """A destination account: its type (a folder under cdp/destinations), where it is and how hard to push it.
    ``url`` may name an environment variable (``${CDP_HUBSPOT_URL}``, with ``:-default``); so may the
    token."""

    name: str
    type: str
    url: str = ""
    token_env: str = ""
    batch_size: int | None = None
    rate_limit_per_second: float | None = None
    concurrency: int = 4
    max_attempts: int = 6
    timeout_seconds: float = 30.0
    options: dict[str, Any] = field(default_factory=dict)

    def token(self) -> str:
        return os.environ.get(self.token_env, "") if self.token_env else ""


_ENV_REFERENCE = re.compile(r"\$\{(\w+)(?::-([^}]*))?\}")


def _expand(value: str) -> str:
    return _ENV_REFERENCE.sub(lambda m: os.environ.get(m.group(1), m.group(2) or ""), value)


def load_destinations(path: Path | None = None) -> dict[str, DestinationSpec]:
    path = path or project_root() / DESTINATIONS_FILE
    data = yaml.safe_load(path.read_text()) or {}
    _keys(str(path), data, {"destinations"}, {"destinations"})
    out = {}
    allowed = {
        "type",
        "url",
        "token_env",
        "batch_size",
        "rate_limit_per_second",
        "concurrency",
        "max_attempts",
        "timeout_seconds",
        "options",
    }
    for name, raw in (data["destinations"] or {}).items():
        _keys(f"{path}: destinations.{name}", raw, allowed, {"type"})
        raw = dict(raw)
        if "url" in raw:
            raw["url"] = _expand(str(raw["url"]))
        out[name] = DestinationSpec(name=name, **raw)
    return out


def source_columns() -> dict[str, dict]:
    """The source mart's published columns (name -> its yml entry), read from its generated yml."""
    path = project_root() / "models/marts/customer_360/_customer_360__models.yml"
    models = yaml.safe_load(path.read_text())["models"]
    (model,) = [m for m in models if m["name"] == SOURCE_MODEL]
    return {column["name"]: column for column in model["columns"]}


def load_audiences(
    directory: Path | None = None, destinations: dict[str, DestinationSpec] | None = None
) -> list[Audience]:
    """Every audience declared under activation/audiences/, validated, in name order."""
    directory = directory or project_root() / AUDIENCES_DIR
    destinations = load_destinations() if destinations is None else destinations
    columns = set(source_columns())
    return [load_audience(path, columns, destinations) for path in sorted(directory.glob("*.yml"))]
