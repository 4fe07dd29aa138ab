"""``cdp summary``: what the last build staged, quarantined and expired (retention), source table by source
table."""

from __future__ import annotations

import argparse

import duckdb

from cdp.warehouse import Manifest, WarehouseError, connect_duckdb


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("summary", help="print rows in / staged / quarantined per source table")
    parser.add_argument("--target", default="dev", choices=["dev"], help="dbt target to read (DuckDB)")
    parser.set_defaults(handler=run)


EXPIRED_MODEL = "fct_retention_expired_daily"


def expired_counts(manifest: Manifest, connection) -> dict[str, int]:
    """Raw rows each source table's retention window moved out of staging (fct_retention_expired_daily, by raw
    table name ``<source>_<table>``); empty when that model is not built."""
    try:
        relation = manifest.model(EXPIRED_MODEL).relation_name
        return dict(
            connection.execute(
                f"select source_table, cast(sum(event_count) as bigint) from {relation} group by 1"
            ).fetchall()
        )
    except (KeyError, duckdb.CatalogException, WarehouseError):
        return {}


def staging_counts(manifest: Manifest, connection) -> list[dict]:
    """Rows in, staged, quarantined and expired (retention) per source table, with the quarantine reasons."""
    models = {model.name: model for model in manifest.models("stg_")}
    expired = expired_counts(manifest, connection)
    rows = []
    for source in manifest.sources():
        source_name, table = source.name.split(".", 1)
        staged = models.get(f"stg_{source_name}__{table}")
        quarantined = models.get(f"stg_{source_name}__{table}_quarantine")
        if staged is None or quarantined is None:
            continue
        count = lambda relation: int(connection.execute(f"select count(*) from {relation}").fetchone()[0])  # noqa: E731
        reasons = connection.execute(
            f"select dq_reason, count(*) from {quarantined.relation_name} group by 1 order by 2 desc, 1"
        ).fetchall()
        rows.append(
            {
                "source": source.name,
                "rows_in": count(source.relation_name),
                "staged": count(staged.relation_name),
                "quarantined": count(quarantined.relation_name),
                "expired": expired.get(f"{source_name}_{table}", 0),
                "reasons": dict(reasons),
            }
        )
    return rows


def run(args: argparse.Namespace) -> int:
    manifest = Manifest.load()
    with connect_duckdb() as connection:
        rows = staging_counts(manifest, connection)
    print(f"{'source table':<32} {'rows in':>10} {'staged':>10} {'quarantined':>12}  reasons")
    for row in rows:
        reasons = ", ".join(f"{reason}={count}" for reason, count in row["reasons"].items())
        reconciled = (
            ""
            if row["rows_in"] == row["staged"] + row["quarantined"] + row["expired"]
            else "  << DOES NOT RECONCILE"
        )
        if row["expired"]:
            reasons = f"{reasons}; {row['expired']:,} expired (retention)"
        print(
            f"{row['source']:<32} {row['rows_in']:>10,} {row['staged']:>10,} {row['quarantined']:>12,}  "
            f"{reasons}{reconciled}"
        )
    total_in = sum(row["rows_in"] for row in rows)
    total_staged = sum(row["staged"] for row in rows)
    total_quarantined = sum(row["quarantined"] for row in rows)
    print(f"{'total':<32} {total_in:>10,} {total_staged:>10,} {total_quarantined:>12,}")
    return 0 if total_in == total_staged + total_quarantined else 1
