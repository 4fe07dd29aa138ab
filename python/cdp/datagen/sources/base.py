"""Shared machinery for the per-table generators: chunk context, id counters, malformed rows."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cdp.datagen import vec as V
from cdp.datagen.config import GenConfig
from cdp.datagen.people import Population
from cdp.datagen.schema import AMOUNT_COLUMN, LOADED_AT, SCHEMAS, TIMESTAMP_COLUMN

BAD_TIMESTAMPS = ("not a date", "2026-13-45", "31/31/2026", "0000-00-00T00:00:00Z", "yesterday", "")
#: Identifier columns nulled at ``Noise.missing_keys`` (only non-zero in ``--hard`` mode).
IDENTIFIER_COLUMNS = (
    "account_id",
    "user_id",
    "anonymous_id",
    "customer_email",
    "customer_phone",
    "loyalty_card_id",
    "recipient_email",
    "respondent_email",
    "requester_email",
    "device_id",
    "handle",
    "email",
    "phone",
)


@dataclass
class Catalog:
    """The product catalogue (shared by order lines, carts, reviews, web events)."""

    ids: pa.Array
    names: pa.Array
    price_cents: np.ndarray
    category: np.ndarray
    popularity: np.ndarray


@dataclass
class Campaigns:
    ids: pa.Array
    names: pa.Array
    ts: np.ndarray


@dataclass
class Context:
    """Everything a table generator needs for one chunk of people ``[lo, hi)``."""

    cfg: GenConfig
    pop: Population
    lo: int
    hi: int
    chunk: int
    catalog: Catalog
    campaigns: Campaigns
    counters: dict[str, int] = field(default_factory=dict)

    @property
    def people(self) -> np.ndarray:
        return np.arange(self.lo, self.hi)

    def rng(self, name: str) -> np.random.Generator:
        """Independent stream per (seed, table, chunk): tables never depend on each other's draw counts."""
        key = zlib.crc32(name.encode())
        return np.random.Generator(np.random.PCG64(np.random.SeedSequence([self.cfg.seed, key, self.chunk])))

    def seq(self, name: str, n: int) -> np.ndarray:
        """Next ``n`` values of a per-table counter (continues across chunks)."""
        start = self.counters.get(name, 0)
        self.counters[name] = start + n
        return np.arange(start, start + n, dtype=np.int64)

    def uniform_ts(self, rng: np.random.Generator, n: int, margin_days: float = 0) -> np.ndarray:
        hi = self.cfg.end_ts - int(margin_days * 86400)
        return rng.integers(self.cfg.start_ts, max(hi, self.cfg.start_ts + 1), size=n)

    def clip_ts(self, ts: np.ndarray) -> np.ndarray:
        return np.minimum(np.asarray(ts, dtype=np.int64), self.cfg.end_ts - 1)


@dataclass
class TableChunk:
    """Rows of one table for one chunk plus the acting person per row (-1: no person / no truth row)."""

    name: str
    table: pa.Table
    person: np.ndarray


def finish(
    ctx: Context | None,
    name: str,
    cols: dict[str, pa.Array],
    person: np.ndarray,
    event_ts: np.ndarray,
    rng: np.random.Generator,
    cfg: GenConfig,
) -> TableChunk:
    """Add ``_loaded_at``, hard-mode missing identifiers and ~0.5 % malformed rows; order columns."""
    n = len(person)
    nz = cfg.noise
    load_ts = (
        np.asarray(event_ts, dtype=np.int64)
        + 60
        + np.minimum(rng.exponential(3 * 3600, size=n).astype(np.int64), 86400)
    )
    cols = dict(cols)
    for c in SCHEMAS[name]:
        if c not in cols:
            raise KeyError(f"{name}: missing column {c}")
        if len(cols[c]) != n:
            raise ValueError(f"{name}.{c}: {len(cols[c])} rows, expected {n}")
    if nz.missing_keys:
        for c in IDENTIFIER_COLUMNS:
            if c in cols and c != SCHEMAS[name][0]:
                cols[c] = V.nullify(cols[c], rng.random(n) < nz.missing_keys)

    # malformed rows: missing key, unparseable timestamp, negative amount, re-delivered duplicate
    key = SCHEMAS[name][0]
    bad = np.nonzero(rng.random(n) < nz.malformed_rows)[0]
    if n >= 100 and len(bad) < 4:  # small tables still show every kind of malformation
        bad = np.unique(np.concatenate([bad, rng.choice(n, 4, replace=False)]))
    kinds = ["missing_key", "duplicate"]
    if TIMESTAMP_COLUMN.get(name):
        kinds.append("bad_ts")
    if name in AMOUNT_COLUMN:
        kinds.append("negative")
    kind = rng.integers(0, len(kinds), len(bad))
    # guarantee every kind at least once when there is room (tests and staging rely on seeing each)
    if len(bad) >= len(kinds):
        kind[: len(kinds)] = np.arange(len(kinds))

    def rows(k: str) -> np.ndarray:
        m = np.zeros(n, dtype=bool)
        m[bad[kind == kinds.index(k)]] = True
        return m

    cols[key] = V.nullify(cols[key], rows("missing_key"))
    if "bad_ts" in kinds:
        c = TIMESTAMP_COLUMN[name]
        m = rows("bad_ts")
        cols[c] = V.where(
            m, V.take(BAD_TIMESTAMPS[:-1], rng.integers(0, len(BAD_TIMESTAMPS) - 1, n)), cols[c]
        )
    if "negative" in kinds:
        c = AMOUNT_COLUMN[name]
        m = rows("negative") & ~V.is_null(cols[c])
        cols[c] = V.where(m, V.cat("-", cols[c]), cols[c])
    cols[LOADED_AT] = V.iso_z(load_ts)
    order = [*SCHEMAS[name], LOADED_AT]
    table = pa.table({c: cols[c] for c in order})
    dup = rows("duplicate") & ~V.is_null(cols[key])
    if dup.any():
        di = np.nonzero(dup)[0]
        extra = table.take(pa.array(di))
        later = load_ts[di] + rng.integers(3600, 5 * 86400, len(di))
        extra = extra.set_column(len(order) - 1, LOADED_AT, V.iso_z(later))
        table = pa.concat_tables([table, extra])
        person = np.concatenate([person, person[di]])
    return TableChunk(name, table, np.asarray(person, dtype=np.int64))


def entity_pick(
    rng: np.random.Generator, ent_person: np.ndarray, person: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """For each ``person``, a random one of their entities (index into the entity arrays; -1 when none)."""
    start = np.searchsorted(ent_person, person, side="left")
    stop = np.searchsorted(ent_person, person, side="right")
    cnt = stop - start
    idx = start + (rng.random(len(person)) * np.maximum(cnt, 1)).astype(np.int64)
    return np.where(cnt > 0, idx, -1), cnt


def take_or_null(arr: pa.Array, idx: np.ndarray) -> pa.Array:
    """``arr[idx]`` with -1 meaning null."""
    out = arr.take(pa.array(np.maximum(idx, 0)))
    return V.nullify(out, idx < 0)


def str_eq(arr: pa.Array, value: str) -> np.ndarray:
    return np.asarray(pc.equal(arr, value).fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)
