"""The quarantine file: every refused row, with its source file, line and reason. Nothing is lost.

One JSON object per line, so a 10-million-row source with a dirty column still gives a file that
streams, greps and re-loads::

    {"source": "transfers", "file": "world/transfers.csv", "line": 17,
     "reason": "amount: 'x' is not a number", "row": {"transfer_id": "TR17", "amount": "x", ...}}

>>> import tempfile, pathlib, json
>>> path = pathlib.Path(tempfile.mkdtemp()) / "quarantine.jsonl"
>>> with Quarantine(path) as q:
...     q.add("watchlist", pathlib.Path("w.csv"), 3, "kind: 'x' is not one of ...", {"kind": "x"})
>>> json.loads(path.read_text())["line"], q.count
(3, 1)
"""

from __future__ import annotations

import json
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self

__all__ = ["Quarantine"]


class Quarantine:
    """Appends refused rows to a JSON Lines file; opened lazily, so a clean ingest leaves no file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self._handle: IO[str] | None = None

    def add(self, source: str, file: Path, line: int, reason: str, row: dict[str, Any]) -> None:
        """Record one refused row exactly as it was read."""
        if self._handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = self.path.open("a", encoding="utf-8")
        record = {"source": source, "file": str(file), "line": line, "reason": reason, "row": row}
        self._handle.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
        self.count += 1

    def close(self) -> None:
        """Flush and close the file."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
