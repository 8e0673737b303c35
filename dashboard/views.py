"""What the panels show, built from the services' answers: pure functions from schemas to components.

>>> from api.schemas import NetworkPublic, NetworkNodePublic, NetworkLinkPublic
>>> net = NetworkPublic(center="Person:P1", hops=2, truncated=False, nodes=[
...     NetworkNodePublic(id="Person:P1", label="Person", key="P1", name="Kim", hop=0),
...     NetworkNodePublic(id="Account:A1", label="Account", key="A1", name=None, hop=1),
...     NetworkNodePublic(id="Account:A2", label="Account", key="A2", name=None, hop=2)],
...     links=[NetworkLinkPublic(type="OWNS_ACCOUNT", source="Person:P1", target="Account:A1", at=None),
...            NetworkLinkPublic(type="TRANSFER", source="Account:A1", target="Account:A2",
...                              at="2023-01-10T09:30:00Z")])
>>> timeline_rows(net)
[{'at': '2023-01-10 09:30', 'what': 'TRANSFER', 'from': 'A1', 'to': 'A2'}]
>>> relationship_counts(net)
({'OWNS_ACCOUNT': 1}, 0)
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from api.schemas import (
    CaseSummaryPublic,
    EntityPublic,
    NetworkPublic,
    PathsPublic,
    RingPublic,
    RingSummaryPublic,
)
from dashboard.graphview import HOLDING_TYPES, node_kind
from dashboard.layout import COLOUR_LABELS, HEAT_COLOURS, HIGHLIGHT_COLOUR, SHARED_COLOUR, UNSCORED_COLOUR

__all__ = [
    "PANEL_ROWS",
    "TIMELINE_TYPES",
    "case_summary",
    "entity_panel",
    "explanation_of",
    "legend",
    "paths_summary",
    "pins_list",
    "relationship_counts",
    "ring_panel",
    "ring_rows",
    "search_hits",
    "timeline_rows",
    "timeline_table",
]

#: What the timeline follows from the selection: its accounts (to reach their transfers), trips,
#: declarations and the X-ray hits on them.
TIMELINE_TYPES = (
    "OWNS_ACCOUNT",
    "TRANSFER",
    "TOOK_TRIP",
    "IMPORTED",
    "SUPPLIED",
    "BROKERED",
    "DECLARED_IN",
    "SCANNED",
)
#: Rows of a list in the side panel before "and N more".
PANEL_ROWS = 12
#: What the legend draws for each label: the canvas shape, as a character.
_GLYPHS = {
    "Person": "●",
    "Company": "▬",
    "Account": "■",
    "Phone": "◆",
    "Email": "◆",
    "Address": "◆",
    "Passport": "◆",
    "Declaration": "▲",
    "Parcel": "⬢",
    "PurchaseRecord": "◣",
    "Trip": "▼",
    "XRayHit": "★",
    "Document": "▰",
    "WatchlistEntry": "⬣",
}


def timeline_rows(network: NetworkPublic) -> list[dict[str, str]]:
    """Dated events of the network's centre and of what it holds (its accounts, trips, declarations),
    earliest first; a counterparty's own transfers are not the selection's and are left out."""
    names = {n.id: n.name or n.key or n.id for n in network.nodes}
    center = network.center
    held = {center}
    for link in network.links:
        if link.type != "TRANSFER" and center in (link.source, link.target):
            held.add(link.target if link.source == center else link.source)
    rows = [
        {
            "at": link.at[:16].replace("T", " "),
            "what": link.type,
            "from": str(names.get(link.source, link.source)),
            "to": str(names.get(link.target, link.target)),
        }
        for link in network.links
        if link.at and (link.source in held or link.target in held)
    ]
    return sorted(rows, key=lambda r: (r["at"], r["what"], r["from"], r["to"]))


def timeline_table(rows: list[dict[str, str]], truncated: bool) -> Any:
    """The timeline as a table (or a line saying there is nothing dated)."""
    if not rows:
        return html.P("No dated transfers, trips, declarations or X-ray hits.", className="text-muted")
    head = html.Thead(html.Tr([html.Th(c) for c in ("when", "what", "from", "to")]))
    body = html.Tbody([html.Tr([html.Td(r[c]) for c in ("at", "what", "from", "to")]) for r in rows])
    note = [html.P("Capped: only the first events of each kind are shown.", className="small text-muted")]
    return html.Div(
        [dbc.Table([head, body], size="sm", striped=True, id="timeline-table"), *(note if truncated else [])]
    )


def search_hits(hits: list[dict[str, Any]]) -> Any:
    """Search hits as buttons that open the entity in the workspace."""
    if not hits:
        return html.P("No entity matches.", className="text-muted")
    return dbc.ListGroup(
        [
            dbc.ListGroupItem(
                [html.B(h["name"] or h["key"]), html.Span(f"  {h['label']}:{h['key']}", className="small")],
                id={"type": "hit", "index": f"{h['label']}:{h['key']}"},
                action=True,
                n_clicks=0,
                className="search-hit",
            )
            for h in hits
        ]
    )


def explanation_of(entity: EntityPublic) -> dict[str, Any] | None:
    """The fused risk model's stored explanation (probability, models, features, versions), if any."""
    text = entity.properties.get("risk_explanation")
    if not isinstance(text, str):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _pairs(title: str, values: dict[str, Any]) -> list[Any]:
    if not values:
        return []
    items = [html.Li(f"{k}: {v:+.3f}" if isinstance(v, float) else f"{k}: {v}") for k, v in values.items()]
    return [html.Div(title, className="fw-semibold small mt-1"), html.Ul(items, className="small mb-1")]


def relationship_counts(network: NetworkPublic) -> tuple[dict[str, int], int]:
    """The centre's relationships in a one-hop network, counted by type (most first), and how many more
    the network's cap left off."""
    counts = Counter(link.type for link in network.links if network.center in (link.source, link.target))
    more = next((n.more or 0 for n in network.nodes if n.id == network.center), 0)
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))), more


def _capped(items: list[Any], left_off: int = 0, *, list_id: str | None = None) -> Any:
    """A list of at most :data:`PANEL_ROWS` rows and an "and N more" row for the rest."""
    shown = items[:PANEL_ROWS]
    more = len(items) - len(shown) + left_off
    rows = [*shown, *([html.Li(f"and {more} more", className="small text-muted")] if more else [])]
    return html.Ul(rows, id=list_id) if list_id else html.Ul(rows)


def _identifiers(entity: EntityPublic) -> list[Any]:
    """The identifier nodes a party holds (phones, e-mails, addresses, passports, accounts), or for an
    identifier the parties holding it; links to other identifiers (a transfer) are relationships."""
    held = [i for i in entity.identifiers if i.relationship in HOLDING_TYPES]
    if node_kind(entity.label) == "identifier":
        title = "Held by"
        rows = [
            html.Li([html.B(i.name or i.key), html.Span(f" {i.label}:{i.key}", className="text-muted")])
            for i in held
        ]
    else:
        title = "Identifiers"
        rows = [html.Li([html.Span(f"{i.label} ", className="text-muted"), i.key]) for i in held]
    if not rows:
        return [html.H6(title, className="mt-2"), html.P("none", className="small text-muted")]
    return [
        html.H6(title, className="mt-2"),
        html.Div(_capped(rows, list_id="entity-identifiers"), className="small"),
    ]


def _relationships(counts: dict[str, int], more: int) -> list[Any]:
    rows = [html.Li(f"{kind.lower().replace('_', ' ')}: {count}") for kind, count in counts.items()]
    if more:
        rows.append(html.Li(f"and {more} more (not counted by type)", className="text-muted"))
    return [
        html.H6("Relationships", className="mt-2"),
        html.Ul(
            rows or [html.Li("none", className="text-muted")], id="entity-relationships", className="small"
        ),
    ]


def entity_panel(
    entity: EntityPublic, neighbours: list[dict[str, Any]], relationships: tuple[dict[str, int], int]
) -> Any:
    """The side panel: identifiers held, relationships by type, scores with their meaning, the risk
    explanation, features, rings and the riskiest neighbours on the canvas."""
    parts: list[Any] = [
        html.H5(entity.name or entity.key, id="entity-title"),
        html.Div(f"{entity.label}:{entity.key}", className="small text-muted"),
        *_identifiers(entity),
        *_relationships(*relationships),
    ]
    parts.append(html.H6("Scores", className="mt-2"))
    parts.append(
        html.Ul(
            [
                html.Li(
                    [html.B(f"{s.name} {s.value:.4g}"), html.Span(f" {s.description}", className="small")]
                )
                for s in entity.scores
            ],
            id="entity-scores",
        )
        if entity.scores
        else html.P("not scored yet", className="small text-muted")
    )
    explanation = explanation_of(entity)
    if explanation is not None:
        parts.append(html.H6("Why this risk score", className="mt-2"))
        parts.append(html.Div(f"probability {explanation.get('probability')}", className="small"))
        parts += _pairs("models", explanation.get("models") or {})
        parts += _pairs("features", explanation.get("features") or {})
        parts += _pairs("model versions", explanation.get("model_versions") or {})
    for features in entity.features:
        parts += _pairs(f"features of {features.model} {features.version or ''}", features.values)
    if entity.rings:
        parts.append(html.H6("Rings", className="mt-2"))
        parts.append(
            html.Ul(
                [
                    html.Li(
                        f"{r.scheme} #{r.rank} ({r.status or 'new'}) as {r.role or 'member'}",
                        className="small",
                    )
                    for r in entity.rings
                ]
            )
        )
    if neighbours:
        parts.append(html.H6("Riskiest neighbours on the canvas", className="mt-2"))
        parts.append(
            html.Ul(
                [html.Li(f"{n['name'] or n['id']}: {n['value']:.3f}", className="small") for n in neighbours]
            )
        )
    return html.Div(parts)


def _label_words(label: str) -> str:
    """``XRayHit`` -> ``x-ray hit``, ``PurchaseRecord`` -> ``purchase record``: labels as words."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", label.replace("XRay", "X-ray")).lower()


def _key(mark: Any, text: str, **style: str) -> Any:
    return html.Span([html.Span(mark, className="legend-mark", style=style), text], className="legend-item")


def legend(entries: dict[str, Any], colour_by: str) -> Any:
    """The canvas's legend: shapes of the kinds on it, what the fill means, ring colours, and the marks
    for shared identifiers, the path or ring evidence, the selection and "and N more" (nothing for an
    empty canvas)."""
    if not entries["labels"]:
        return []
    shapes = [_key(_GLYPHS.get(label, "●"), _label_words(label)) for label in entries["labels"]]
    if colour_by == "ring":
        fill = [_key("●", "no ring", color=UNSCORED_COLOUR)]
    else:
        bar = html.Span(
            className="legend-scale",
            style={"background": f"linear-gradient(to right, {HEAT_COLOURS[0]}, {HEAT_COLOURS[1]})"},
        )
        fill = [
            html.Span([f"{COLOUR_LABELS[colour_by]}: low ", bar, " high"], className="legend-item"),
            _key("●", "not scored", color=UNSCORED_COLOUR),
        ]
    rings = [_key("◉", f"ring: {r['scheme']}", color=r["colour"]) for r in entries["rings"]]
    marks = [
        *([_key("◯", "shared identifier", color=SHARED_COLOUR)] if entries["shared"] else []),
        *([_key("━", "path / ring evidence", color=HIGHLIGHT_COLOUR)] if entries["highlight"] else []),
        _key("◯", "selected"),
        *([_key("▸", "click 'and N more' for the rest")] if entries["more"] else []),
    ]
    rows = [("nodes", shapes), ("fill", fill), ("marks", rings + marks)]
    return [html.Div([html.B(title), *items], className="legend-row") for title, items in rows if items]


def paths_summary(found: PathsPublic) -> Any:
    """One line per path found."""
    if not found.paths:
        return html.P(
            f"No path of up to the maximum length from {found.source} to {found.target}.", id="paths-result"
        )
    lines = [
        html.Li(" - ".join(str(n.name or n.key) for n in path.nodes), className="small")
        for path in found.paths
    ]
    return html.Div(
        [
            html.Div(f"{len(found.paths)} shortest path(s), {len(found.paths[0].links)} step(s)"),
            html.Ul(lines),
        ],
        id="paths-result",
    )


def ring_rows(rings: list[RingSummaryPublic]) -> list[dict[str, Any]]:
    """Rows of the ring and alert grids."""
    return [
        {
            "ring_id": r.ring_id,
            "scheme": r.scheme,
            "rank": r.rank,
            "score": None if r.score is None else round(r.score, 3),
            "members": r.member_count,
            "status": r.status or "new",
            "last_found_at": (r.last_found_at or "")[:19],
        }
        for r in rings
    ]


def ring_panel(ring: RingPublic) -> Any:
    """A ring's members and the evidence behind it."""
    members = html.Ul(
        [
            html.Li(f"{m.name or m.key} ({m.label}:{m.key}) {m.role or ''}", className="small")
            for m in ring.members
        ],
        id="ring-members",
    )
    evidence = html.Ul(
        [
            html.Li(str(e.get("reason", "")) if isinstance(e, dict) else str(e), className="small")
            for e in ring.evidence[:20]
        ]
    )
    return html.Div(
        [
            html.H5(f"{ring.scheme} #{ring.rank}"),
            html.Div(
                f"score {ring.score} · status {ring.status or 'new'} · {ring.ring_id}", className="small"
            ),
            html.H6("Members", className="mt-2"),
            members,
            html.H6("Evidence", className="mt-2"),
            evidence,
        ]
    )


def pins_list(pins: dict[str, Any]) -> Any:
    """The case builder's pinned entities and relationships."""
    entities = [html.Li(e, className="small") for e in pins.get("entities", [])]
    relationships = [
        html.Li(f"{r['source']} -{r['type']}- {r['target']}", className="small")
        for r in pins.get("relationships", [])
    ]
    return html.Div(
        [
            html.H6("Pinned entities"),
            html.Ul(
                entities or [html.Li("none yet: select a node and press Pin", className="small text-muted")],
                id="pinned-entities",
            ),
            html.H6("Pinned relationships"),
            html.Ul(relationships or [html.Li("none", className="small text-muted")]),
        ]
    )


def case_summary(case: CaseSummaryPublic) -> Any:
    """The saved case, in one line."""
    line = f"{case.case_id}: {case.title} ({case.status}, {case.entity_count} entities"
    return html.Div(f"{line}, updated {case.updated_at[:19]})", id="case-saved")
