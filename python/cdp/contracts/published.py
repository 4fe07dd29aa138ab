"""Published data contracts: a committed snapshot (governance/published_contracts.json) of what every public
mart and audience promises its consumers, and the check that the current manifest keeps those promises.

A contract is, per model: its columns in order with their data types, which columns are never null, which are
unique (and the compound keys), the accepted values of a column, whether dbt enforces the contract, and the
freshness promise (``meta.freshness``). ``cdp contracts publish`` writes the snapshot from the manifest;
``cdp contracts check`` compares the manifest with it. A change that can break a consumer (a column removed or
renamed, a type changed, a promise dropped or widened, a model removed) is a break and names every exposure
downstream of the model; an additive change (a new model, column or stricter promise) is reported as not yet
published and passes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from cdp.governance import masking
from cdp.warehouse import project_root

SNAPSHOT = Path("governance") / "published_contracts.json"
SNAPSHOT_VERSION = 1
AUDIENCE_PREFIX = "aud_"
MASKED_SUFFIX = "_masked"

# Spellings of one type: a yml saying `varchar` where it said `string` is not a change.
TYPE_SYNONYMS = {
    "varchar": "string",
    "text": "string",
    "int": "integer",
    "int4": "integer",
    "int8": "bigint",
    "long": "bigint",
    "float8": "double",
    "double precision": "double",
    "float4": "float",
    "real": "float",
    "bool": "boolean",
    "timestamp without time zone": "timestamp",
    "numeric": "decimal",
}


def normalise_type(data_type: str | None) -> str | None:
    if not data_type:
        return None
    text = " ".join(str(data_type).lower().split())
    base, _, rest = text.partition("(")
    base = TYPE_SYNONYMS.get(base.strip(), base.strip())
    return f"{base}({rest.replace(' ', '')}" if rest else base


def is_public(node: dict) -> bool:
    """A public model: a mart (models/marts/) or an audience (aud_*, what the syncs read)."""
    path = Path(node["original_file_path"]).parts
    return (
        node["resource_type"] == "model"
        and node["package_name"] == "cdp"
        and (path[:2] == ("models", "marts") or node["name"].startswith(AUDIENCE_PREFIX))
    )


def downstream_exposures(manifest: dict, unique_id: str) -> list[str]:
    """Every exposure reading the node directly or through any chain of downstream models (child_map)."""
    child_map = manifest.get("child_map") or {}
    seen: set[str] = set()
    stack = [unique_id]
    exposures: set[str] = set()
    while stack:
        for child in child_map.get(stack.pop(), []):
            if child in seen:
                continue
            seen.add(child)
            if child.startswith("exposure."):
                exposures.add(manifest["exposures"][child]["name"])
            elif child.startswith("model."):
                stack.append(child)
    return sorted(exposures)


def freshness(node: dict) -> dict | None:
    """A model's freshness promise: its ``meta.freshness``; a masked view (``<mart>_masked``) without one
    inherits its mart's."""
    meta = node.get("config", {}).get("meta") or node.get("meta") or {}
    if meta.get("freshness"):
        return meta["freshness"]
    if node["name"].endswith(MASKED_SUFFIX):
        return {"inherits": node["name"].removesuffix(MASKED_SUFFIX)}
    return None


def may_be_empty(manifest: dict, node: dict) -> bool:
    """An audience may be empty; a mart only when its yml says ``meta: {allow_empty: true}`` (a masked view
    follows its mart)."""
    if node["name"].startswith(AUDIENCE_PREFIX):
        return True
    meta = node.get("config", {}).get("meta") or node.get("meta") or {}
    if meta.get("allow_empty"):
        return True
    base = manifest["nodes"].get(f"model.cdp.{node['name'].removesuffix(MASKED_SUFFIX)}")
    if node["name"].endswith(MASKED_SUFFIX) and base:
        return may_be_empty(manifest, base)
    return False


def _tests_by_node(manifest: dict) -> dict[str, list[dict]]:
    tests: dict[str, list[dict]] = {}
    for node in manifest["nodes"].values():
        if (
            node["resource_type"] == "test"
            and node.get("test_metadata")
            and node.get("attached_node")
            and str(node["config"].get("severity", "error")).lower() == "error"
        ):
            tests.setdefault(node["attached_node"], []).append(node)
    return tests


def model_contract(manifest: dict, node: dict, tests: list[dict]) -> dict:
    """The promises one model makes, from its yml (data types, constraints, error-severity tests, meta)."""
    columns: dict[str, dict] = {}
    for name, column in node.get("columns", {}).items():
        constraints = {c.get("type") for c in column.get("constraints") or []}
        columns[name] = {
            "data_type": normalise_type(column.get("data_type")),
            "not_null": bool(constraints & {"not_null", "primary_key"}),
            "unique": bool(constraints & {"unique", "primary_key"}),
        }
    keys: list[list[str]] = []
    declared = []
    for test in tests:
        kwargs = test["test_metadata"].get("kwargs", {})
        kind = test["test_metadata"]["name"]
        if kind == masking.KEY_TEST:
            declared += masking.implied_key_tests(kwargs)
        else:
            declared.append(
                (kind, {**kwargs, "column_name": test.get("column_name") or kwargs.get("column_name")})
            )
    for kind, kwargs in declared:
        column = kwargs.get("column_name")
        if kind == "cdp_unique_combination":
            keys.append(list(kwargs["combination"]))
        elif column in columns and kind in ("not_null", "unique"):
            columns[column][kind] = True
        elif column in columns and kind == "accepted_values":
            values = sorted({str(v) for v in kwargs.get("values", [])})
            known = columns[column].get("accepted_values")
            # Two accepted_values tests on a column: both hold, so only the values in both are accepted.
            columns[column]["accepted_values"] = sorted(set(values) & set(known)) if known else values
    return {
        "enforced": bool(node.get("config", {}).get("contract", {}).get("enforced")),
        # A list, not an object, so the snapshot (written with sorted keys) keeps the column order.
        "columns": [{"name": name, **promises} for name, promises in columns.items()],
        "keys": sorted(keys),
        "freshness": freshness(node),
        "may_be_empty": may_be_empty(manifest, node),
        "exposures": downstream_exposures(manifest, node["unique_id"]),
    }


def contracts(manifest: dict) -> dict[str, dict]:
    """The contract of every public model in the manifest, by model name."""
    tests = _tests_by_node(manifest)
    return {
        node["name"]: model_contract(manifest, node, tests.get(node["unique_id"], []))
        for node in sorted(manifest["nodes"].values(), key=lambda n: n["name"])
        if is_public(node)
    }


def snapshot(manifest: dict) -> dict:
    return {
        "about": (
            "Published data contracts of the public marts and audiences, written by `cdp contracts publish`; "
            "`cdp contracts check` (run by the tests) fails on a change that breaks them. "
            "See docs/governance/contracts.md."
        ),
        "version": SNAPSHOT_VERSION,
        "models": contracts(manifest),
    }


def snapshot_path() -> Path:
    return project_root() / SNAPSHOT


def write_snapshot(manifest: dict, path: Path | None = None) -> Path:
    path = path or snapshot_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(snapshot(manifest), indent=2, sort_keys=True) + "\n")
    return path


def load_snapshot(path: Path | None = None) -> dict:
    path = path or snapshot_path()
    if not path.exists():
        raise FileNotFoundError(f"{path} not found: run `cdp contracts publish` first")
    return json.loads(path.read_text())


@dataclass(frozen=True)
class Change:
    """One difference between the published contract and the manifest: a break or a not-yet-published
    addition."""

    model: str
    column: str | None
    what: str
    exposures: tuple[str, ...] = ()

    @property
    def subject(self) -> str:
        return f"{self.model}.{self.column}" if self.column else self.model

    def __str__(self) -> str:
        if not self.exposures:
            return f"{self.subject}: {self.what}"
        return f"{self.subject}: {self.what} — breaks exposure {', '.join(self.exposures)}"


@dataclass
class CheckResult:
    breaks: list[Change]
    unpublished: list[Change]
    models: int
    promises: int

    @property
    def ok(self) -> bool:
        return not self.breaks


def _promises(contract: dict) -> int:
    """How many promises a contract makes: a column's type, not-null, unique and accepted values each count,
    so do each compound key, the freshness promise and the enforcement."""
    count = 1 + len(contract["keys"]) + (1 if contract.get("freshness") else 0)
    for column in contract["columns"]:
        count += 1 + column["not_null"] + column["unique"] + ("accepted_values" in column)
    return count


def _freshness_changes(old: dict | None, new: dict | None) -> tuple[list[str], list[str]]:
    """(breaking, additive) descriptions of a change to the freshness promise."""
    if old == new:
        return [], []
    if not old:
        return [], [f"freshness promise added: {new}"]
    if not new:
        return ["freshness promise dropped"], []
    if old.get("inherits") != new.get("inherits") or old.get("column") != new.get("column"):
        was = old.get("column") or f"inherited from {old.get('inherits')}"
        now = new.get("column") or f"inherited from {new.get('inherits')}"
        return [f"freshness now measured on {now} (was {was})"], []
    breaking, additive = [], []
    for limit in ("warn_after_days", "error_after_days"):
        before, after = old.get(limit), new.get(limit)
        if before == after:
            continue
        if after is None or (before is not None and after > before):
            breaking.append(f"freshness widened: {limit} {before} -> {after}")
        else:
            additive.append(f"freshness tightened: {limit} {before} -> {after}")
    return breaking, additive


def _renamed_hint(name: str, old_columns: dict, new_columns: dict) -> str:
    """`` (renamed to x?)`` when the column now at the removed one's position is new and of the same type."""
    position = list(old_columns).index(name)
    names = list(new_columns)
    if position < len(names) and names[position] not in old_columns:
        candidate = new_columns[names[position]]
        if candidate["data_type"] == old_columns[name]["data_type"]:
            return f" (renamed to {candidate['name']}?)"
    return ""


def compare(published: dict, current: dict) -> CheckResult:
    """Every break of a published contract by the current one, and what the current one adds."""
    breaks: list[Change] = []
    unpublished: list[Change] = []
    for model, old in sorted(published.items()):
        new = current.get(model)
        if new is None:
            breaks.append(Change(model, None, "model removed", tuple(old.get("exposures", []))))
            continue
        exposures = tuple(new["exposures"])
        old_columns = {column["name"]: column for column in old["columns"]}
        new_columns = {column["name"]: column for column in new["columns"]}

        def broken(column: str | None, what: str) -> None:
            breaks.append(Change(model, column, what, exposures))  # noqa: B023 (used right away)

        def added(column: str | None, what: str) -> None:
            unpublished.append(Change(model, column, what))  # noqa: B023

        if old["enforced"] and not new["enforced"]:
            broken(None, "dbt no longer enforces the contract")
        elif new["enforced"] and not old["enforced"]:
            added(None, "contract now enforced by dbt")
        typed: list[str] = []  # columns that now declare a type (reported once per model)
        for name, was in old_columns.items():
            now = new_columns.get(name)
            if now is None:
                broken(name, "removed" + _renamed_hint(name, old_columns, new_columns))
                continue
            if was["data_type"] and was["data_type"] != now["data_type"]:
                broken(name, f"type changed from {was['data_type']} to {now['data_type']}")
            elif now["data_type"] and not was["data_type"]:
                typed.append(name)
            for promise in ("not_null", "unique"):
                if was[promise] and not now[promise]:
                    broken(name, f"{promise} promise dropped")
                elif now[promise] and not was[promise]:
                    added(name, f"{promise} promise added")
            before, after = was.get("accepted_values"), now.get("accepted_values")
            if before is not None and after is None:
                broken(name, f"accepted_values promise dropped (was {before})")
            elif before is not None and set(after) - set(before):
                broken(name, f"accepted_values widened: +{sorted(set(after) - set(before))}")
            elif after is not None and (before is None or set(before) - set(after)):
                added(name, f"accepted_values {'narrowed' if before else 'added'}: {after}")
        if typed:
            added(None, f"{len(typed)} columns now declare a data_type ({', '.join(typed[:5])}, ...)")
        for name in [c for c in new_columns if c not in old_columns]:
            added(name, f"new column ({new_columns[name]['data_type']})")
        if [c for c in new_columns if c in old_columns] != [c for c in old_columns if c in new_columns]:
            added(None, "column order changed")
        for key in old["keys"]:
            if key not in new["keys"]:
                broken(",".join(key), "compound key promise dropped")
        for key in new["keys"]:
            if key not in old["keys"]:
                added(",".join(key), "compound key promise added")
        if new.get("may_be_empty") and not old.get("may_be_empty", True):
            broken(None, "may now be empty (allow_empty)")
        elif old.get("may_be_empty") and not new.get("may_be_empty"):
            added(None, "promised not to be empty")
        breaking, additive = _freshness_changes(old.get("freshness"), new.get("freshness"))
        for what in breaking:
            broken(None, what)
        for what in additive:
            added(None, what)
        if set(new["exposures"]) != set(old.get("exposures", [])):
            added(None, f"consumers now {list(new['exposures'])}")
    for model in sorted(current.keys() - published.keys()):
        unpublished.append(Change(model, None, "new public model"))
    return CheckResult(
        breaks=breaks,
        unpublished=unpublished,
        models=len(published),
        promises=sum(_promises(contract) for contract in published.values()),
    )


def check(manifest: dict, path: Path | None = None) -> CheckResult:
    """Compare the manifest's public contracts with the committed snapshot."""
    return compare(load_snapshot(path)["models"], contracts(manifest))
