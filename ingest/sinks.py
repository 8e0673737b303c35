"""Streaming writers for world files, written from the column specs of :mod:`ingest.formats`.

A sink appends chunks of rows to one file and reports progress after each chunk, so the generator never
holds a whole file. Asked for dirty input, a sink spoils a fraction of the rows it writes (a required
value blanked, an impossible date, a five-digit HS code...) and lists each spoiled cell in
``bad_rows.csv``, so a loader test knows exactly which lines it must reject.

Example
-------
>>> import tempfile
>>> from pathlib import Path
>>> from ingest.formats import format_by_name
>>> with tempfile.TemporaryDirectory() as folder:
...     with CsvSink(Path(folder), format_by_name("watchlist")) as sink:
...         sink.write([["W0000001", "C00000007", "company", "tax_delinquent", "national_tax_service",
...                      "2022-09-01"]])
...     (Path(folder) / "watchlist.csv").read_text().splitlines()[0]
'entry_id,entity_id,entity_kind,kind,source,listed_on'
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Self

import numpy as np

from ingest.formats import BAD_ROWS, Column, ColumnType, Container, Purpose, SourceFormat
from ingest.ledger import GENESIS_HASH, seal_record

__all__ = ["BadRowLog", "CsvSink", "JsonlSink", "LedgerSink", "ProgressCallback"]

#: Called with a source name and the number of its rows written so far.
ProgressCallback = Callable[[str, int], None]

_NO_PROGRESS: ProgressCallback = lambda _name, _rows: None  # noqa: E731

#: How a value of each type is spoiled, and the problem the manifest names.
_SPOILERS: dict[ColumnType, tuple[object, str]] = {
    ColumnType.INTEGER: ("12a", "not an integer"),
    ColumnType.DECIMAL: ("1O5.20", "not a number"),
    ColumnType.BOOLEAN: ("maybe", "not a boolean"),
    ColumnType.DATE: ("2023-02-30", "impossible date"),
    ColumnType.DATETIME: ("2023-13-01T25:61:00Z", "impossible timestamp"),
    ColumnType.ENUM: ("unknown", "value outside the allowed set"),
    ColumnType.PHONE: ("12-34", "not a phone number"),
    ColumnType.EMAIL: ("no-at-sign.example.com", "not an e-mail address"),
    ColumnType.COUNTRY: ("Korea", "not an ISO 3166 alpha-2 code"),
    ColumnType.CURRENCY: ("DOLLARS", "not an ISO 4217 code"),
    ColumnType.HS_CODE: ("85171", "not six digits"),
    ColumnType.SHA256: ("not-a-hash", "not a SHA-256 digest"),
    ColumnType.BOX: ([12, 40, 7], "box without four numbers"),
}


def _spoilable(column: Column) -> bool:
    if column.type is ColumnType.LIST:
        return bool(column.choices)
    return column.required or column.type in _SPOILERS


def _spoil(column: Column, value: object) -> tuple[object, str]:
    if column.type is ColumnType.LIST:
        return f"{value};smuggler" if value else "smuggler", "list member outside the allowed set"
    if column.type in _SPOILERS:
        return _SPOILERS[column.type]
    return "", "required value missing"


class BadRowLog:
    """Chooses rows to spoil at a fixed rate and writes the ``bad_rows.csv`` manifest."""

    def __init__(self, out_dir: Path, fraction: float, seed: int) -> None:
        self.fraction = fraction
        self.count = 0
        self._rng = np.random.default_rng([seed, 0xBAD])
        self._sink: CsvSink | None = CsvSink(out_dir, BAD_ROWS) if fraction > 0 else None

    def spoil(
        self,
        fmt: SourceFormat,
        rows: Sequence[list[object]] | Sequence[dict[str, object]],
        first_line: int,
        protected: frozenset[str] = frozenset(),
    ) -> None:
        """Spoil a fraction of ``rows`` in place; ``first_line`` is the file line of ``rows[0]``."""
        if self._sink is None or not rows:
            return
        columns = [c for c in fmt.columns if _spoilable(c) and c.name not in protected]
        picked = np.flatnonzero(self._rng.random(len(rows)) < self.fraction)
        choices = self._rng.integers(0, len(columns), size=len(picked))
        manifest: list[list[object]] = []
        for row_at, column_at in zip(picked.tolist(), choices.tolist(), strict=True):
            column = columns[column_at]
            row = rows[row_at]
            if isinstance(row, dict):
                row[column.name], problem = _spoil(column, row[column.name])
            else:
                where = fmt.column_names.index(column.name)
                row[where], problem = _spoil(column, row[where])
            manifest.append([fmt.file_name, str(first_line + row_at), column.name, problem])
        self.count += len(manifest)
        self._sink.write(manifest)

    def close(self) -> None:
        if self._sink is not None:
            self._sink.close()


class _Sink:
    def __init__(
        self,
        out_dir: Path,
        fmt: SourceFormat,
        progress: ProgressCallback | None = None,
        bad_rows: BadRowLog | None = None,
    ) -> None:
        self.format = fmt
        self.rows = 0
        self._progress = progress or _NO_PROGRESS
        self._bad_rows = bad_rows if fmt.purpose is Purpose.SOURCE else None
        self._file: IO[str] = (out_dir / fmt.file_name).open("w", encoding="utf-8", newline="")

    def _report(self, written: int) -> None:
        self.rows += written
        self._progress(self.format.name, self.rows)

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()


class CsvSink(_Sink):
    """Appends rows (lists of cell values in column order) to a CSV file with a header."""

    def __init__(
        self,
        out_dir: Path,
        fmt: SourceFormat,
        progress: ProgressCallback | None = None,
        bad_rows: BadRowLog | None = None,
    ) -> None:
        if fmt.container is not Container.CSV:
            raise ValueError(f"{fmt.name} is not a CSV source")
        super().__init__(out_dir, fmt, progress, bad_rows)
        self._writer = csv.writer(self._file, lineterminator="\n")
        self._writer.writerow(fmt.column_names)

    def write(self, rows: Sequence[list[object]]) -> None:
        """Append ``rows``; header is line 1, so data row ``n`` is on line ``n + 1``."""
        if self._bad_rows is not None:
            self._bad_rows.spoil(self.format, rows, self.rows + 2)
        self._writer.writerows(rows)
        self._report(len(rows))


class JsonlSink(_Sink):
    """Appends records (dicts in column order) to a JSON Lines file."""

    def write(self, records: Sequence[dict[str, object]]) -> None:
        """Append ``records``, one JSON object per line."""
        if self._bad_rows is not None:
            self._bad_rows.spoil(self.format, records, self.rows + 1)
        self._file.writelines(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
        self._report(len(records))


#: Ledger fields the chain itself is made of: spoiling them would break the chain, not a value.
_CHAIN_FIELDS = frozenset({"seq", "prev_hash", "hash"})


class LedgerSink(JsonlSink):
    """Seals records into the ledger's hash chain as it appends them (spoiled cells are sealed too, so a
    dirty ledger is invalid in its values, not in its chain)."""

    def __init__(
        self,
        out_dir: Path,
        fmt: SourceFormat,
        progress: ProgressCallback | None = None,
        bad_rows: BadRowLog | None = None,
    ) -> None:
        super().__init__(out_dir, fmt, progress, bad_rows)
        self._prev_hash = GENESIS_HASH

    def write(self, records: Sequence[dict[str, object]]) -> None:
        """Number, seal and append ``records`` (without ``seq``, ``prev_hash`` and ``hash``)."""
        numbered = [{"seq": self.rows + at + 1, **record} for at, record in enumerate(records)]
        if self._bad_rows is not None:
            self._bad_rows.spoil(self.format, numbered, self.rows + 1, _CHAIN_FIELDS)
        sealed = []
        for record in numbered:
            record = seal_record(record, self._prev_hash)
            self._prev_hash = str(record["hash"])
            sealed.append(record)
        self._file.writelines(json.dumps(record, ensure_ascii=False) + "\n" for record in sealed)
        self._report(len(sealed))
