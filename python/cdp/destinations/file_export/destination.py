"""File export: each batch becomes one part file under ``<url>/<audience>/``, named by its operation and
idempotency key (unique per run and batch), so a batch written twice (a retry, a crash and a resume)
overwrites itself instead of duplicating rows. Columns: ``operation``, ``record_key``, then the mapped fields.
``options.format``: csv (default) or parquet. The directory is ``url`` (relative paths are under the project
root)."""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import ClassVar

import pyarrow as pa
import pyarrow.parquet as pq

from cdp.destinations.base import BatchOutcome, ConfigError, Destination, Row
from cdp.warehouse import project_root


class FileExport(Destination):
    type = "file_export"
    max_batch_size = 100_000
    operations: ClassVar[tuple[str, ...]] = ("upsert", "update", "insert", "remove")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.format = self.spec.options.get("format", "csv")
        if self.format not in ("csv", "parquet"):
            raise ConfigError("file_export: options.format must be csv or parquet")
        directory = Path(self.spec.url or "data/exports")
        self.directory = directory if directory.is_absolute() else project_root() / directory

    def send(self, operation: str, rows: list[Row], idempotency_key: str) -> BatchOutcome:
        folder = self.directory / self.audience
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{operation}-{idempotency_key}.{self.format}"
        columns = ["operation", "record_key", *self.sync.fields]
        records = [{"operation": operation, "record_key": row.key, **row.fields} for row in rows]
        temporary = path.with_suffix(path.suffix + ".tmp")
        if self.format == "csv":
            with temporary.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
                writer.writeheader()
                writer.writerows(records)
        else:
            table = pa.table({column: [record.get(column) for record in records] for column in columns})
            pq.write_table(table, temporary)
        os.replace(temporary, path)  # atomic: a reader never sees half a file
        return BatchOutcome()
