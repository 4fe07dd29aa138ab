"""``cdp identity resolve``: run the identity stage on a CSV/Parquet file of person records.

The file is loaded as the raw CRM contacts table (``crm_contacts``) of a fresh warehouse, every other raw
table is empty, and ``dbt build -s +int_customer_ids`` runs on it; the result is one row per input record with
its customer_id (and the best probabilistic link score when the probabilistic matcher ran).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import duckdb

from cdp.warehouse import project_root

RAW_TABLE = "crm_contacts"
# Other names a column of a person file often has, for each crm_contacts column (compared case-insensitively,
# ignoring spaces, dashes and underscores).
ALIASES: dict[str, tuple[str, ...]] = {
    "contact_id": ("id", "record_id", "recordid", "customer_id", "person_id", "key", "contactid"),
    "first_name": ("firstname", "given_name", "givenname", "forename", "fname"),
    "last_name": ("lastname", "surname", "family_name", "familyname", "lname"),
    "email": ("email_address", "emailaddress", "e_mail", "mail"),
    "phone": ("phone_number", "phonenumber", "mobile", "telephone", "tel", "cell"),
    "date_of_birth": ("dob", "birth_date", "birthdate", "birthday", "dateofbirth"),
    "street": ("address", "address_line_1", "address1", "street_address", "addressline1"),
    "city": ("town", "locality"),
    "postcode": ("zip", "zipcode", "zip_code", "postal_code", "postalcode", "post_code"),
    "country": ("country_code", "countrycode", "nation"),
    "twitter_handle": ("twitter", "social_handle", "handle"),
}


def _squash(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def map_columns(
    input_columns: Sequence[str], target_columns: Sequence[str], overrides: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Target column -> input column: ``overrides`` (input=target) first, then same name, then an alias.

    Raises ``ValueError`` when an override names a column the input or the target does not have.
    """
    mapping: dict[str, str] = {}
    for source, target in (overrides or {}).items():
        if source not in input_columns:
            raise ValueError(f"--map {source}={target}: the input has no column {source!r}")
        if target not in target_columns:
            raise ValueError(f"--map {source}={target}: {target!r} is not one of {', '.join(target_columns)}")
        mapping[target] = source
    used = set(mapping.values())
    by_squashed = {_squash(column): column for column in input_columns}
    for target in target_columns:
        if target in mapping:
            continue
        for candidate in (target, *ALIASES.get(target, ())):
            column = by_squashed.get(_squash(candidate))
            if column is not None and column not in used:
                mapping[target] = column
                used.add(column)
                break
    return mapping


def _scan(path: Path) -> str:
    location = str(path).replace("'", "''")
    if path.suffix.lower() == ".parquet" or path.is_dir():
        return f"read_parquet('{location}{'/*.parquet' if path.is_dir() else ''}')"
    return f"read_csv('{location}', header = true, all_varchar = true)"


def write_empty_raw_tables(raw: Path) -> list[str]:
    """Write every raw table the generator knows as an empty Parquet file under ``raw/<table>/``."""
    from cdp.datagen.config import GenConfig
    from cdp.datagen.generate import generate

    template = raw.parent / "_template"
    # A tiny generated data set gives every raw table's columns (people=1 trips the generator).
    generate(GenConfig(people=20, seed=1), template, "parquet")
    tables = sorted(
        path.name for path in template.iterdir() if path.is_dir() and not path.name.startswith("_")
    )
    connection = duckdb.connect()
    try:
        for table in tables:
            (raw / table).mkdir(parents=True, exist_ok=True)
            connection.execute(
                f"copy (select * from read_parquet('{template / table}/*.parquet') limit 0)"
                f" to '{raw / table / 'part-0.parquet'}' (format parquet)"
            )
    finally:
        connection.close()
    shutil.rmtree(template)
    return tables


def load_input(input_path: Path, raw: Path, overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """Write ``input_path`` as ``raw/crm_contacts/part-0.parquet``; return the column mapping used."""
    target_file = raw / RAW_TABLE / "part-0.parquet"
    connection = duckdb.connect()
    try:
        target_columns = [
            row[0] for row in connection.execute(f"describe select * from '{target_file}'").fetchall()
        ]
        input_columns = [
            row[0] for row in connection.execute(f"describe select * from {_scan(input_path)}").fetchall()
        ]
        mapping = map_columns(input_columns, target_columns, overrides)
        now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        selects = []
        for column in target_columns:
            if column in mapping:
                selects.append(f'cast("{mapping[column]}" as varchar) as "{column}"')
            elif column == "contact_id":
                selects.append(f'cast(row_number() over () as varchar) as "{column}"')
            elif column in ("created_at", "updated_at", "_loaded_at"):
                selects.append(f"'{now}' as \"{column}\"")
            else:
                selects.append(f'cast(null as varchar) as "{column}"')
        connection.execute(f"create table loaded as select {', '.join(selects)} from {_scan(input_path)}")
        target_file.unlink()
        connection.execute(f"copy loaded to '{target_file}' (format parquet)")
    finally:
        connection.close()
    return mapping


def build(workdir: Path, raw: Path, probabilistic: bool) -> subprocess.CompletedProcess[str]:
    """``dbt build -s +int_customer_ids`` on the raw Parquet tables in a warehouse of its own."""
    root = project_root()
    env = dict(os.environ)
    env.update(
        DO_NOT_TRACK="1",
        DBT_PROFILES_DIR=str(root),
        CDP_ROOT=str(root),
        DBT_TARGET_PATH=str(workdir / "target"),
        DBT_LOG_PATH=str(workdir / "logs"),
        CDP_DUCKDB_PATH=str(workdir / "cdp.duckdb"),
    )
    variables = {"cdp__raw_parquet_path": str(raw.resolve()), "cdp__use_probabilistic_links": probabilistic}
    dbt = str(Path(sys.executable).with_name("dbt"))
    command = [dbt, "build", "--vars", json.dumps(variables), "--exclude", "path:seeds/demo"]
    command += ["--indirect-selection", "cautious", "--select", "+int_customer_ids"]
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)


def export(database: Path, raw: Path, output: Path) -> int:
    """Write ``record_id, customer_id, best_match_weight, best_match_probability`` for every input record.

    customer_id is empty for a record the identity stage did not resolve (quarantined in staging, or with
    nothing to match on).
    """
    from cdp.identity.evaluate import locate_relation

    connection = duckdb.connect()
    try:
        connection.execute(f"attach '{database}' as warehouse (read_only)")
        customers = locate_relation(connection, "warehouse", "int_customer_ids")
        contacts = f"read_parquet('{raw / RAW_TABLE}/*.parquet')"
        try:
            links = locate_relation(connection, "warehouse", "int_identity_probabilistic_links")
            scores = f"""
                select record_key, max(match_weight) as best_match_weight,
                    max(match_probability) as best_match_probability
                from (
                    select record_key_l as record_key, match_weight, match_probability from {links}
                    union all
                    select record_key_r, match_weight, match_probability from {links}
                )
                group by record_key
            """
        except LookupError:
            scores = (
                "select null::varchar as record_key, null::double as best_match_weight,"
                " null::double as best_match_probability where false"
            )
        connection.execute(
            f"""
            copy (
                with scores as ({scores})
                select
                    contacts.contact_id as record_id,
                    customers.customer_id,
                    scores.best_match_weight,
                    scores.best_match_probability
                from {contacts} as contacts
                left join {customers} as customers
                    on customers.record_key = '{RAW_TABLE}:' || contacts.contact_id
                left join scores on scores.record_key = '{RAW_TABLE}:' || contacts.contact_id
                order by customers.customer_id, contacts.contact_id
            ) to '{output}' (header, delimiter ',')
            """
        )
        (rows,) = connection.execute(f"select count(*) from read_csv('{output}')").fetchone()
    finally:
        connection.close()
    return int(rows)
