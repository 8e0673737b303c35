"""The case file as a PDF an investigator can hand over: summary, entities, network, risk, provenance.

Built with reportlab in invariant mode (a fixed document id and dates) from the case document only, in
the document's fixed order and with fixed fonts, so the same case gives the same bytes. Latin text is
set in Helvetica; Korean (and other CJK) text in Adobe's HYGothic-Medium CID font, which PDF viewers
provide, since no Hangul font ships with the system. Every fact in the report is followed by where it
came from (see :meth:`casefile.document.Provenance.describe`).

>>> markup("Kim & 이승현 <b>")
'Kim &amp; <font name="HYGothic-Medium">이승현</font> &lt;b&gt;'
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import BaseDocTemplate

from casefile.document import AlertFacts, CaseDocument, EntityFacts, NoteFacts, ProvenanceKind

__all__ = ["CJK_FONT", "case_report", "markup"]

#: The font of text Helvetica cannot set (Hangul, Hanja, kana).
CJK_FONT = "HYGothic-Medium"
_WIDE = re.compile(r"[\u1100-\u11ff\u3000-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]+")
_PAGE_WIDTH = A4[0] - 3 * cm
_styles = getSampleStyleSheet()
_BODY = ParagraphStyle("body", parent=_styles["BodyText"], fontName="Helvetica", fontSize=8.5, leading=10.5)
_CELL = ParagraphStyle("cell", parent=_BODY, fontSize=7.0, leading=8.4, spaceBefore=0, spaceAfter=0)
_HEAD = ParagraphStyle("head", parent=_CELL, fontName="Helvetica-Bold")
_H1 = ParagraphStyle("h1", parent=_styles["Heading1"], fontName="Helvetica-Bold", fontSize=15)
_H2 = ParagraphStyle("h2", parent=_styles["Heading2"], fontName="Helvetica-Bold", fontSize=11.5)
_H3 = ParagraphStyle("h3", parent=_styles["Heading3"], fontName="Helvetica-Bold", fontSize=9.5)
_GRID = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
    ]
)


def markup(text: Any) -> str:
    """``text`` as reportlab paragraph markup: escaped, with CJK runs in :data:`CJK_FONT`."""
    plain = "" if text is None else str(text)
    escaped = plain.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _WIDE.sub(lambda m: f'<font name="{CJK_FONT}">{m.group(0)}</font>', escaped)


def _number(value: float | int | None) -> str:
    if value is None:
        return ""
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def _p(text: Any, style: ParagraphStyle = _BODY) -> Paragraph:
    return Paragraph(markup(text), style)


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[float]) -> Flowable:
    if not rows:
        return _p("None.")
    scale = _PAGE_WIDTH / sum(widths)
    data = [[_p(h, _HEAD) for h in header]] + [[_p(v, _CELL) for v in row] for row in rows]
    return Table(data, colWidths=[w * scale for w in widths], repeatRows=1, style=_GRID)


def _summary(doc: CaseDocument, version: str) -> list[Flowable]:
    counts = (
        f"{len(doc.entities)} entities, {len(doc.relationships)} relationships among them"
        + (" (more not shown)" if doc.relationships_truncated else "")
        + f", {len(doc.notes)} notes, {len(doc.evidence)} items of evidence, {len(doc.alerts)} alerts, "
        f"{len(doc.timeline)} of {doc.timeline_total} timeline events, {len(doc.history)} changes."
    )
    rows = [
        ["Status", doc.status],
        ["Assignee", doc.assignee or "unassigned"],
        ["Opened", f"by {doc.created_by} at {doc.created_at}"],
        ["Last changed", doc.updated_at],
        ["Contents", counts],
        ["Produced by", f"bigfinder {version}, case file format {doc.format}"],
    ]
    return [
        _p(f"Case file {doc.case_id}: {doc.title}", _H1),
        Table(
            [[_p(k, _HEAD), _p(v, _CELL)] for k, v in rows],
            colWidths=[3 * cm, _PAGE_WIDTH - 3 * cm],
            style=_GRID,
        ),
        Spacer(1, 6),
        _p(doc.description or "No description."),
    ]


def _entities(doc: CaseDocument) -> list[Flowable]:
    rows = [
        [
            e.id,
            e.name,
            f"{e.pinned_by} at {e.pinned_at}" + (f": {e.pin_note}" if e.pin_note else ""),
            e.provenance.describe(),
        ]
        for e in doc.entities
    ]
    return [_p("Entities", _H2), _table(["Entity", "Name", "Pinned", "Source"], rows, [4, 4, 5, 6])]


def _network(picture: bytes, doc: CaseDocument) -> list[Flowable]:
    side = _PAGE_WIDTH * 0.75
    note = (
        "Entities in an alert on the inner circle, the others outside, each circle by label and key; "
        "pinned relationships drawn thicker."
    )
    if doc.relationships_truncated:
        note += " More relationships exist than are drawn (the case file caps them)."
    return [KeepTogether([_p("Network", _H2), _p(note), Image(io.BytesIO(picture), width=side, height=side)])]


def _entity_risk(entity: EntityFacts, runs: dict[str, str]) -> list[Flowable]:
    parts: list[Flowable] = [_p(f"{entity.id} {entity.name or ''}", _H3)]
    score_rows = [
        [
            s.name,
            _number(s.value),
            s.description,
            runs.get(s.provenance.run_id or "", s.provenance.describe()),
        ]
        for s in entity.scores
    ]
    if score_rows:
        parts.append(_table(["Score", "Value", "Meaning", "Computed by"], score_rows, [3, 2, 9, 6]))
    if entity.risk_explanation:
        parts.append(_p("Risk score explanation: " + _explanation(entity.risk_explanation)))
    for features in entity.features:
        values = ", ".join(f"{n} = {_number(v)}" for n, v in sorted(features.values.items()))
        reasons = "; ".join(f"{n}: {why}" for n, why in sorted(features.explanation.items()))
        parts.append(
            _p(
                f"Model {features.model} {features.version or ''} features: {values}."
                + (f" Reasons: {reasons}." if reasons else "")
                + f" Written {features.written_at}; {features.provenance.describe()}."
            )
        )
    return parts


def _explanation(explanation: dict[str, Any]) -> str:
    parts = []
    for name in sorted(explanation):
        value = explanation[name]
        shown = (
            ", ".join(f"{k} {_number(v) if isinstance(v, float) else v}" for k, v in value.items())
            if isinstance(value, dict)
            else _number(value)
            if isinstance(value, float)
            else json.dumps(value, ensure_ascii=False)
        )
        parts.append(f"{name}: {shown}")
    return "; ".join(parts)


def _risk(doc: CaseDocument) -> list[Flowable]:
    runs = {r.run_id: f"{r.run_id}: {r.describe()}" for r in doc.runs}
    flowables: list[Flowable] = [_p("Risk explanations", _H2)]
    explained = [e for e in doc.entities if e.scores or e.features or e.risk_explanation]
    if not explained:
        flowables.append(_p("No entity of the case carries a score or model features."))
    for entity in explained:
        flowables.append(KeepTogether(_entity_risk(entity, runs)))
    return flowables


def _alert(alert: AlertFacts) -> list[Flowable]:
    head = (
        f"{alert.ring_id}: {alert.scheme}, score {_number(alert.score)}, rank {_number(alert.rank)}, "
        f"status {alert.status}" + (" (stale: no longer found)" if alert.stale else "")
    )
    parts: list[Flowable] = [
        _p(head, _H3),
        _p(
            f"Case members: {', '.join(alert.case_members)}. All members: "
            + ", ".join(f"{m.get('label')}:{m.get('key')} ({m.get('role')})" for m in alert.members)
            + f". Found {alert.first_found_at}, last {alert.last_found_at}; {alert.provenance.describe()}."
        ),
    ]
    if alert.status_changed_by:
        parts.append(_p(f"Status set by {alert.status_changed_by} at {alert.status_changed_at}."))
    rows = []
    for path in alert.evidence:
        nodes = " - ".join(f"{n.get('label')}:{n.get('key')}" for n in path.get("nodes", []))
        facts = path.get("facts") or {}
        figures = ", ".join(f"{k} {v}" for k, v in sorted(facts.items()))
        rows.append([path.get("reason", ""), nodes, " / ".join(path.get("relationships", [])), figures])
    parts.append(_table(["Reason", "Path", "Relationships", "Figures"], rows, [6, 7, 4, 4]))
    return parts


def _alerts(doc: CaseDocument) -> list[Flowable]:
    flowables: list[Flowable] = [_p("Alerts and ring evidence", _H2)]
    if not doc.alerts:
        flowables.append(_p("No entity of the case is in a detected ring."))
    for alert in doc.alerts:
        flowables += _alert(alert)
    return flowables


def _relationships(doc: CaseDocument) -> list[Flowable]:
    rows = [
        [r.type, r.source, r.target, "yes" if r.pinned else "", r.provenance.describe()]
        for r in doc.relationships
    ]
    return [
        _p("Relationships among the case's entities", _H2),
        _table(["Type", "From", "To", "Pinned", "Source"], rows, [3.5, 4.5, 4.5, 1.3, 6]),
    ]


def _timeline(doc: CaseDocument) -> list[Flowable]:
    rows = [
        [
            t.at,
            t.type,
            t.entity,
            "out" if t.outgoing else "in",
            f"{t.other} {t.other_name or ''}",
            t.provenance.describe(),
        ]
        for t in doc.timeline
    ]
    shown = f"{len(doc.timeline)} of {doc.timeline_total} events, earliest first."
    return [
        _p("Timeline", _H2),
        _p(shown),
        _table(["When", "Event", "Entity", "Dir.", "Other", "Source"], rows, [3.6, 3, 4, 1.1, 4.5, 4.2]),
    ]


def _notes(title: str, notes: list[NoteFacts]) -> list[Flowable]:
    rows = [[n.note_id, n.text, n.reference, ", ".join(n.about), n.provenance.describe()] for n in notes]
    return [_p(title, _H2), _table(["Id", "Text", "Reference", "About", "Written"], rows, [2.6, 7, 3, 3, 5])]


def _history(doc: CaseDocument) -> list[Flowable]:
    rows = [[h.at, h.by, h.action, h.detail] for h in doc.history]
    return [_p("History of the case", _H2), _table(["When", "Who", "What", "Detail"], rows, [4, 3.5, 3, 9])]


def _provenance(doc: CaseDocument) -> list[Flowable]:
    runs = [[r.run_id, r.algorithm, r.version, r.parameters, r.started_at, r.finished_at] for r in doc.runs]
    sources: Counter[str] = Counter()
    facts = [e.provenance for e in doc.entities] + [r.provenance for r in doc.relationships]
    facts += [t.provenance for t in doc.timeline]
    for provenance in facts:
        if provenance.kind in (ProvenanceKind.SOURCE_ROW, ProvenanceKind.NAMED_BY, ProvenanceKind.WITH_ENDS):
            sources.update({row.file for row in provenance.rows})
    explanation = (
        "Each fact above names its origin: a source file and line for what the ingest loaded (an "
        "identifier with no row of its own is named by the rows that mention it; a relationship with no "
        "row of its own was loaded with its ends); the author and time of a case edit or of a model's "
        "feature write through the API; the analysis run that computed a score or found a ring."
    )
    return [
        _p("Provenance", _H2),
        _p(explanation),
        _p("Source files", _H3),
        _table(["File", "Facts of the case from it"], sorted(sources.items()), [10, 4]),
        _p("Analysis runs", _H3),
        _table(
            ["Run", "Algorithm", "Version", "Parameters", "Started", "Finished"],
            runs,
            [4, 3, 1.5, 5, 3.5, 3.5],
        ),
    ]


def _footer(case_id: str, version: str) -> Any:
    def draw(canvas: Any, template: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.drawString(1.5 * cm, 1 * cm, f"Case file {case_id} - bigfinder {version}")
        canvas.drawRightString(A4[0] - 1.5 * cm, 1 * cm, f"page {template.page}")
        canvas.restoreState()

    return draw


def case_report(doc: CaseDocument, picture: bytes, version: str) -> bytes:
    """The PDF report of ``doc`` with ``picture`` (the network PNG), stamped with bigfinder ``version``."""
    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    buffer = io.BytesIO()
    template = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=1.5 * cm,
        rightMargin=1.5 * cm,
        topMargin=1.5 * cm,
        bottomMargin=1.6 * cm,
        title=f"Case file {doc.case_id}",
        author="bigfinder",
        subject=doc.title,
        creator=f"bigfinder {version}",
        invariant=1,
    )
    story = _summary(doc, version) + _entities(doc) + _network(picture, doc) + _risk(doc) + _alerts(doc)
    story += _relationships(doc) + _timeline(doc) + _notes("Notes", doc.notes)
    story += _notes("Evidence", doc.evidence) + _history(doc) + _provenance(doc)
    footer = _footer(doc.case_id, version)
    template.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
