"""Turn the declarations (audiences, their syncs, the destinations) and dbt's manifest into sync jobs."""

from __future__ import annotations

import uuid

import duckdb

from cdp.activation.compile import outputs, stale
from cdp.activation.spec import SOURCE_MODEL, Audience, DestinationSpec
from cdp.destinations import registry
from cdp.destinations.base import ConfigError
from cdp.sync.engine import SyncJob
from cdp.sync.state import SCHEMA, ensure_schema
from cdp.warehouse import Manifest

PROFILE_MODEL = "dim_customers"  # where the sync engine reads consent and erasure of people who left
# sync_runs.status of a run refused before sending anything because a data contract failed.
REFUSED = "refused_contract"


def build_jobs(
    audiences: list[Audience],
    destinations: dict[str, DestinationSpec],
    manifest: Manifest,
    *,
    only_audiences: tuple[str, ...] = (),
    only_destinations: tuple[str, ...] = (),
) -> list[SyncJob]:
    """One job per (audience, sync) selected; fails loudly on a stale compile, an unknown name or a bad
    mapping."""
    out_of_date = stale(outputs(audiences))
    if out_of_date:
        raise ConfigError(
            f"the audience models are out of date ({', '.join(p.name for p in out_of_date)}): "
            "run `cdp audiences compile` and `dbt build`"
        )
    known = {a.name for a in audiences}
    for name in only_audiences:
        if name not in known:
            raise ConfigError(f"no audience named {name!r}; declared: {sorted(known)}")
    for name in only_destinations:
        if name not in destinations:
            raise ConfigError(f"no destination named {name!r}; declared: {sorted(destinations)}")
    types = registry()
    profile = manifest.model(PROFILE_MODEL).relation_name
    jobs = []
    for audience in audiences:
        if only_audiences and audience.name not in only_audiences:
            continue
        relation = manifest.model(audience.model).relation_name
        for sync in audience.syncs:
            if only_destinations and sync.destination not in only_destinations:
                continue
            spec = destinations[sync.destination]
            if spec.type not in types:
                raise ConfigError(
                    f"destination {spec.name!r}: unknown type {spec.type!r}; known: {sorted(types)}"
                )
            destination = types[spec.type](spec, sync, audience.name)
            needed = {"upsert": "upsert", "mirror": "upsert", "insert": "insert", "update": "update"}[
                sync.mode
            ]
            missing = {needed, "remove"} - set(destination.operations)
            if missing:
                raise ConfigError(f"{audience.name} -> {spec.name}: {spec.type} cannot {sorted(missing)}")
            jobs.append(SyncJob(audience, sync, destination, relation, profile))
    return jobs


def check_built(con: duckdb.DuckDBPyConnection, jobs: list[SyncJob]) -> None:
    """Fail with what to run when an audience model is missing from the warehouse or lacks a column its syncs
    map (the YAML changed and was compiled, but dbt has not built it since)."""
    for job in jobs:
        try:
            columns = {row[0] for row in con.execute(f"describe {job.audience_relation}").fetchall()}
        except duckdb.CatalogException:
            columns = set()
        missing = sorted(set(job.audience.carried_columns) - columns)
        if not columns or missing:
            what = "is not built" if not columns else f"lacks {missing}"
            raise ConfigError(f"{job.audience.model} {what}: run `dbt build -s {job.audience.model}`")
        # Groups declared since the last build would select nobody, and a mirror sync would remove everyone.
        built = {
            g
            for (g,) in con.execute(f"select distinct audience_group from {job.audience_relation}").fetchall()
        }
        if built - set(job.audience.groups):
            raise ConfigError(
                f"{job.audience.model} was built with groups {sorted(built)}, the declaration has "
                f"{list(job.audience.groups)}: run `dbt build -s {job.audience.model}`"
            )


def contract_models(job: SyncJob) -> list[str]:
    """The public models whose data contracts a sync relies on: the audience and the marts it reads (the 360
    it selects from, the golden record the engine reads consent and erasure from)."""
    return [job.audience.model, SOURCE_MODEL, PROFILE_MODEL]


def contract_failures(
    con: duckdb.DuckDBPyConnection, manifest: Manifest, jobs: list[SyncJob]
) -> dict[str, list[str]]:
    """Run the great-expectations suite of every model the jobs read (each once): per audience, the failed
    expectations of its models, as ``model: expectation(column) ...`` lines; audiences whose contracts hold
    are absent."""
    from cdp.contracts.run import Validator, validate_models

    names = list(dict.fromkeys(name for job in jobs for name in contract_models(job)))
    results = {r.model: r for r in validate_models(con, manifest, names, Validator())}
    refused: dict[str, list[str]] = {}
    for job in jobs:
        lines = [
            f"{model}: {failure}" for model in contract_models(job) for failure in results[model].failures
        ]
        if lines:
            refused[job.audience.name] = lines
    return refused


def record_refusal(con: duckdb.DuckDBPyConnection, job: SyncJob, status: str = REFUSED) -> None:
    """A run that sent nothing because a data contract failed, in the run log (``sync_runs``)."""
    ensure_schema(con)
    con.execute(
        f"""
        insert into {SCHEMA}.sync_runs (
            run_id, sync_id, audience_name, destination, mode, status, started_at, finished_at,
            planned_rows, sent_rows, rejected_rows, failed_batches
        ) values (?, ?, ?, ?, ?, ?, current_timestamp, current_timestamp, 0, 0, 0, 0)
        """,
        [uuid.uuid4().hex, job.sync_id, job.audience.name, job.sync.destination, job.sync.mode, status],
    )
