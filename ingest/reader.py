"""Streaming readers for CSV, JSON Lines and Parquet sources, with the source line of every row.

Files are read row by row (Parquet batch by batch), so a file larger than memory streams. Problems
that make a whole file unreadable (wrong encoding, wrong delimiter, a missing required column, an empty
file) raise :class:`SourceFileError` with one clear sentence; problems of a single row are left to the
validator, which quarantines the row and goes on.

>>> import tempfile, pathlib
>>> from ingest.formats import format_by_name
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "watchlist.csv").write_text(
...     "entry_id,entity_id,entity_kind,kind,source,listed_on\\n"
...     "W1,C1,company,tax_delinquent,NTS,2022-01-05\\n")
>>> [(row.line, row.values["entity_id"]) for row in read_rows(folder / "watchlist.csv",
...                                                           format_by_name("watchlist"))]
[(2, 'C1')]
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from bigfinder.errors import BigfinderError
from ingest.formats import SourceFormat

__all__ = ["RawRow", "SourceFileError", "read_rows"]

_OTHER_DELIMITERS = (";", "\t", "|")
_PARQUET_BATCH = 10_000


class SourceFileError(BigfinderError):
    """A file that cannot be read at all; nothing of it is loaded."""

    status = 422
    title = "Unreadable source file"


@dataclass(frozen=True)
class RawRow:
    """One row as read: its line in the file (1 is the CSV header) and its values by column name.

    ``problem`` is set when the row could not even be parsed (a broken JSON line, a short CSV row).
    """

    line: int
    values: dict[str, Any]
    problem: str | None = None


def read_rows(path: Path, source: SourceFormat) -> Iterator[RawRow]:
    """Rows of ``path`` (CSV, JSON Lines or Parquet, by suffix), checked against ``source``'s columns."""
    if not path.is_file():
        raise SourceFileError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise SourceFileError(f"{path}: the file is empty (not even a header)")
    readers = {".csv": _csv_rows, ".jsonl": _jsonl_rows, ".parquet": _parquet_rows}
    reader = readers.get(path.suffix.lower())
    if reader is None:
        raise SourceFileError(f"{path}: unknown file type {path.suffix!r}; expected .csv, .jsonl or .parquet")
    try:
        yield from reader(path, source)
    except UnicodeDecodeError as exc:
        raise SourceFileError(
            f"{path}: not UTF-8 (byte {exc.object[exc.start : exc.start + 1]!r} at offset {exc.start} of a "
            "line); re-save the file as UTF-8"
        ) from exc


def _required(source: SourceFormat) -> list[str]:
    return [column.name for column in source.columns if column.required]


def _csv_rows(path: Path, source: SourceFormat) -> Iterator[RawRow]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if not header:
            raise SourceFileError(f"{path}: the file is empty (no header row)")
        header = [name.strip() for name in header]
        _check_header(path, source, header)
        width = len(header)
        for row in reader:
            line = reader.line_num
            if not row or row == [""]:
                continue
            if len(row) != width:
                yield RawRow(line, {}, f"has {len(row)} fields, the header has {width}")
                continue
            yield RawRow(line, dict(zip(header, row, strict=True)))


def _check_header(path: Path, source: SourceFormat, header: list[str]) -> None:
    missing = [name for name in _required(source) if name not in header]
    if not missing:
        return
    if len(header) == 1:
        for delimiter in _OTHER_DELIMITERS:
            if delimiter in header[0] and set(_required(source)) <= set(header[0].split(delimiter)):
                raise SourceFileError(
                    f"{path}: columns are separated by {delimiter!r}; bigfinder reads comma-separated CSV"
                )
    raise SourceFileError(f"{path}: missing required column(s) {', '.join(missing)}")


def _jsonl_rows(path: Path, source: SourceFormat) -> Iterator[RawRow]:
    header_checked = False
    with path.open(encoding="utf-8") as handle:
        for line, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            try:
                values = json.loads(text)
            except json.JSONDecodeError as exc:
                yield RawRow(line, {}, f"is not valid JSON ({exc.msg})")
                continue
            if not isinstance(values, dict):
                yield RawRow(line, {}, "is not a JSON object")
                continue
            if not header_checked:
                # JSON Lines has no header: the first object stands for it.
                _check_header(path, source, list(values))
                header_checked = True
            yield RawRow(line, values)
    if not header_checked:
        raise SourceFileError(f"{path}: the file has no records")


def _parquet_rows(path: Path, source: SourceFormat) -> Iterator[RawRow]:
    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several types for a non-Parquet file
        raise SourceFileError(f"{path}: not a Parquet file ({exc})") from exc
    _check_header(path, source, parquet.schema_arrow.names)
    line = 0
    for batch in parquet.iter_batches(batch_size=_PARQUET_BATCH):
        for values in batch.to_pylist():
            line += 1
            yield RawRow(line, values)
