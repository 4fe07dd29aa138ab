"""Save a trained Fellegi-Sunter model: the estimated m, u and prior as `cdp__fs_fixed_parameters`.

The identity stage re-estimates its parameters on every build (u from a random sample, m and the prior by EM).
Once a warehouse has been built on representative data, its parameters can be frozen, as a Splink user saves a
trained model and reuses it for prediction: every later build (other data, a daily increment, another engine)
then scores pairs with exactly these weights. Term frequencies are still taken from the data being scored.
"""

from __future__ import annotations

from typing import Any

import duckdb
import yaml

from cdp.identity.evaluate import locate_relation

VAR_NAME = "cdp__fs_fixed_parameters"


def read_parameters(connection: duckdb.DuckDBPyConnection, catalog: str) -> dict[str, Any]:
    """The value for var ``cdp__fs_fixed_parameters`` from int_fs_parameters in attached database ``catalog``.

    ``{lambda: <prior over all record pairs>, levels: [{field, level, m, u}, ...]}``, levels in field and
    level order, probabilities as floats (full precision, so a rebuild reproduces the weights exactly).
    """
    relation = locate_relation(connection, catalog, "int_fs_parameters")
    rows = connection.execute(
        f"""
        select field_name, comparison_level, m_probability, u_probability, lambda_all_pairs
        from {relation}
        order by field_name, comparison_level
        """
    ).fetchall()
    if not rows:
        raise LookupError("int_fs_parameters is empty: build the identity stage on some data first")
    lambdas = {row[4] for row in rows}
    if len(lambdas) != 1:
        raise ValueError(f"int_fs_parameters holds {len(lambdas)} different priors; expected one")
    return {
        "lambda": float(lambdas.pop()),
        "levels": [
            {"field": field, "level": int(level), "m": float(m), "u": float(u)}
            for field, level, m, u, _ in rows
        ],
    }


def to_yaml(parameters: dict[str, Any]) -> str:
    """``vars:``-ready YAML: paste under ``vars:`` in dbt_project.yml, or pass as a vars file."""
    return yaml.safe_dump({VAR_NAME: parameters}, sort_keys=False, default_flow_style=None, width=120)
