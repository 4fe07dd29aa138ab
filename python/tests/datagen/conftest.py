"""Shared fixtures: small generated data sets (generated once per test session)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from cdp.datagen.config import GenConfig
from cdp.datagen.generate import generate
from cdp.datagen.schema import SCHEMAS

PEOPLE = 2000


class Dataset:
    """A generated parquet data set, read back as pandas frames (strings, None for null)."""

    def __init__(self, out: Path, cfg: GenConfig) -> None:
        self.out = out
        self.cfg = cfg
        self.summary = generate(cfg, out, "parquet")
        self._cache: dict[str, pd.DataFrame] = {}

    def table(self, name: str) -> pd.DataFrame:
        if name not in self._cache:
            truth = name in ("record_truth", "persons", "identifiers")
            path = self.out / "_truth" / f"{name}.parquet" if truth else self.out / name
            self._cache[name] = pq.read_table(path).to_pandas()
        return self._cache[name]


@pytest.fixture(scope="session")
def normal(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    cfg = GenConfig(people=PEOPLE, seed=7, end_date=dt.date(2026, 10, 31), days=365)
    return Dataset(tmp_path_factory.mktemp("normal"), cfg)


@pytest.fixture(scope="session")
def hard(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    cfg = GenConfig(people=PEOPLE, seed=7, hard=True)
    return Dataset(tmp_path_factory.mktemp("hard"), cfg)


@pytest.fixture(scope="session")
def chunked(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    """Several people-chunks, to exercise id counters and part writing across chunks."""
    cfg = GenConfig(people=900, seed=3, chunk_people=250)
    return Dataset(tmp_path_factory.mktemp("chunked"), cfg)


__all__ = ["PEOPLE", "SCHEMAS", "Dataset"]
