"""The case as CSV tables, one per kind of fact, each row with the provenance of its fact.

Values are written the same way every time: numbers by ``repr`` (the shortest text that reads back
as the same float), lists joined by ``; ``, maps as JSON with sorted keys, UTF-8 without a byte order
mark, and rows in the document's fixed order.

>>> cell(0.1 + 0.2), cell(True), cell(None), cell(["a", "b"]), cell({"b": 1, "a": 2})
('0.30000000000000004', 'true', '', 'a; b', '{"a": 2, "b": 1}')
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

from casefile.document import CaseDocument, NoteFacts

__all__ = ["TABLE_NAMES", "case_tables", "cell"]

#: The tables of a bundle, by file name.
TABLE_NAMES = (
    "entities.csv",
    "relationships.csv",
    "notes.csv",
    "evidence.csv",
    "alerts.csv",
    "timeline.csv",
    "history.csv",
)


def cell(value: Any) -> str:
    """One value as CSV text, the same for the same value on every run."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float | int):
        return repr(value)
    if isinstance(value, list | tuple):
        return "; ".join(cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def _table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([cell(v) for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def _entities(doc: CaseDocument) -> bytes:
    # One column per score the case's entities carry, so a spreadsheet can sort by it.
    score_names = list(dict.fromkeys(s.name for e in doc.entities for s in e.scores))
    header = ["id", "label", "key", "name", "pinned_by", "pinned_at", "pin_note", "source"]
    header += [*score_names, "features", "properties"]
    rows: list[list[Any]] = []
    for e in doc.entities:
        scores = {s.name: s.value for s in e.scores}
        features = {f"{f.model}.{name}": v for f in e.features for name, v in sorted(f.values.items())}
        rows.append(
            [e.id, e.label, e.key, e.name, e.pinned_by, e.pinned_at, e.pin_note, e.provenance.describe()]
            + [scores.get(name) for name in score_names]
            + [features or None, e.properties or None]
        )
    return _table(header, rows)


def _relationships(doc: CaseDocument) -> bytes:
    header = ["type", "source", "target", "pinned", "source_row", "properties"]
    rows = [
        [r.type, r.source, r.target, r.pinned, r.provenance.describe(), r.properties or None]
        for r in doc.relationships
    ]
    return _table(header, rows)


def _notes(notes: list[NoteFacts]) -> bytes:
    header = ["note_id", "written_by", "written_at", "text", "reference", "about"]
    rows = [[n.note_id, n.provenance.by, n.provenance.at, n.text, n.reference, n.about] for n in notes]
    return _table(header, rows)


def _alerts(doc: CaseDocument) -> bytes:
    header = [
        "ring_id", "scheme", "score", "rank", "status", "stale", "member_count", "case_members",
        "first_found_at", "last_found_at", "status_changed_by", "status_changed_at", "reasons", "found_by",
    ]  # fmt: skip
    rows = [
        [
            a.ring_id,
            a.scheme,
            a.score,
            a.rank,
            a.status,
            a.stale,
            a.member_count,
            a.case_members,
            a.first_found_at,
            a.last_found_at,
            a.status_changed_by,
            a.status_changed_at,
            [str(path.get("reason", "")) for path in a.evidence],
            a.provenance.describe(),
        ]
        for a in doc.alerts
    ]
    return _table(header, rows)


def _timeline(doc: CaseDocument) -> bytes:
    header = ["at", "type", "entity", "direction", "other", "other_name", "source_row"]
    rows = [
        [
            t.at,
            t.type,
            t.entity,
            "out" if t.outgoing else "in",
            t.other,
            t.other_name,
            t.provenance.describe(),
        ]
        for t in doc.timeline
    ]
    return _table(header, rows)


def _history(doc: CaseDocument) -> bytes:
    return _table(["at", "by", "action", "detail"], [[h.at, h.by, h.action, h.detail] for h in doc.history])


def case_tables(doc: CaseDocument) -> dict[str, bytes]:
    """Every CSV table of the bundle, by file name (see :data:`TABLE_NAMES`)."""
    return {
        "entities.csv": _entities(doc),
        "relationships.csv": _relationships(doc),
        "notes.csv": _notes(doc.notes),
        "evidence.csv": _notes(doc.evidence),
        "alerts.csv": _alerts(doc),
        "timeline.csv": _timeline(doc),
        "history.csv": _history(doc),
    }
