"""Writers for the raw tables (Parquet, CSV, dbt seeds) and the hidden ground truth."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from cdp.datagen import locales as L
from cdp.datagen import vec as V
from cdp.datagen.people import Population
from cdp.datagen.schema import SCHEMAS, TRUTH_COLUMNS, columns
from cdp.datagen.sources.base import TableChunk

FORMATS = ("parquet", "csv", "seeds")


def _schema(cols: list[str]) -> pa.Schema:
    return pa.schema([pa.field(c, pa.string()) for c in cols])


class _Sink:
    """One output file written incrementally, chunk by chunk."""

    def __init__(self, path: Path, cols: list[str], fmt: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.schema = _schema(cols)
        self.rows = 0
        if fmt == "parquet":
            self._w: pq.ParquetWriter | pcsv.CSVWriter = pq.ParquetWriter(
                path, self.schema, compression="zstd", write_statistics=False
            )
        else:
            self._w = pcsv.CSVWriter(
                path, self.schema, write_options=pcsv.WriteOptions(quoting_style="needed")
            )

    def write(self, table: pa.Table) -> None:
        table = table.cast(self.schema)
        self._w.write_table(table)
        self.rows += table.num_rows

    def close(self) -> None:
        self._w.close()


class OutputWriter:
    """Routes table chunks to their files and their truth rows to ``record_truth``."""

    def __init__(self, out: Path, fmt: str, truth_dir: Path | None = None) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}")
        self.out = Path(out)
        self.fmt = fmt
        self.truth_dir = Path(truth_dir) if fmt == "seeds" and truth_dir else self.out / "_truth"
        self.truth_fmt = "parquet" if fmt == "parquet" else "csv"
        self.sinks: dict[str, _Sink] = {}
        for table in SCHEMAS:
            path = self.out / table / "part-00000.parquet" if fmt == "parquet" else self.out / f"{table}.csv"
            self.sinks[table] = _Sink(path, columns(table), fmt)
        ext = "parquet" if self.truth_fmt == "parquet" else "csv"
        self.truth = _Sink(self.truth_dir / f"record_truth.{ext}", TRUTH_COLUMNS, self.truth_fmt)

    def write(self, chunk: TableChunk, pid: pa.Array) -> None:
        self.sinks[chunk.name].write(chunk.table)
        has = chunk.person >= 0
        if has.any():
            key = chunk.table.column(0).combine_chunks().filter(pa.array(has))
            persons = pid.take(pa.array(chunk.person[has]))
            truth = pa.table(
                {"source_table": V.const(chunk.name, int(has.sum())), "record_id": key, "person_id": persons}
            )
            self.truth.write(truth)

    def write_population(self, pop: Population) -> None:
        ext = "parquet" if self.truth_fmt == "parquet" else "csv"
        cc = [x.calling_code for x in L.LOCALES]
        persons = pa.table(
            {
                "person_id": pop.pid,
                "household_id": V.nullify(
                    V.cat("H", V.num(np.maximum(pop.household, 0), 6)), pop.household < 0
                ),
                "locale": V.take([x.code for x in L.LOCALES], pop.loc),
                "gender": V.where(pop.female, "F", "M"),
                "first_name": pop.first,
                "last_name": pop.last,
                "first_name_latin": pop.first_latin,
                "last_name_latin": pop.last_latin,
                "email": pop.email,
                "work_email": pop.work_email,
                "phone": V.cat("+", V.take(cc, pop.loc), pop.phone_nsn),
                "date_of_birth": V.fmt_time(pop.dob_day * 86400, "YYYY-MM-DD"),
                "street": pop.street,
                "city": pop.city,
                "postcode": pop.postcode,
                "country": V.take([x.country_iso for x in L.LOCALES], pop.loc),
            }
        )
        sink = _Sink(self.truth_dir / f"persons.{ext}", persons.column_names, self.truth_fmt)
        sink.write(persons)
        sink.close()

        parts = []

        def add(kind: str, person: np.ndarray, values: pa.Array) -> None:
            ok = ~V.is_null(values)
            parts.append(
                pa.table(
                    {
                        "identifier_type": V.const(kind, int(ok.sum())),
                        "identifier_value": values.filter(pa.array(ok)),
                        "person_id": pop.pid.take(pa.array(person[ok])),
                    }
                )
            )

        everyone = np.arange(pop.n)
        add("email", everyone, pop.email)
        add("work_email", everyone, pop.work_email)
        add("phone", everyone, V.cat("+", V.take(cc, pop.loc), pop.phone_nsn))
        add("landline", everyone, V.cat("+", V.take(cc, pop.loc), pop.landline_nsn))
        add("loyalty_card_id", everyone, pop.loyalty)
        add("twitter_handle", everyone, pop.twitter)
        add("instagram_handle", everyone, pop.instagram)
        add("account_id", pop.accounts.person, pop.accounts.ids)
        add("cookie_id", pop.cookies.person, pop.cookies.ids)
        add("device_id", pop.devices.person, pop.devices.ids)
        ids = pa.concat_tables(parts)
        sink = _Sink(self.truth_dir / f"identifiers.{ext}", ids.column_names, self.truth_fmt)
        sink.write(ids)
        sink.close()

    def close(self) -> dict[str, int]:
        for s in self.sinks.values():
            s.close()
        self.truth.close()
        return {t: s.rows for t, s in self.sinks.items()}
