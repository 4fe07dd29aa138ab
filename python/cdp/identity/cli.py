"""``cdp identity``: score the identity resolution against a ground truth."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from cdp.warehouse import project_root


def add_parser(commands: argparse._SubParsersAction) -> None:
    """Register ``cdp identity`` and its sub-commands."""
    parser = commands.add_parser(
        "identity", help="identity resolution tools: evaluate against a truth, resolve a file"
    )
    sub = parser.add_subparsers(dest="identity_command", required=True)

    evaluate = sub.add_parser(
        "evaluate",
        help="pairwise precision/recall/F1 and cluster figures of int_customer_ids against a truth",
        description=(
            "Score the record -> customer_id clustering (the model int_customer_ids, or --model) against a "
            "ground truth record_truth.csv|parquet (source_table, record_id, person_id)."
        ),
    )
    evaluate.add_argument(
        "--truth",
        type=Path,
        default=project_root() / "data" / "demo_truth",
        help="directory holding record_truth.parquet|csv, or the file itself (default data/demo_truth)",
    )
    evaluate.add_argument(
        "--database",
        default=None,
        help="DuckDB file of the warehouse (default $CDP_DUCKDB_PATH, else cdp.duckdb in the project)",
    )
    evaluate.add_argument(
        "--model",
        default="int_customer_ids",
        help="relation with record_key, customer_id: a model name or schema.name (default int_customer_ids)",
    )
    evaluate.add_argument(
        "--tables",
        nargs="+",
        metavar="RAW_TABLE",
        help="score only records of these raw tables (e.g. crm_contacts shop_accounts); comma lists work too",
    )
    evaluate.add_argument(
        "--missing",
        choices=["singleton", "drop"],
        default="singleton",
        help="truth records with no customer_id: score as singletons (default) or leave out",
    )
    evaluate.add_argument(
        "--by-table-pair", action="store_true", help="add a breakdown per source table pair"
    )
    evaluate.add_argument(
        "--ceiling",
        action="store_true",
        help=(
            "also score the evidence ceiling: the best clustering the data allows (records of one person "
            "linked only where they share an identifier, e-mail, phone, date of birth or postcode)"
        ),
    )
    evaluate.add_argument("--json", action="store_true", help="print JSON instead of text")
    evaluate.add_argument("--output", type=Path, help="also write the JSON report to this file")
    evaluate.set_defaults(handler=run_evaluate)
    add_resolve_parser(sub)

    export = sub.add_parser(
        "export-parameters",
        help="save the trained Fellegi-Sunter m/u/prior as cdp__fs_fixed_parameters (YAML)",
        description=(
            "Read int_fs_parameters from the warehouse and print (or write) it as the var "
            "cdp__fs_fixed_parameters, so later builds score with exactly these weights instead of "
            "re-estimating them."
        ),
    )
    export.add_argument(
        "--database", default=None, help="DuckDB file (default $CDP_DUCKDB_PATH, else cdp.duckdb)"
    )
    export.add_argument("--output", type=Path, help="write the YAML here instead of printing it")
    export.set_defaults(handler=run_export_parameters)


def _attach_warehouse(database: str | None):
    """An in-memory DuckDB connection with the warehouse file attached read-only as ``warehouse``.

    ``database`` defaults to $CDP_DUCKDB_PATH, else cdp.duckdb in the project; returns (path, connection).
    """
    import duckdb

    database = database or os.environ.get("CDP_DUCKDB_PATH") or str(project_root() / "cdp.duckdb")
    if not Path(database).exists():
        raise SystemExit(f"{database} not found: run `dbt build` first (or pass --database)")
    connection = duckdb.connect()
    escaped = database.replace("'", "''")
    connection.execute(f"attach '{escaped}' as warehouse (read_only)")
    return database, connection


def run_evaluate(args: argparse.Namespace) -> int:
    """Handler of ``cdp identity evaluate``."""

    from cdp.identity.evaluate import (
        evaluate,
        format_report,
        locate_relation,
        register_evidence,
        register_evidence_ceiling,
        register_predictions,
        register_truth,
        truth_scan_sql,
        within_ceiling,
    )

    tables = [table for item in args.tables or [] for table in item.split(",") if table]
    database, connection = _attach_warehouse(args.database)
    try:
        if "." in args.model:
            schema, name = args.model.split(".", 1)
            relation = f'"warehouse"."{schema}"."{name}"'
        else:
            try:
                relation = locate_relation(connection, "warehouse", args.model)
            except LookupError as error:
                raise SystemExit(str(error)) from error
        register_truth(connection, truth_scan_sql(args.truth))
        register_predictions(connection, relation)
        result = evaluate(
            connection, tables=tables or None, missing=args.missing, by_table_pair=args.by_table_pair
        )
        ceiling = None
        if args.ceiling:
            try:
                register_evidence(
                    connection,
                    locate_relation(connection, "warehouse", "int_identity_observations_assessed"),
                    locate_relation(connection, "warehouse", "int_person_records"),
                )
            except LookupError as error:
                raise SystemExit(str(error)) from error
            register_evidence_ceiling(connection)
            ceiling = evaluate(connection, tables=tables or None, missing="singleton")
    finally:
        connection.close()
    report = result.to_dict()
    report.update(model=args.model, database=database, truth=str(args.truth), tables=tables or None)
    if ceiling is not None:
        report["evidence_ceiling"] = ceiling.to_dict()
        reached, f1_within = within_ceiling(result.precision, result.recall, ceiling.recall)
        report["share_of_ceiling_recall"] = round(reached, 6)
        report["f1_within_ceiling"] = round(f1_within, 6)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(report, indent=2) + "\n")
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        scope = ", ".join(tables) if tables else "all source tables"
        print(f"identity evaluation of {args.model} against {args.truth} ({scope})")
        print(format_report(result))
        if ceiling is not None:
            print()
            print("evidence ceiling (the best any matcher can do: records of a person linked only where")
            print("they share an identifier, e-mail, phone, date of birth or postcode; precision 1)")
            print(f"ceiling recall            {ceiling.recall:>12.4f}   F1 {ceiling.f1:.4f}")
            print(f"recall reached            {report['share_of_ceiling_recall']:>12.4f}   of the ceiling")
            print(
                f"F1 within the ceiling     {report['f1_within_ceiling']:>12.4f}   (of the two lines above)"
            )
    return 0


def run_export_parameters(args: argparse.Namespace) -> int:
    """Handler of ``cdp identity export-parameters``."""

    from cdp.identity.parameters import read_parameters, to_yaml

    _, connection = _attach_warehouse(args.database)
    try:
        try:
            text = to_yaml(read_parameters(connection, "warehouse"))
        except (LookupError, ValueError) as error:
            raise SystemExit(str(error)) from error
    finally:
        connection.close()
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text)
        print(f'wrote {args.output}: use it with dbt build --vars "$(cat {args.output})"')
    else:
        print(text, end="")
    return 0


def add_resolve_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``cdp identity resolve``."""
    resolve = sub.add_parser(
        "resolve",
        help="resolve a CSV/Parquet file of person records into customer ids (fresh warehouse)",
        description=(
            "Load a file of person records as the raw CRM contacts table of a fresh warehouse (every other "
            "raw table empty), build staging + identity, and write record_id -> customer_id with link scores."
        ),
    )
    resolve.add_argument("--input", type=Path, required=True, help="CSV (header row) or Parquet file")
    resolve.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="COLUMN=FIELD",
        help="map an input column to a crm_contacts field (repeatable), e.g. --map fornavn=first_name",
    )
    resolve.add_argument(
        "--out", type=Path, default=Path("identity_resolve"), help="work and output directory"
    )
    resolve.add_argument(
        "--probabilistic",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="union the probabilistic (name/dob/address) links into the graph (default on)",
    )
    resolve.set_defaults(handler=run_resolve)


def run_resolve(args: argparse.Namespace) -> int:
    """Handler of ``cdp identity resolve``."""
    import shutil

    from cdp.identity.resolve import build, export, load_input, write_empty_raw_tables

    if not args.input.exists():
        raise SystemExit(f"{args.input} not found")
    overrides = {}
    for item in args.map:
        column, separator, target = item.partition("=")
        if not separator:
            raise SystemExit(f"--map {item}: expected COLUMN=FIELD")
        overrides[column] = target
    workdir = args.out.resolve()
    raw = workdir / "raw"
    if raw.exists():
        shutil.rmtree(raw)
    for stale in ("cdp.duckdb", "cdp.duckdb.wal"):
        (workdir / stale).unlink(missing_ok=True)
    raw.mkdir(parents=True)
    write_empty_raw_tables(raw)
    try:
        mapping = load_input(args.input, raw, overrides)
    except ValueError as error:
        raise SystemExit(str(error)) from error
    print("columns: " + ", ".join(f"{source} -> {target}" for target, source in mapping.items()))
    result = build(workdir, raw, args.probabilistic)
    if result.returncode != 0:
        print(result.stdout[-4000:])
        print(f"dbt build failed (logs in {workdir / 'logs'})")
        if not (workdir / "cdp.duckdb").exists():
            return 1
    output = workdir / "customer_ids.csv"
    rows = export(workdir / "cdp.duckdb", raw, output)
    print(f"wrote {output} ({rows:,} records)")
    return 0 if result.returncode == 0 else 1
