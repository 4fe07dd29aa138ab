"""A trained Fellegi-Sunter model saved with ``cdp identity export-parameters`` and fed back as
``cdp__fs_fixed_parameters`` reproduces the same parameters and the same links."""

from __future__ import annotations

import shutil

import duckdb
import pytest
import yaml

from cdp.identity.parameters import VAR_NAME, read_parameters, to_yaml
from tests.dbt_harness import DbtProject

PARAMETERS = "select field_name, comparison_level, m_probability, u_probability, lambda_all_pairs"
LINKS = (
    "select record_key_l, record_key_r, match_weight from cdp_intermediate.int_identity_probabilistic_links"
)


def _read(path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_exported_parameters_reproduce_the_links(duckdb_project: DbtProject, tmp_path) -> None:
    with duckdb.connect() as con:
        con.execute(f"attach '{duckdb_project.duckdb_path}' as warehouse (read_only)")
        parameters = read_parameters(con, "warehouse")
    table = _read(
        duckdb_project.duckdb_path,
        f"{PARAMETERS} from cdp_intermediate.int_fs_parameters order by field_name, comparison_level",
    )
    assert [(p["field"], p["level"], p["m"], p["u"]) for p in parameters["levels"]] == [
        row[:4] for row in table
    ]
    assert parameters["lambda"] == table[0][4]
    text = to_yaml(parameters)
    assert yaml.safe_load(text) == {VAR_NAME: parameters}

    # Rebuild the matcher in a copy of the warehouse with the saved model: nothing is re-estimated.
    copy = DbtProject("dev", tmp_path, {})
    shutil.copy(duckdb_project.duckdb_path, copy.duckdb_path)
    copy.dbt("run", "-s", "int_fs_parameters", "int_identity_probabilistic_links", "--vars", text)
    rebuilt = _read(
        copy.duckdb_path,
        f"{PARAMETERS}, is_fixed_by_hand from cdp_intermediate.int_fs_parameters"
        " order by field_name, comparison_level",
    )
    assert all(row[5] for row in rebuilt)
    for before, after in zip(table, rebuilt, strict=True):
        assert before[:2] == after[:2]
        assert after[2:5] == pytest.approx(before[2:5], rel=1e-12)
    links_before = sorted(_read(duckdb_project.duckdb_path, LINKS))
    links_after = sorted(_read(copy.duckdb_path, LINKS))
    assert [link[:2] for link in links_after] == [link[:2] for link in links_before]
    assert [link[2] for link in links_after] == pytest.approx([link[2] for link in links_before], rel=1e-5)
