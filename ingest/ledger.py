"""Hash chaining of the blockchain e-commerce ledger, and the check that finds where it was broken.

Each ledger record carries ``prev_hash``, the ``hash`` of the record before it (64 zeros for ``seq`` 1),
and ``hash``, the SHA-256 hex digest of its own canonical JSON without the ``hash`` field: keys sorted,
separators ``(",", ":")``, non-ASCII characters kept and encoded as UTF-8. Editing a record, deleting
one or moving one shows up as a :class:`ChainBreak` at the line where it happened; the check reads the
file once, keeps going after a break and holds only a window of recent hashes.

Example
-------
>>> from ingest.ledger import GENESIS_HASH, seal_record, verify_chain
>>> first = seal_record({"seq": 1, "event": "purchase", "price": 189.9}, GENESIS_HASH)
>>> second = seal_record({"seq": 2, "event": "shipment", "price": 189.9}, first["hash"])
>>> verify_chain([first, second])
[]
>>> tampered = {**second, "price": 19.9}
>>> [(b.line, b.reason.value) for b in verify_chain([first, tampered])]
[(2, 'tampered')]
>>> [(b.line, b.reason.value) for b in verify_chain([second, first])]
[(2, 'reordered')]
"""

from __future__ import annotations

import bisect
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

__all__ = [
    "GENESIS_HASH",
    "BreakReason",
    "ChainBreak",
    "canonical_json",
    "record_hash",
    "seal_record",
    "verify_chain",
    "verify_ledger_file",
]

#: ``prev_hash`` of the first record.
GENESIS_HASH = "0" * 64

#: How many recent hashes the check remembers to verify links of records that arrive out of order.
_HASH_WINDOW = 100_000


class BreakReason(StrEnum):
    """Why a ledger line breaks the chain."""

    #: The record's content does not hash to its ``hash``: it was edited after sealing.
    TAMPERED = "tampered"
    #: The record is self-consistent but ``prev_hash`` is not the previous record's ``hash``: the
    #: previous record was rewritten and resealed, or this link was.
    BROKEN_LINK = "broken_link"
    #: ``seq`` jumps: the records in between are not in the file.
    MISSING = "missing"
    #: The record comes after records with higher ``seq``.
    REORDERED = "reordered"
    #: A ``seq`` that was already seen.
    DUPLICATE = "duplicate"
    #: Not a JSON object with an integer ``seq`` and string ``prev_hash`` and ``hash``.
    UNREADABLE = "unreadable"


@dataclass(frozen=True)
class ChainBreak:
    """One place where the ledger chain is broken: 1-based line, the record's ``seq`` if it has one."""

    line: int
    seq: int | None
    reason: BreakReason
    detail: str


def canonical_json(record: Mapping[str, object]) -> str:
    """The canonical JSON text of ``record`` without its ``hash`` field: the text that is hashed."""
    body = {key: value for key, value in record.items() if key != "hash"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def record_hash(record: Mapping[str, object]) -> str:
    """SHA-256 hex digest of the canonical JSON of ``record`` (its own ``hash`` field excluded)."""
    return hashlib.sha256(canonical_json(record).encode("utf-8")).hexdigest()


def seal_record(record: Mapping[str, object], prev_hash: str) -> dict[str, object]:
    """``record`` with ``prev_hash`` set and its ``hash`` computed, ready to append to the ledger."""
    sealed: dict[str, object] = {key: value for key, value in record.items() if key != "hash"}
    sealed["prev_hash"] = prev_hash
    sealed["hash"] = record_hash(sealed)
    return sealed


@dataclass
class _Gap:
    """A jump in ``seq``; reported as missing records unless later lines fill it (then: reordered)."""

    line: int
    seq: int
    after_seq: int
    filled: set[int] = field(default_factory=set)


@dataclass
class _ChainState:
    breaks: list[ChainBreak] = field(default_factory=list)
    gaps: list[_Gap] = field(default_factory=list)
    #: Sorted inclusive ranges of seqs not seen yet, each with the index of the gap that opened it.
    missing: list[tuple[int, int, int]] = field(default_factory=list)
    hashes: dict[int, str] = field(default_factory=dict)
    highest_seq: int = 0
    previous_line_seq: int | None = None
    seq_lines: dict[int, int] = field(default_factory=dict)

    def take_missing(self, seq: int) -> _Gap | None:
        """Remove ``seq`` from the missing ranges; the gap it belonged to, if any."""
        at = bisect.bisect_right(self.missing, seq, key=lambda missing: missing[0]) - 1
        if at < 0:
            return None
        low, high, gap_index = self.missing[at]
        if not low <= seq <= high:
            return None
        pieces = [(lo, hi, gap_index) for lo, hi in ((low, seq - 1), (seq + 1, high)) if lo <= hi]
        self.missing[at : at + 1] = pieces
        gap = self.gaps[gap_index]
        gap.filled.add(seq)
        return gap

    def remember(self, seq: int, line: int, hash_: str) -> None:
        self.hashes[seq] = hash_
        self.seq_lines[seq] = line
        if len(self.hashes) > _HASH_WINDOW:
            oldest = next(iter(self.hashes))
            del self.hashes[oldest]
            del self.seq_lines[oldest]


def _check_link(state: _ChainState, line: int, seq: int, prev_hash: str) -> None:
    expected = GENESIS_HASH if seq == 1 else state.hashes.get(seq - 1)
    if expected is None or prev_hash == expected:
        return
    where = (
        "the genesis value" if seq == 1 else f"the hash of seq {seq - 1} (line {state.seq_lines[seq - 1]})"
    )
    state.breaks.append(ChainBreak(line, seq, BreakReason.BROKEN_LINK, f"prev_hash does not match {where}"))


def _check_record(state: _ChainState, line: int, record: Mapping[str, object]) -> None:
    seq, prev_hash, stored_hash = record.get("seq"), record.get("prev_hash"), record.get("hash")
    if not (
        isinstance(seq, int)
        and not isinstance(seq, bool)
        and isinstance(prev_hash, str)
        and isinstance(stored_hash, str)
    ):
        state.breaks.append(
            ChainBreak(
                line, None, BreakReason.UNREADABLE, "needs an integer seq and string prev_hash and hash"
            )
        )
        return
    tampered = record_hash(record) != stored_hash
    if tampered:
        state.breaks.append(ChainBreak(line, seq, BreakReason.TAMPERED, "content does not match its hash"))
    previous = state.previous_line_seq
    state.previous_line_seq = seq
    if seq == state.highest_seq + 1:
        state.highest_seq = seq
    elif seq > state.highest_seq + 1:
        gap_index = len(state.gaps)
        state.gaps.append(_Gap(line, seq, state.highest_seq))
        state.missing.append((state.highest_seq + 1, seq - 1, gap_index))
        state.highest_seq = seq
        state.remember(seq, line, stored_hash)
        return
    else:
        gap = state.take_missing(seq)
        if gap is None:
            state.breaks.append(ChainBreak(line, seq, BreakReason.DUPLICATE, f"seq {seq} was already seen"))
            return
        if previous != seq - 1:
            state.breaks.append(
                ChainBreak(
                    line,
                    seq,
                    BreakReason.REORDERED,
                    f"seq {seq} comes after seq {previous}, and seq {gap.seq} (line {gap.line}) came early",
                )
            )
    if not tampered:
        _check_link(state, line, seq, prev_hash)
    state.remember(seq, line, stored_hash)


def _missing_breaks(state: _ChainState) -> list[ChainBreak]:
    still_missing: dict[int, list[tuple[int, int]]] = {}
    for low, high, gap_index in state.missing:
        still_missing.setdefault(gap_index, []).append((low, high))
    breaks = []
    for gap_index, ranges in still_missing.items():
        gap = state.gaps[gap_index]
        listed = ", ".join(str(lo) if lo == hi else f"{lo}-{hi}" for lo, hi in ranges)
        breaks.append(
            ChainBreak(
                gap.line,
                gap.seq,
                BreakReason.MISSING,
                f"seq {gap.seq} follows seq {gap.after_seq}; missing: {listed}",
            )
        )
    return breaks


def _verify(numbered: Iterable[tuple[int, Mapping[str, object] | None]]) -> list[ChainBreak]:
    state = _ChainState()
    for line, record in numbered:
        if record is None:
            state.breaks.append(ChainBreak(line, None, BreakReason.UNREADABLE, "not a JSON object"))
            continue
        _check_record(state, line, record)
    return sorted(state.breaks + _missing_breaks(state), key=lambda b: (b.line, b.reason.value))


def verify_chain(records: Iterable[Mapping[str, object]]) -> list[ChainBreak]:
    """Every break in the chain formed by ``records`` in order; line numbers count records from 1.

    Tampered records (content edited), broken links (a record rewritten and resealed), missing records
    (``seq`` gaps), reordered and duplicated records are all reported, each once, in line order.
    """
    return _verify(enumerate(records, start=1))


def _read_lines(path: Path) -> Iterator[tuple[int, Mapping[str, object] | None]]:
    with path.open(encoding="utf-8") as lines:
        for number, text in enumerate(lines, start=1):
            try:
                value = json.loads(text)
            except json.JSONDecodeError:
                value = None
            yield number, value if isinstance(value, dict) else None


def verify_ledger_file(path: Path) -> list[ChainBreak]:
    """:func:`verify_chain` over a ``ledger.jsonl`` file, reading it line by line."""
    return _verify(_read_lines(path))
