import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ingest.formats import format_by_name
from ingest.reader import SourceFileError, read_rows

WATCHLIST = format_by_name("watchlist")
HEADER = "entry_id,entity_id,entity_kind,kind,source,listed_on"
ROW = "W1,C1,company,tax_delinquent,NTS,2022-01-05"


def test_csv_rows_carry_their_line(tmp_path: Path) -> None:
    path = tmp_path / "watchlist.csv"
    path.write_text(f"{HEADER}\n{ROW}\n\nW2,P1,person,known_offender,KCS,2021-02-03\n", encoding="utf-8")
    rows = list(read_rows(path, WATCHLIST))
    assert [(r.line, r.values["entry_id"]) for r in rows] == [(2, "W1"), (4, "W2")]


def test_a_short_csv_row_is_a_row_problem_not_a_file_error(tmp_path: Path) -> None:
    path = tmp_path / "watchlist.csv"
    path.write_text(f"{HEADER}\nW1,C1\n{ROW}\n", encoding="utf-8")
    rows = list(read_rows(path, WATCHLIST))
    assert rows[0].problem == "has 2 fields, the header has 6"
    assert rows[1].problem is None


def test_wrong_delimiter_is_named(tmp_path: Path) -> None:
    path = tmp_path / "watchlist.csv"
    path.write_text(f"{HEADER.replace(',', ';')}\n{ROW.replace(',', ';')}\n", encoding="utf-8")
    with pytest.raises(SourceFileError, match="separated by ';'"):
        list(read_rows(path, WATCHLIST))


def test_missing_required_column_is_named(tmp_path: Path) -> None:
    path = tmp_path / "watchlist.csv"
    path.write_text("entry_id,entity_id,entity_kind,kind,source\nW1,C1,company,tax_delinquent,NTS\n")
    with pytest.raises(SourceFileError, match="missing required column.*listed_on"):
        list(read_rows(path, WATCHLIST))


def test_wrong_encoding_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "watchlist.csv"
    path.write_bytes(f"{HEADER}\nW1,C1,company,tax_delinquent,국세청,2022-01-05\n".encode("cp949"))
    with pytest.raises(SourceFileError, match="not UTF-8"):
        list(read_rows(path, WATCHLIST))


@pytest.mark.parametrize("content", [b"", b"\n"])
def test_empty_files_are_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "watchlist.csv"
    path.write_bytes(content)
    with pytest.raises(SourceFileError, match="empty"):
        list(read_rows(path, WATCHLIST))


def test_jsonl_bad_lines_are_row_problems(tmp_path: Path) -> None:
    good = dict(zip(HEADER.split(","), ROW.split(","), strict=True))
    path = tmp_path / "watchlist.jsonl"
    path.write_text(json.dumps(good) + "\n{not json\n[1, 2]\n" + json.dumps(good) + "\n", encoding="utf-8")
    rows = list(read_rows(path, WATCHLIST))
    assert [(r.line, r.problem is None) for r in rows] == [(1, True), (2, False), (3, False), (4, True)]
    assert rows[1].problem is not None and "not valid JSON" in rows[1].problem


def test_parquet_streams_in_batches(tmp_path: Path) -> None:
    count = 25_000
    columns = {name: [f"{name}{i}" for i in range(count)] for name in HEADER.split(",")}
    path = tmp_path / "watchlist.parquet"
    pq.write_table(pa.table(columns), path)
    rows = read_rows(path, WATCHLIST)
    first = next(rows)
    assert (first.line, first.values["entry_id"]) == (1, "entry_id0")
    assert sum(1 for _ in rows) == count - 1


def test_a_large_csv_streams(tmp_path: Path) -> None:
    path = tmp_path / "watchlist.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(HEADER + "\n")
        for i in range(200_000):
            handle.write(f"W{i},C{i},company,tax_delinquent,NTS,2022-01-05\n")
    rows = read_rows(path, WATCHLIST)
    # A generator: nothing is read until asked, and rows come one at a time.
    assert next(rows).line == 2
    assert sum(1 for _ in rows) == 199_999
