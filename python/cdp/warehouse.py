"""Read access to what dbt built: the manifest (what exists, where) and a DuckDB connection (the default)."""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb
import yaml


def project_root() -> Path:
    """The dbt project directory: ``CDP_ROOT`` (scripts/env.sh), else the checkout this package sits in."""
    return Path(os.environ.get("CDP_ROOT", Path(__file__).resolve().parents[2]))


@lru_cache(maxsize=8)
def _project_vars(project_text: str) -> dict[str, Any]:
    """The vars a dbt_project.yml text declares, parsed once per text (an edited file is parsed again)."""
    return yaml.safe_load(project_text).get("vars") or {}


def project_var(name: str) -> Any:
    """A var as dbt_project.yml declares it (its project default; the Python side reads the same setting)."""
    declared = _project_vars((project_root() / "dbt_project.yml").read_text())
    if name not in declared:
        raise KeyError(f"var {name} is not declared in dbt_project.yml")
    return copy.deepcopy(declared[name])  # the cached parse stays as the file says


@dataclass(frozen=True)
class DbtTest:
    """A generic dbt test attached to a model: its name, the column it checks, its arguments and severity."""

    name: str
    column: str | None
    kwargs: dict
    severity: str


@dataclass(frozen=True)
class Relation:
    """A table or view dbt manages: its dbt name, resource type, layer folder and SQL-ready relation name."""

    name: str
    resource_type: str
    relation_name: str
    path: str
    columns: dict[str, dict]
    tests: tuple[DbtTest, ...] = ()
    meta: dict = field(default_factory=dict)  # the model's config meta (e.g. the contract's freshness)

    @property
    def folder(self) -> str:
        """The models/ sub-folder (for staging: the source system)."""
        parts = Path(self.path).parts
        return parts[-2] if len(parts) > 1 else ""


class Manifest:
    """The subset of dbt's ``manifest.json`` this package needs."""

    def __init__(self, data: dict):
        self._data = data

    @classmethod
    def load(cls, target_path: Path | None = None) -> Manifest:
        target = target_path or project_root() / os.environ.get("DBT_TARGET_PATH", "target")
        path = Path(target) / "manifest.json"
        if not path.exists():
            raise FileNotFoundError(f"{path} not found: run `dbt build` (or `dbt parse`) first")
        return cls(json.loads(path.read_text()))

    @property
    def data(self) -> dict:
        """The whole manifest, as dbt wrote it (for what this class does not wrap: exposures, child_map)."""
        return self._data

    def models(self, prefix: str = "") -> list[Relation]:
        return sorted(
            (
                self._relation(node)
                for node in self._data["nodes"].values()
                if node["resource_type"] == "model"
                and node["package_name"] == "cdp"
                and node["name"].startswith(prefix)
            ),
            key=lambda relation: relation.name,
        )

    def marts(self) -> list[Relation]:
        """The public marts: every model under models/marts/."""
        return [model for model in self.models() if Path(model.path).parts[:2] == ("models", "marts")]

    def sources(self) -> list[Relation]:
        """The raw sources: those declared under models/staging/ (not the sync engine's own tables, which
        models/audiences/_sync__sources.yml declares)."""
        return sorted(
            (
                Relation(
                    name=f"{node['source_name']}.{node['name']}",
                    resource_type="source",
                    relation_name=_two_part_name(node),
                    path=node["original_file_path"],
                    columns=node.get("columns", {}),
                )
                for node in self._data["sources"].values()
                if node["package_name"] == "cdp"
                and Path(node["original_file_path"]).parts[:2] == ("models", "staging")
            ),
            key=lambda relation: relation.name,
        )

    def model(self, name: str) -> Relation:
        for relation in self.models(name):
            if relation.name == name:
                return relation
        raise KeyError(f"model {name!r} is not in the manifest")

    def _relation(self, node: dict) -> Relation:
        tests = tuple(
            DbtTest(
                name=test["test_metadata"]["name"],
                column=test.get("column_name") or test["test_metadata"]["kwargs"].get("column_name"),
                kwargs={k: v for k, v in test["test_metadata"]["kwargs"].items() if k != "model"},
                severity=str(test["config"].get("severity", "error")).lower(),
            )
            for test in self._data["nodes"].values()
            if test["resource_type"] == "test"
            and test.get("test_metadata")
            and test.get("attached_node") == node["unique_id"]
        )
        return Relation(
            name=node["name"],
            resource_type="model",
            relation_name=_two_part_name(node),
            path=node["original_file_path"],
            columns=node.get("columns", {}),
            tests=tests,
            meta=node.get("config", {}).get("meta") or node.get("meta") or {},
        )


def _two_part_name(node: dict) -> str:
    """``schema.identifier``, quoted: independent of the database (DuckDB names it after the file)."""
    identifier = node.get("identifier") or node.get("alias") or node["name"]
    return f'"{node["schema"]}"."{identifier}"'


@contextmanager
def connect_duckdb(path: str | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the DuckDB file of the ``dev`` target."""
    database = path or os.environ.get("CDP_DUCKDB_PATH") or str(project_root() / "cdp.duckdb")
    if not Path(database).exists():
        raise FileNotFoundError(f"{database} not found: run `dbt build --target dev` first")
    connection = duckdb.connect(database, read_only=True)
    try:
        yield connection
    finally:
        connection.close()
