"""Read access to what dbt built: the manifest (what exists, where) and a connection to the warehouse: the
DuckDB file (the default) or, through the same few calls, the Spark warehouse of the ``spark`` target."""

from __future__ import annotations

import copy
import json
import os
import re
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


class WarehouseError(Exception):
    """A query the Spark warehouse refused (a table not built, ...): the counterpart of ``duckdb.Error``."""


# What a reader catches when a relation may not be built, whichever engine it reads.
READ_ERRORS = (duckdb.Error, WarehouseError)
_QUOTED = re.compile(r'"([^"]*)"')


class SparkResult:
    """One query's rows on Spark, read like a DuckDB result: ``fetchall``, ``fetchone`` and ``df``."""

    def __init__(self, frame) -> None:
        self._frame = frame

    def fetchall(self) -> list[tuple]:
        return [tuple(row) for row in self._frame.collect()]

    def fetchone(self) -> tuple | None:
        rows = self._frame.limit(1).collect()
        return tuple(rows[0]) if rows else None

    def df(self):
        """A pandas DataFrame typed as DuckDB's ``df()`` types it: dates as datetime64, decimals as floats
        (Spark hands both over as Python objects, which great-expectations compares differently)."""
        import pandas as pd

        frame = self._frame.toPandas()
        for column in self._frame.schema.fields:
            kind = column.dataType.typeName()
            if kind == "date":
                frame[column.name] = pd.to_datetime(frame[column.name])
            elif kind == "decimal":
                frame[column.name] = frame[column.name].astype("float64")
        return frame


class SparkConnection:
    """The part of DuckDB's connection API that this package's readers use (``execute`` -> a result), over
    a Spark session. Relation names quoted the Manifest's way (``"schema"."table"``) are re-quoted with
    backticks; queries here hold no double-quoted string literals."""

    def __init__(self, session) -> None:
        self.session = session

    def execute(self, sql: str) -> SparkResult:
        from pyspark.errors import AnalysisException

        try:
            return SparkResult(self.session.sql(_QUOTED.sub(r"`\1`", sql)))
        except AnalysisException as error:
            raise WarehouseError(str(error).splitlines()[0]) from error


def spark_settings() -> dict[str, str]:
    """The Spark settings of the ``spark`` target in profiles.yml (its ``server_side_parameters``, env_var()
    filled in as dbt fills it): the session a reader opens sees the warehouse and metastore dbt wrote."""
    import jinja2

    def env_var(name: str, default: str | None = None) -> str | None:
        return os.environ.get(name, default)

    text = (
        jinja2.Environment()
        .from_string((project_root() / "profiles.yml").read_text())
        .render(env_var=env_var)
    )
    output = yaml.safe_load(text)["cdp"]["outputs"]["spark"]
    return {key: str(value) for key, value in output["server_side_parameters"].items()}


@contextmanager
def connect_spark() -> Iterator[SparkConnection]:
    """A Spark session on the ``spark`` target's warehouse (no other Spark may hold its Derby metastore)."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("cdp").enableHiveSupport()
    for key, value in spark_settings().items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    try:
        yield SparkConnection(session)
    finally:
        session.stop()


@contextmanager
def connect(
    target: str = "dev", path: str | None = None
) -> Iterator[duckdb.DuckDBPyConnection | SparkConnection]:
    """A read connection to the warehouse of a dbt target: ``dev`` (DuckDB, at ``path`` if given) or
    ``spark``."""
    if target == "spark":
        with connect_spark() as connection:
            yield connection
    else:
        with connect_duckdb(path) as connection:
            yield connection
