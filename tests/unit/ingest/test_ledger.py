"""The e-commerce ledger's hash chain: sealing, canonical JSON, and finding every break with its line."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from ingest.ledger import (
    GENESIS_HASH,
    BreakReason,
    ChainBreak,
    canonical_json,
    record_hash,
    seal_record,
    verify_chain,
    verify_ledger_file,
)


def _chain(length: int) -> list[dict[str, object]]:
    records: list[dict[str, object]] = []
    prev_hash = GENESIS_HASH
    for seq in range(1, length + 1):
        record = seal_record(
            {
                "seq": seq,
                "event": "purchase",
                "order_id": f"ORD-{seq:04d}",
                "price": 150.5 + seq,
                "consignee_name": "김민수",
            },
            prev_hash,
        )
        prev_hash = str(record["hash"])
        records.append(record)
    return records


def _reasons(breaks: list[ChainBreak]) -> list[tuple[int, BreakReason]]:
    return [(b.line, b.reason) for b in breaks]


def test_canonical_json_sorts_keys_drops_hash_and_keeps_hangul() -> None:
    record = {"seq": 1, "hash": "ignored", "consignee_name": "김민수", "price": 189.9}
    assert canonical_json(record) == '{"consignee_name":"김민수","price":189.9,"seq":1}'


def test_record_hash_is_sha256_of_the_canonical_utf8_text() -> None:
    record = {"b": 2, "a": "박"}
    expected = hashlib.sha256('{"a":"박","b":2}'.encode()).hexdigest()
    assert record_hash(record) == expected
    assert record_hash({**record, "hash": "anything"}) == expected


def test_sealed_chain_starts_at_genesis_and_verifies_clean() -> None:
    records = _chain(20)
    assert records[0]["prev_hash"] == "0" * 64
    assert records[1]["prev_hash"] == records[0]["hash"]
    assert verify_chain(records) == []


def test_edited_record_is_reported_as_tampered_at_its_line() -> None:
    records = _chain(10)
    records[4] = {**records[4], "price": 1.0}
    assert _reasons(verify_chain(records)) == [(5, BreakReason.TAMPERED)]


def test_edited_and_resealed_record_breaks_the_next_link() -> None:
    records = _chain(10)
    records[4] = seal_record({**records[4], "price": 1.0}, str(records[3]["hash"]))
    breaks = verify_chain(records)
    assert _reasons(breaks) == [(6, BreakReason.BROKEN_LINK)]
    assert "line 5" in breaks[0].detail


def test_deleted_record_is_reported_as_missing_where_the_gap_shows() -> None:
    records = _chain(10)
    del records[4]
    breaks = verify_chain(records)
    assert _reasons(breaks) == [(5, BreakReason.MISSING)]
    assert breaks[0].seq == 6
    assert "missing: 5" in breaks[0].detail


def test_swapped_records_are_reported_once_as_reordered() -> None:
    records = _chain(10)
    records[3], records[4] = records[4], records[3]
    assert _reasons(verify_chain(records)) == [(5, BreakReason.REORDERED)]


def test_record_moved_later_is_reported_where_it_now_stands() -> None:
    records = _chain(10)
    moved = records.pop(2)
    records.insert(6, moved)
    breaks = verify_chain(records)
    assert _reasons(breaks) == [(7, BreakReason.REORDERED)]
    assert breaks[0].seq == 3


def test_repeated_record_is_a_duplicate() -> None:
    records = _chain(5)
    records.insert(3, records[2])
    assert _reasons(verify_chain(records)) == [(4, BreakReason.DUPLICATE)]


def test_wrong_genesis_link_is_a_broken_link() -> None:
    first = seal_record({"seq": 1, "event": "purchase"}, "f" * 64)
    assert _reasons(verify_chain([first])) == [(1, BreakReason.BROKEN_LINK)]


def test_check_keeps_going_after_breaks_and_reports_all_in_line_order() -> None:
    records = _chain(30)
    records[2] = {**records[2], "price": 0.0}
    del records[10]
    records[20], records[21] = records[21], records[20]
    assert _reasons(verify_chain(records)) == [
        (3, BreakReason.TAMPERED),
        (11, BreakReason.MISSING),
        (22, BreakReason.REORDERED),
    ]


def test_file_check_reports_unreadable_lines_and_real_line_numbers(tmp_path: Path) -> None:
    records = _chain(6)
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    lines.insert(2, "{not json")
    lines[5] = json.dumps({**records[4], "price": 2.0})
    path = tmp_path / "ledger.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert _reasons(verify_ledger_file(path)) == [(3, BreakReason.UNREADABLE), (6, BreakReason.TAMPERED)]


def test_record_without_chain_fields_is_unreadable() -> None:
    records = _chain(3)
    records[1] = {"event": "purchase"}
    reasons = _reasons(verify_chain(records))
    assert reasons[0] == (2, BreakReason.UNREADABLE)


@given(st.integers(min_value=0, max_value=38))
def test_any_adjacent_swap_is_exactly_one_reordering(position: int) -> None:
    records = _chain(40)
    records[position], records[position + 1] = records[position + 1], records[position]
    assert _reasons(verify_chain(records)) == [(position + 2, BreakReason.REORDERED)]


@given(st.integers(min_value=0, max_value=38))
def test_any_deletion_but_the_last_is_exactly_one_gap(position: int) -> None:
    records = _chain(40)
    del records[position]
    assert _reasons(verify_chain(records)) == [(position + 1, BreakReason.MISSING)]


@given(
    st.integers(min_value=0, max_value=39), st.sampled_from(["event", "order_id", "price", "consignee_name"])
)
def test_any_edited_field_is_tampering_at_that_line(position: int, name: str) -> None:
    records = _chain(40)
    records[position] = {**records[position], name: "edited"}
    assert _reasons(verify_chain(records)) == [(position + 1, BreakReason.TAMPERED)]
