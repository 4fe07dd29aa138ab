"""Turn the declarations (audiences, their syncs, the destinations) and dbt's manifest into sync jobs."""

from __future__ import annotations

from cdp.activation.compile import outputs, stale
from cdp.activation.spec import Audience, DestinationSpec
from cdp.destinations import registry
from cdp.destinations.base import ConfigError
from cdp.sync.engine import SyncJob
from cdp.warehouse import Manifest

PROFILE_MODEL = "dim_customers"  # where the sync engine reads consent and erasure of people who left


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
