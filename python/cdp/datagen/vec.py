"""Vectorised string building on Arrow arrays (all heavy lifting in C++/numpy, no per-row Python)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

STR = pa.string()
NULL = pa.scalar(None, STR)
Part = pa.Array | pa.ChunkedArray | str | pa.Scalar


def sarr(values: Sequence[str | None] | np.ndarray) -> pa.Array:
    """A string array from Python values."""
    return pa.array(list(values) if not isinstance(values, np.ndarray) else values.tolist(), type=STR)


def take(pool: pa.Array | Sequence[str], idx: np.ndarray) -> pa.Array:
    """``pool[idx]`` as an Arrow string array."""
    if not isinstance(pool, pa.Array):
        pool = sarr(pool)
    return pool.take(pa.array(np.asarray(idx, dtype=np.int64)))


def cat(*parts: Part) -> pa.Array:
    """Element-wise concatenation; null if any part is null."""
    args = [pa.scalar(p, STR) if isinstance(p, str) else p for p in parts]
    if len(args) == 1:
        return args[0]
    return pc.binary_join_element_wise(*args, "")


def num(values: np.ndarray, width: int = 0) -> pa.Array:
    """Integers as decimal strings, optionally zero-padded to ``width``."""
    out = pc.cast(pa.array(np.asarray(values, dtype=np.int64)), STR)
    return pc.utf8_lpad(out, width, "0") if width else out


def money(cents: np.ndarray) -> pa.Array:
    """Integer cents as ``123.45`` (negative allowed)."""
    cents = np.asarray(cents, dtype=np.int64)
    a = np.abs(cents)
    out = cat(num(a // 100), ".", num(a % 100, 2))
    neg = cents < 0
    return where(neg, cat("-", out), out) if neg.any() else out


def where(mask: np.ndarray, a: Part, b: Part) -> pa.Array:
    """``a`` where mask else ``b`` (scalars broadcast)."""
    a = pa.scalar(a, STR) if isinstance(a, str) or a is None else a
    b = pa.scalar(b, STR) if isinstance(b, str) or b is None else b
    return pc.if_else(pa.array(np.asarray(mask, dtype=bool)), a, b)


def nullify(arr: pa.Array, mask: np.ndarray) -> pa.Array:
    """Set masked entries to null."""
    if not np.any(mask):
        return arr
    return pc.if_else(pa.array(np.asarray(mask, dtype=bool)), NULL, arr)


def nulls(n: int) -> pa.Array:
    return pa.nulls(n, STR)


def const(value: str, n: int) -> pa.Array:
    return pa.array(np.full(n, value, dtype=object), type=STR) if n else pa.array([], STR)


def map_subset(
    arr: pa.Array, mask: np.ndarray, fn: Callable[[str, int], str | None], rand: np.ndarray
) -> pa.Array:
    """Apply a Python ``fn(value, random_int)`` to the masked non-null entries only (used for rare noise)."""
    mask = np.asarray(mask, dtype=bool) & ~np.asarray(
        arr.is_null().to_numpy(zero_copy_only=False), dtype=bool
    )
    if not mask.any():
        return arr
    vals = arr.filter(pa.array(mask)).to_pylist()
    rs = rand[mask]
    new = pa.array([fn(v, int(r)) for v, r in zip(vals, rs, strict=True)], type=STR)
    return pc.replace_with_mask(arr, pa.array(mask), new)


def is_null(arr: pa.Array) -> np.ndarray:
    return np.asarray(arr.is_null().to_numpy(zero_copy_only=False), dtype=bool)


def fixed_width(mat: np.ndarray) -> pa.Array:
    """Rows of an ``(n, w)`` uint8 ASCII matrix as a string array (zero-copy)."""
    n, w = mat.shape
    data = np.ascontiguousarray(mat, dtype=np.uint8).tobytes()
    offsets = (np.arange(n + 1, dtype=np.int32) * w).tobytes()
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data))


_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_ALNUM = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz0123456789", dtype=np.uint8)


def hex_ids(rng: np.random.Generator, n: int, width: int = 32, prefix: str = "") -> pa.Array:
    """Random lowercase hex strings."""
    out = fixed_width(_HEX[rng.integers(0, 16, size=(n, width))])
    return cat(prefix, out) if prefix else out


def alnum_ids(rng: np.random.Generator, n: int, width: int, prefix: str = "") -> pa.Array:
    out = fixed_width(_ALNUM[rng.integers(0, len(_ALNUM), size=(n, width))])
    return cat(prefix, out) if prefix else out


def uuids(rng: np.random.Generator, n: int) -> pa.Array:
    """Random version-4-looking UUID strings."""
    mat = np.empty((n, 36), dtype=np.uint8)
    hexpos = [i for i in range(36) if i not in (8, 13, 18, 23)]
    mat[:, hexpos] = _HEX[rng.integers(0, 16, size=(n, 32))]
    mat[:, [8, 13, 18, 23]] = ord("-")
    mat[:, 14] = ord("4")
    mat[:, 19] = _HEX[rng.integers(8, 12, size=n)]
    return fixed_width(mat)


def digits(rng: np.random.Generator, n: int, width: int) -> pa.Array:
    return fixed_width(48 + rng.integers(0, 10, size=(n, width)).astype(np.uint8))


# --- time formatting -------------------------------------------------------------------------------------


def _civil(ts: np.ndarray) -> dict[str, np.ndarray]:
    ts = np.asarray(ts, dtype=np.int64)
    days = ts // 86400
    sod = ts - days * 86400
    d = days.astype("datetime64[D]")
    y = d.astype("datetime64[Y]")
    m = d.astype("datetime64[M]")
    return {
        "YYYY": y.astype(np.int64) + 1970,
        "MM": (m - y.astype("datetime64[M]")).astype(np.int64) + 1,
        "DD": (d - m.astype("datetime64[D]")).astype(np.int64) + 1,
        "hh": sod // 3600,
        "mm": sod // 60 % 60,
        "ss": sod % 60,
    }


def _tokens(pattern: str) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    i = 0
    while i < len(pattern):
        for tok in ("YYYY", "MM", "DD", "hh", "mm", "ss"):
            if pattern.startswith(tok, i):
                out.append((tok, len(tok)))
                i += len(tok)
                break
        else:
            out.append((pattern[i], 1))
            i += 1
    return out


def fmt_time(
    ts: np.ndarray, pattern: str = "YYYY-MM-DDThh:mm:ssZ", offset_min: np.ndarray | None = None
) -> pa.Array:
    """Format epoch seconds (UTC) with a tiny pattern language; with ``offset_min`` the local time is written
    followed by ``+HH:MM``."""
    ts = np.asarray(ts, dtype=np.int64)
    n = len(ts)
    if offset_min is not None:
        ts = ts + np.asarray(offset_min, dtype=np.int64) * 60
    parts = _civil(ts)
    toks = _tokens(pattern)
    width = sum(w for _, w in toks) + (6 if offset_min is not None else 0)
    mat = np.empty((n, width), dtype=np.uint8)
    col = 0
    for tok, w in toks:
        if w == 1 and tok not in parts:
            mat[:, col] = ord(tok)
        else:
            v = parts[tok]
            for k in range(w):
                mat[:, col + w - 1 - k] = 48 + (v // 10**k) % 10
        col += w
    if offset_min is not None:
        off = np.asarray(offset_min, dtype=np.int64)
        a = np.abs(off)
        mat[:, col] = np.where(off < 0, ord("-"), ord("+"))
        hh, mm = a // 60, a % 60
        mat[:, col + 1] = 48 + hh // 10
        mat[:, col + 2] = 48 + hh % 10
        mat[:, col + 3] = ord(":")
        mat[:, col + 4] = 48 + mm // 10
        mat[:, col + 5] = 48 + mm % 10
    return fixed_width(mat)


def iso_z(ts: np.ndarray) -> pa.Array:
    return fmt_time(ts, "YYYY-MM-DDThh:mm:ssZ")


def iso_offset(ts: np.ndarray, offset_min: np.ndarray) -> pa.Array:
    return fmt_time(ts, "YYYY-MM-DDThh:mm:ss", offset_min)


def loaded_at(rng: np.random.Generator, ts: np.ndarray) -> pa.Array:
    """``_loaded_at``: minutes to a day after the event (EL batch latency), ISO UTC."""
    delay = 60 + rng.exponential(3 * 3600, size=len(ts)).astype(np.int64)
    return iso_z(np.asarray(ts, dtype=np.int64) + np.minimum(delay, 86400))


# --- small numpy helpers ------------------------------------------------------------------------------


def ragged(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For per-parent ``counts``: (parent index per child, position of child within its parent)."""
    counts = np.asarray(counts, dtype=np.int64)
    parent = np.repeat(np.arange(len(counts)), counts)
    starts = np.cumsum(counts) - counts
    pos = np.arange(len(parent)) - np.repeat(starts, counts)
    return parent, pos


def choice(rng: np.random.Generator, n: int, weights: Sequence[float]) -> np.ndarray:
    """Indices drawn with ``weights`` (normalised)."""
    w = np.asarray(weights, dtype=np.float64)
    return np.searchsorted(np.cumsum(w / w.sum()), rng.random(n), side="right").clip(0, len(w) - 1)


def pick_within(
    rng: np.random.Generator, offsets: np.ndarray, counts: np.ndarray, group: np.ndarray
) -> np.ndarray:
    """A uniform index into a flattened pool, within the slice of each row's ``group``."""
    return offsets[group] + (rng.random(len(group)) * counts[group]).astype(np.int64)
