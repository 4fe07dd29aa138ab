"""BI readers get masked views only (docs/governance/masking.md): every public mart has a view `<mart>_masked`
in the masked schema, no direct PII column reaches any of them (hashed with the secret salt, or NULL), the
hashes are the salted SHA-256 the docs promise, the BI reader grants land on the masked views and nowhere
else, and the BI dashboard reads nothing but masked views."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest

from cdp.governance import masking
from cdp.warehouse import Manifest, Relation
from tests.dbt_harness import DbtProject

HEX64 = re.compile(r"^[0-9a-f]{64}$")
DEMO_SALT = "cdp-demo-salt"  # cdp_pii_salt() when the salt variable is unset
OTHER_SALT = "another-secret-salt-for-the-test"
BI_ROLE = "bi_reader_under_test"
MASKED_DIR = ("models", "marts", "masked")


def _meta(column: dict) -> dict:
    return column.get("config", {}).get("meta") or column.get("meta") or {}


def _is_masked(relation: Relation) -> bool:
    return Path(relation.path).parts[:3] == MASKED_DIR


def _masked(manifest: Manifest) -> list[Relation]:
    return [model for model in manifest.marts() if _is_masked(model)]


def _mart_of(manifest: Manifest, masked: Relation) -> Relation:
    return manifest.model(masked.name.removesuffix(masking.SUFFIX))


def _direct(mart: Relation) -> dict[str, dict]:
    """The mart's direct PII columns and their meta."""
    return {
        name: _meta(column) for name, column in mart.columns.items() if _meta(column).get("pii") == "direct"
    }


def _key(masked: Relation) -> list[str]:
    """The masked view's key: the first key its key test carries over from the mart, else its unique column,
    else its first unique combination (a key holding a hashed column is tested on the view again)."""
    for test in masked.tests:
        if test.name == masking.KEY_TEST:
            return list(test.kwargs["keys"][0])
    for test in masked.tests:
        if test.name == "unique":
            return [test.column]
    for test in masked.tests:
        if test.name == "cdp_unique_combination":
            return list(test.kwargs["combination"])
    raise AssertionError(f"{masked.name} has no key test")


def _salted(salt: str, value: str | None) -> str | None:
    return None if value is None else hashlib.sha256((salt + value.lower()).encode()).hexdigest()


def _build_salt() -> str:
    """The salt the session build masked with: the harness passes the environment through."""
    return os.environ.get("CDP_PII_SALT") or DEMO_SALT


# --- The layer: one masked view per public mart, generated, in one schema -----------------------------------


def test_the_masked_layer_is_generated_from_the_marts() -> None:
    assert masking.sync(check=True), (
        f"{masking.MASKED} is stale ({masking.stale_files()}): run `python -m cdp.governance.masking`"
    )


def test_every_public_mart_has_one_masked_view_in_the_masked_schema(
    manifest: Manifest, duckdb_project: DbtProject
) -> None:
    nodes = duckdb_project.manifest()["nodes"]
    marts = {model.name for model in manifest.marts() if not _is_masked(model)}
    masked = {model.name for model in _masked(manifest)}
    assert {"dim_customers", "mart_customer_360", "fct_feedback_texts", "fct_purchase_criteria"} <= marts
    assert masked == {name + masking.SUFFIX for name in marts}
    for name in masked:
        config = nodes[f"model.cdp.{name}"]["config"]
        assert config["materialized"] == "view", name
        assert nodes[f"model.cdp.{name}"]["schema"].endswith("_marts_masked"), name
    # Audiences are what the syncs read, not BI: no masked copy.
    assert not [name for name in masked if name.startswith("aud_")]


def test_the_masked_schema_holds_only_the_masked_views(manifest: Manifest, connection) -> None:
    masked = _masked(manifest)
    schema = {model.relation_name.split(".")[0].strip('"') for model in masked}
    assert len(schema) == 1, schema
    rows = connection.execute(
        "select table_name, table_type from information_schema.tables where table_schema = ?", [schema.pop()]
    ).fetchall()
    assert {name: kind for name, kind in rows} == {model.name: "VIEW" for model in masked}


# --- No direct PII reaches a masked view --------------------------------------------------------------------


def test_no_masked_view_declares_a_direct_pii_column(manifest: Manifest) -> None:
    problems = []
    for masked in _masked(manifest):
        mart = _mart_of(manifest, masked)
        assert list(masked.columns) == list(mart.columns), f"{masked.name}: not the mart's columns"
        for name, column in masked.columns.items():
            meta, source = _meta(column), _meta(mart.columns[name])
            if meta.get("pii") == "direct":
                problems.append(f"{masked.name}.{name}: classed direct")
            if source.get("pii") == "direct":
                expected = "redact" if source.get("masking") == "redact" else "hash"
                if meta.get("masking") != expected:
                    problems.append(f"{masked.name}.{name}: masking {meta.get('masking')!r}, not {expected}")
            elif meta.get("pii") != source.get("pii") or meta.get("masking"):
                problems.append(f"{masked.name}.{name}: a {source.get('pii')} column changed on the way")
    assert not problems, "\n".join(problems)


def test_every_direct_pii_column_is_hashed_or_null_in_every_masked_view(
    manifest: Manifest, connection
) -> None:
    checked = {"hash": 0, "redact": 0}
    for masked in _masked(manifest):
        mart = _mart_of(manifest, masked)
        actual = [row[0] for row in connection.execute(f"describe {masked.relation_name}").fetchall()]
        assert actual == list(mart.columns), f"{masked.name}: columns differ from {mart.name}"
        rows = connection.execute(
            f"select (select count(*) from {mart.relation_name}), "
            f"(select count(*) from {masked.relation_name})"
        ).fetchall()[0]
        assert rows[0] == rows[1], f"{masked.name}: {rows[1]} rows, {mart.name} has {rows[0]}"
        for column, meta in _direct(mart).items():
            # No value of the masked column is a value the mart holds in that column, for any row.
            leaked = connection.execute(
                f"""
                select count(*) from {masked.relation_name}
                where cast({column} as varchar) in (
                    select cast({column} as varchar) from {mart.relation_name} where {column} is not null
                )
                """
            ).fetchall()[0][0]
            assert leaked == 0, f"{masked.name}.{column}: {leaked} raw values"
            non_null, not_hex, raw_non_null = connection.execute(
                f"""
                select
                    count({column}),
                    count(*) filter (
                        where not regexp_full_match(cast({column} as varchar), '[0-9a-f]{{64}}')
                    ),
                    (select count({column}) from {mart.relation_name})
                from {masked.relation_name}
                """
            ).fetchall()[0]
            if meta.get("masking") == "redact":
                assert non_null == 0, f"{masked.name}.{column} is redacted but holds {non_null} values"
                checked["redact"] += 1
            else:
                assert not_hex == 0, f"{masked.name}.{column}: {not_hex} values that are not 64-hex"
                assert non_null == raw_non_null, f"{masked.name}.{column}: NULLs do not stay NULL"
                checked["hash"] += raw_non_null > 0
    # The demo data exercises both: names, e-mails, phones... hashed; free text and birth dates redacted.
    assert checked["hash"] >= 12 and checked["redact"] >= 4, checked


# --- The salt -----------------------------------------------------------------------------------------------


def _pairs(connection, manifest: Manifest, masked: Relation, column: str, masked_sql: str | None = None):
    """(raw value, masked value) of one direct column, row by row, joined on the key."""
    mart = _mart_of(manifest, masked)
    key = _key(masked)
    source = f"({masked_sql})" if masked_sql else masked.relation_name
    on = " and ".join(f"m.{name} = r.{name}" for name in key)
    return connection.execute(
        f"select cast(r.{column} as varchar), m.{column} from {mart.relation_name} as r "
        f"inner join {source} as m on {on}"
    ).fetchall()


def _hashed(manifest: Manifest) -> list[tuple[Relation, str]]:
    return [
        (masked, column)
        for masked in _masked(manifest)
        for column, meta in _direct(_mart_of(manifest, masked)).items()
        if meta.get("masking") != "redact"
    ]


def test_a_masked_hash_is_sha256_of_salt_and_lower_cased_value(manifest: Manifest, connection) -> None:
    salt = _build_salt()
    hashed = _hashed(manifest)
    assert {(m.name, c) for m, c in hashed} >= {
        ("dim_customers_masked", "email"),
        ("mart_customer_360_masked", "email"),
    }
    for masked, column in hashed:
        pairs = _pairs(connection, manifest, masked, column)
        assert (
            len(pairs) == connection.execute(f"select count(*) from {masked.relation_name}").fetchall()[0][0]
        )
        wrong = [(raw, value) for raw, value in pairs if value != _salted(salt, raw)]
        assert not wrong, f"{masked.name}.{column}: {len(wrong)} hashes differ, e.g. {wrong[:2]}"
        # Not a plain (unsalted) hash either, which anyone could recompute from a list of e-mails.
        unsalted = {hashlib.sha256(raw.encode()).hexdigest() for raw, _ in pairs if raw is not None}
        unsalted |= {hashlib.sha256(raw.lower().encode()).hexdigest() for raw, _ in pairs if raw is not None}
        assert not unsalted & {value for _, value in pairs}, f"{masked.name}.{column}: unsalted hashes"


@pytest.fixture(scope="module")
def grant_capable_compile(duckdb_project: DbtProject, tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    """The project compiled as for a production engine with grants: another salt, the salt required, grants
    forced on. Compiled against an empty DuckDB file of the same name (the compiled SQL names the session
    warehouse's catalog) so the session warehouse stays untouched and readable."""
    project = DbtProject(
        "dev",
        tmp_path_factory.mktemp("masking"),
        {"CDP_PII_SALT": OTHER_SALT},
    )
    assert project.duckdb_path.name == duckdb_project.duckdb_path.name
    project.dbt(
        "compile",
        "--select",
        "path:models/marts/masked",
        "--vars",
        f"{{cdp__require_pii_salt: true, cdp__apply_grants: true, cdp__bi_reader_roles: [{BI_ROLE}]}}",
    )
    return project


def _compiled_sql(project: DbtProject, masked: Relation) -> str:
    return (project.target_path / "compiled" / "cdp" / masked.path).read_text()


def test_another_salt_gives_other_hashes(
    manifest: Manifest, connection, grant_capable_compile: DbtProject
) -> None:
    assert _build_salt() != OTHER_SALT
    for masked, column in _hashed(manifest):
        sql = _compiled_sql(grant_capable_compile, masked)
        assert OTHER_SALT in sql and _build_salt() not in sql
        built = dict(_pairs(connection, manifest, masked, column))
        if not built:
            continue  # an empty mart (fct_retention_expired_daily: the demo keeps every event)
        other = _pairs(connection, manifest, masked, column, masked_sql=sql)
        assert other and all(value == _salted(OTHER_SALT, raw) for raw, value in other), (masked.name, column)
        assert all(value != built[raw] for raw, value in other if raw is not None), (masked.name, column)


def test_a_required_salt_fails_the_build_when_unset(duckdb_project: DbtProject, tmp_path: Path) -> None:
    project = DbtProject("dev", tmp_path, {"CDP_PII_SALT": ""})
    result = project.dbt(
        "compile", "--select", "dim_customers_masked", "--vars", "{cdp__require_pii_salt: true}", check=False
    )
    assert result.returncode != 0
    assert "CDP_PII_SALT is not set and var cdp__require_pii_salt is true" in result.stdout


# --- Grants: the BI readers' role gets the masked views and nothing else ------------------------------------


def test_grants_go_to_every_masked_view_and_no_other_model(grant_capable_compile: DbtProject) -> None:
    nodes = grant_capable_compile.manifest()["nodes"].values()
    granted = {
        n["name"]: n["config"]["grants"]
        for n in nodes
        if n["resource_type"] == "model" and n["config"]["grants"]
    }
    masked = {
        n["name"]
        for n in nodes
        if n["resource_type"] == "model" and Path(n["original_file_path"]).parts[:3] == MASKED_DIR
    }
    assert masked and set(granted) == masked
    assert all(grants == {"select": [BI_ROLE]} for grants in granted.values()), granted


def test_duckdb_builds_the_masked_views_without_grants(
    duckdb_project: DbtProject, manifest: Manifest
) -> None:
    nodes = duckdb_project.manifest()["nodes"]
    assert all(
        not node["config"].get("grants") for node in nodes.values() if node["resource_type"] == "model"
    )
    status = {r["unique_id"]: r["status"] for r in duckdb_project.run_results()}
    for masked in _masked(manifest):
        assert status[f"model.cdp.{masked.name}"] == "success", masked.name


# --- What BI reads ------------------------------------------------------------------------------------------


def test_the_bi_dashboard_reads_only_masked_views(duckdb_project: DbtProject, manifest: Manifest) -> None:
    exposures = duckdb_project.manifest()["exposures"].values()
    dashboards = [exposure for exposure in exposures if exposure["type"] == "dashboard"]
    assert [exposure["name"] for exposure in dashboards] == ["customer_360_dashboard"]
    masked = {model.name for model in _masked(manifest)}
    for exposure in dashboards:
        read = [node.split(".")[-1] for node in exposure["depends_on"]["nodes"]]
        assert "mart_customer_360_masked" in read
        # The BI role is granted the masked views only: anything else would fail for the dashboard, and a mart
        # read directly could carry direct PII.
        assert set(read) <= masked, set(read) - masked
        unmasked = [name for name in read if name not in masked and _direct(manifest.model(name))]
        assert not unmasked, unmasked
