"""The nickname seed used by the probabilistic matcher covers the generator's nickname list."""

from __future__ import annotations

import csv
from pathlib import Path

from cdp.datagen.nicknames import NICKNAMES

ROOT = Path(__file__).resolve().parents[3]
SEED = ROOT / "seeds" / "reference" / "nicknames.csv"


def _seed_rows() -> list[dict[str, str]]:
    with SEED.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_seed_header() -> None:
    with SEED.open(encoding="utf-8") as handle:
        assert handle.readline().strip() == "formal_name,nickname"


def test_seed_is_folded_and_unique() -> None:
    rows = _seed_rows()
    pairs = [(row["formal_name"], row["nickname"]) for row in rows]
    assert len(pairs) == len(set(pairs))
    for formal, nick in pairs:
        assert formal == formal.lower().strip() and nick == nick.lower().strip()
        assert formal and nick and formal != nick


def test_seed_covers_generator_nicknames() -> None:
    pairs = {(row["formal_name"], row["nickname"]) for row in _seed_rows()}
    missing = {(f.lower(), n.lower()) for f, n in NICKNAMES.items()} - pairs
    assert not missing, f"nicknames.csv lacks generator pairs: {sorted(missing)}"
