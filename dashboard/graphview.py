"""The network canvas as data: what is on it, where, and how each element is drawn.

A canvas is a plain JSON-able dict kept in the browser between callbacks (``nodes`` by ``label:key``,
``edges`` by id, the ``highlight`` of the last path or ring drawn). The functions here merge the
services' answers into it (ego networks, paths, rings, scores), place new nodes, and turn it into
cytoscape elements with the filters and colours the investigator chose. They are pure and fast: the
canvas stays responsive at :data:`MAX_CANVAS_NODES` because positions are computed here (a preset
layout), not by a force simulation in the browser.

What is drawn reads at a glance: parties (people, companies) are big and named, identifiers and events
small and keyed by a short caption, and only what matters is labelled (parties, ring members, shared
identifiers, the selection and the path or ring drawn), so 500 nodes do not drown in text.

>>> canvas = empty_canvas()
>>> _ = add_path_nodes(canvas, [("Person:P1", "Person", "P1", "Kim"), ("Phone:+82", "Phone", "+82", None),
...                             ("Person:P2", "Person", "P2", "Lee")],
...                    [("HAS_PHONE", "Person:P1", "Phone:+82"), ("HAS_PHONE", "Person:P2", "Phone:+82")])
>>> sorted(shared_identifiers(canvas))
['Phone:+82']
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

import igraph
import numpy as np

from api.schemas import NetworkPublic, PathsPublic, RingPublic, ScoreBatchPublic
from graph.schema import SCHEMA

__all__ = [
    "COLOUR_BY",
    "EDGE_LABEL_LIMIT",
    "HOLDING_TYPES",
    "MAX_CANVAS_NODES",
    "NODE_LABEL_LIMIT",
    "Canvas",
    "add_network",
    "add_path_nodes",
    "add_paths",
    "add_ring",
    "canvas_refs",
    "drawing_of",
    "elements",
    "empty_canvas",
    "legend_entries",
    "more_node_id",
    "neighbours_by_risk",
    "node_kind",
    "note_rings",
    "set_scores",
    "shared_identifiers",
]

#: The most nodes a canvas holds; expansions beyond it are counted in the expanded node's "and N more".
MAX_CANVAS_NODES = 500
#: What the nodes can be coloured by: a score (darker is higher) or the ring they belong to.
COLOUR_BY = ("risk_score", "accomplice_score", "pagerank", "ring")
#: Relationships by which a party holds an identifier (a phone, e-mail, address, passport or account);
#: a transfer between two accounts links identifiers but is nobody's identifier.
HOLDING_TYPES: tuple[str, ...] = tuple(
    r.type
    for r in SCHEMA.relationships
    if all(SCHEMA.node(label).identifier for label in r.end)
    and not any(SCHEMA.node(label).identifier for label in r.start)
)
#: Relationship types are written on the edges when the canvas draws at most this many edges (more
#: would cover the nodes); above it only the edges of the selection carry their type.
EDGE_LABEL_LIMIT = 60
#: Every node carries its caption while the canvas holds at most this many; above it, only the
#: parties and the nodes that matter to the question on screen do.
NODE_LABEL_LIMIT = 30
#: Labels of parties: the holders whose shared identifiers the canvas highlights.
_PARTIES = frozenset({"Person", "Company"})
_IDENTIFIERS = frozenset(SCHEMA.identifier_labels)
#: Identifier labels that, held by more than one party, mark a shared identifier.
_SHARED_LABELS = frozenset({"Phone", "Address", "Account"})
_HOLDING = frozenset(HOLDING_TYPES)
#: The usual length of an edge on the canvas, in canvas pixels (the force layout is scaled to it).
_SPACING = 90.0
#: Ring colours: no red (the highlight of paths and evidence) and no grey (nodes of no ring).
_RING_PALETTE = ("#8e44ad", "#00897b", "#ef6c00", "#283593", "#2e7d32", "#0277bd", "#ad1457", "#f9a825")
_PARTY_CAPTION = 24
_KEY_CAPTION = 14

Canvas = dict[str, Any]


def empty_canvas() -> Canvas:
    """A canvas with nothing on it."""
    return {"nodes": {}, "edges": {}, "highlight": [], "center": None, "full": False}


def drawing_of(canvas: Canvas) -> str:
    """A short fingerprint of the nodes on the canvas: it changes when a ring, a path or an expansion
    adds nodes or a new canvas is opened, and not when only colours, filters or the selection change."""
    return hashlib.sha256("\n".join(sorted(canvas["nodes"])).encode()).hexdigest()[:16]


def node_kind(label: str | None) -> str:
    """``party`` (person, company), ``identifier`` (phone, e-mail, address, passport, account) or
    ``event`` (declarations, parcels, trips, scans and the rest): it sets a node's size and caption.

    >>> node_kind("Company"), node_kind("Phone"), node_kind("Trip")
    ('party', 'identifier', 'event')
    """
    if label in _PARTIES:
        return "party"
    return "identifier" if label in _IDENTIFIERS else "event"


def more_node_id(node_id: str) -> str:
    """The id of the "and N more" placeholder hanging off ``node_id``."""
    return f"more:{node_id}"


def _edge_id(kind: str, source: str, target: str, at: str | None) -> str:
    return f"{kind}|{source}|{target}|{at or ''}"


def _add_node(canvas: Canvas, node_id: str, label: str | None, key: str | None, name: str | None) -> bool:
    """Put a node on the canvas unless it is full; True when the node is (now) on it."""
    nodes: dict[str, Any] = canvas["nodes"]
    if node_id in nodes:
        if name and not nodes[node_id].get("name"):
            nodes[node_id]["name"] = name
        return True
    if len(nodes) >= MAX_CANVAS_NODES:
        canvas["full"] = True
        return False
    nodes[node_id] = {
        "id": node_id,
        "label": label,
        "key": key,
        "name": name,
        "scores": {},
        "rings": [],
        "more": None,
        "cap": None,
        "x": None,
        "y": None,
    }
    return True


def _add_edge(canvas: Canvas, kind: str, source: str, target: str, at: str | None) -> str | None:
    nodes = canvas["nodes"]
    if source not in nodes or target not in nodes:
        return None
    edge_id = _edge_id(kind, source, target, at)
    canvas["edges"].setdefault(
        edge_id, {"id": edge_id, "type": kind, "source": source, "target": target, "at": at}
    )
    return edge_id


def add_network(canvas: Canvas, network: NetworkPublic, cap: int) -> Canvas:
    """Merge an ego network; expanded nodes keep how many neighbours the caps left off ("and N more")."""
    left_off: dict[str, int] = defaultdict(int)
    for node in network.nodes:
        if not _add_node(canvas, node.id, node.label, node.key, node.name):
            # The canvas is full: the node counts towards "more" of the node it was reached from.
            parent = next((link.source for link in network.links if link.target == node.id), None)
            parent = parent or next((link.target for link in network.links if link.source == node.id), None)
            left_off[parent or network.center] += 1
    for link in network.links:
        _add_edge(canvas, link.type, link.source, link.target, link.at)
    for node in network.nodes:
        on_canvas = canvas["nodes"].get(node.id)
        if on_canvas is not None and node.more is not None:
            on_canvas["more"] = node.more + left_off.get(node.id, 0)
            on_canvas["cap"] = cap
    if network.center in canvas["nodes"] and canvas["center"] is None:
        canvas["center"] = network.center
    return place(canvas)


def _merge(
    canvas: Canvas,
    nodes: Iterable[tuple[str, str | None, str | None, str | None]],
    links: Iterable[tuple[str, str, str]],
) -> None:
    highlight: list[str] = []
    for node_id, label, key, name in nodes:
        if _add_node(canvas, node_id, label, key, name):
            highlight.append(node_id)
    for kind, source, target in links:
        edge_id = _add_edge(canvas, kind, source, target, None)
        if edge_id is not None:
            highlight.append(edge_id)
    canvas["highlight"] = list(dict.fromkeys([*canvas["highlight"], *highlight]))


def add_path_nodes(
    canvas: Canvas,
    nodes: Iterable[tuple[str, str | None, str | None, str | None]],
    links: Iterable[tuple[str, str, str]],
) -> Canvas:
    """Merge nodes ``(id, label, key, name)`` and links ``(type, source, target)``, highlighting them."""
    _merge(canvas, nodes, links)
    return place(canvas)


def add_paths(canvas: Canvas, found: PathsPublic) -> Canvas:
    """Draw the shortest paths between two entities, highlighted (replacing the last highlight)."""
    canvas["highlight"] = []
    for path in found.paths:
        _merge(
            canvas,
            [(n.id, n.label, n.key, n.name) for n in path.nodes],
            [(link.type, link.source, link.target) for link in path.links],
        )
    return place(canvas)


def note_rings(canvas: Canvas, ring_id: str, scheme: str, members: Iterable[str]) -> Canvas:
    """Record that ``members`` (node ids) belong to the ring, for ring colours and borders."""
    for member in members:
        node = canvas["nodes"].get(member)
        if node is not None and ring_id not in node["rings"]:
            node["rings"].append(ring_id)
            node.setdefault("schemes", {})[ring_id] = scheme
    return canvas


def add_ring(canvas: Canvas, ring: RingPublic) -> Canvas:
    """Draw a ring: its members, and its evidence paths highlighted."""
    canvas["highlight"] = []
    members = [(f"{m.label}:{m.key}", m.label, m.key, m.name) for m in ring.members]
    _merge(canvas, members, [])
    for path in ring.evidence:
        if not isinstance(path, dict):
            continue
        nodes = [(f"{n['label']}:{n['key']}", n["label"], str(n["key"]), None) for n in path.get("nodes", [])]
        types = list(path.get("relationships", []))
        links = [(kind, nodes[i][0], nodes[i + 1][0]) for i, kind in enumerate(types) if i + 1 < len(nodes)]
        _merge(canvas, nodes, links)
    # Placed once, all together: a force layout of the whole ring, not one evidence path at a time.
    place(canvas)
    note_rings(canvas, ring.ring_id, ring.scheme, [m[0] for m in members])
    if canvas["center"] is None and members:
        canvas["center"] = members[0][0]
    return canvas


def set_scores(canvas: Canvas, batch: ScoreBatchPublic, asked: Iterable[str]) -> Canvas:
    """Keep each node's analytics results (for colours and the side panel's riskiest neighbours); the
    ``asked`` nodes are not asked again, scored or not."""
    for node_id in asked:
        if node_id in canvas["nodes"]:
            canvas["nodes"][node_id]["scored"] = True
    for result in batch.results:
        node = canvas["nodes"].get(f"{result.label}:{result.key}")
        if node is not None:
            node["scores"] = dict(result.scores)
    return canvas


def canvas_refs(canvas: Canvas, unscored_only: bool = False) -> list[dict[str, str]]:
    """``{label, key}`` of the canvas's nodes (those not asked for scores yet, when ``unscored_only``)."""
    return [
        {"label": n["label"], "key": n["key"]}
        for n in canvas["nodes"].values()
        if n["label"] and n["key"] is not None and not (unscored_only and n.get("scored"))
    ]


def shared_identifiers(canvas: Canvas) -> set[str]:
    """Phones, addresses and accounts on the canvas held by more than one party on it."""
    holders: dict[str, set[str]] = defaultdict(set)
    nodes = canvas["nodes"]
    for edge in canvas["edges"].values():
        if edge["type"] not in _HOLDING:
            continue
        for party, identifier in ((edge["source"], edge["target"]), (edge["target"], edge["source"])):
            if nodes[party]["label"] in _PARTIES and nodes[identifier]["label"] in _SHARED_LABELS:
                holders[identifier].add(party)
    return {identifier for identifier, parties in holders.items() if len(parties) > 1}


def neighbours_by_risk(
    canvas: Canvas, node_id: str, score: str = "risk_score", top: int = 5
) -> list[dict[str, Any]]:
    """The node's neighbours on the canvas with the highest ``score``, highest first."""
    nodes = canvas["nodes"]
    linked = {e["target"] for e in canvas["edges"].values() if e["source"] == node_id}
    linked |= {e["source"] for e in canvas["edges"].values() if e["target"] == node_id}
    scored = [nodes[n] for n in linked if score in nodes[n]["scores"]]
    scored.sort(key=lambda n: -float(n["scores"][score]))
    return [{"id": n["id"], "name": n["name"], "value": n["scores"][score]} for n in scored[:top]]


def _in_window(at: str | None, since: date | None, until: date | None) -> bool:
    if at is None:
        return True
    day = date.fromisoformat(at[:10])
    return (since is None or day >= since) and (until is None or day <= until)


def _heat(canvas: Canvas, colour_by: str) -> dict[str, float]:
    """Each scored node's shade in [0, 1]: the score itself for probabilities, else relative to the
    canvas's highest (PageRank values are tiny and only their order means something)."""
    values = {
        n["id"]: float(n["scores"][colour_by]) for n in canvas["nodes"].values() if colour_by in n["scores"]
    }
    if not values:
        return {}
    if colour_by == "risk_score":
        return {k: min(max(v, 0.0), 1.0) for k, v in values.items()}
    top = max(values.values()) or 1.0
    return {k: max(v, 0.0) / top for k, v in values.items()}


def _ring_colour(ring_id: str) -> str:
    digest = hashlib.sha256(ring_id.encode()).digest()
    return _RING_PALETTE[digest[0] % len(_RING_PALETTE)]


def _short(text: str, most: int) -> str:
    return text if len(text) <= most else f"{text[: most - 1]}…"


def _caption(node: dict[str, Any]) -> str:
    """A party's name; for anything else its key, shortened (an address key is a whole address)."""
    if node_kind(node["label"]) == "party":
        return _short(str(node.get("name") or node.get("key") or node["id"]), _PARTY_CAPTION)
    return _short(str(node.get("key") or node["id"]), _KEY_CAPTION)


def _node_hover(node: dict[str, Any]) -> str:
    """What the canvas says under it when the pointer is on the node."""
    parts = [f"{node['label']} {node['key']}"]
    if node.get("name"):
        parts.append(str(node["name"]))
    parts += [f"{name} {float(value):.3g}" for name, value in sorted(node["scores"].items())[:4]]
    parts += [f"ring {scheme}" for scheme in node.get("schemes", {}).values()]
    return " · ".join(parts)


def _edge_caption(edge: dict[str, Any]) -> str:
    """The type in words; its date is in the hover line and the timeline (on the edge, it would not fit)."""
    return str(edge["type"]).lower().replace("_", " ")


def _node_classes(
    node: dict[str, Any],
    *,
    canvas: Canvas,
    shared: set[str],
    heat: dict[str, float],
    colour_by: str,
    selection: str | None,
) -> list[str]:
    kind = node_kind(node["label"])
    classes = [str(node["label"]), kind]
    if node["id"] in heat:
        classes.append("scored")
    if node["rings"]:
        classes += ["ring", *(["ring-fill"] if colour_by == "ring" else [])]
    marks = {
        "shared": node["id"] in shared,
        "highlight": node["id"] in canvas["highlight"],
        "center": node["id"] == canvas["center"],
        "selected": node["id"] == selection,
    }
    classes += [mark for mark, holds in marks.items() if holds]
    # Parties are always named; a small node only when it matters to the question on screen.
    important = marks["shared"] or marks["center"] or marks["selected"] or bool(node["rings"])
    few = len(canvas["nodes"]) <= NODE_LABEL_LIMIT
    if few or kind == "party" or important or (kind == "identifier" and marks["highlight"]):
        classes.append("labelled")
    return classes


def _node_elements(node: dict[str, Any], classes: list[str], heat: dict[str, float]) -> list[dict[str, Any]]:
    data: dict[str, Any] = {
        "id": node["id"],
        "caption": _caption(node),
        "kind": node["label"],
        "hover": _node_hover(node),
    }
    if node["id"] in heat:
        data["heat"] = round(heat[node["id"]], 4)
    if node["rings"]:
        data["ring_colour"] = _ring_colour(node["rings"][0])
    at = _position(node)
    out = [{"data": data, "classes": " ".join(classes), "position": at}]
    if node["more"]:
        more_id = more_node_id(node["id"])
        caption = f"and {node['more']} more"
        out.append(
            {
                "data": {"id": more_id, "caption": caption, "parent_node": node["id"], "hover": caption},
                "classes": "more",
                "position": {"x": at["x"] + 40, "y": at["y"] - 40},
            }
        )
        out.append(
            {"data": {"id": f"{more_id}|edge", "source": node["id"], "target": more_id}, "classes": "more"}
        )
    return out


def _edge_element(
    edge: dict[str, Any], canvas: Canvas, *, labelled: bool, selection: str | None
) -> dict[str, Any]:
    classes = [edge["type"]]
    if edge["id"] in canvas["highlight"]:
        classes.append("highlight")
    if labelled or selection in (edge["source"], edge["target"]):
        classes.append("labelled")
    nodes = canvas["nodes"]
    data = {k: edge[k] for k in ("id", "source", "target", "type")}
    data["caption"] = _edge_caption(edge)
    when = f" {edge['at'][:10]}" if edge["at"] else ""
    ends = f"{_caption(nodes[edge['source']])} → {_caption(nodes[edge['target']])}"
    data["hover"] = f"{data['caption']}{when}: {ends}"
    return {"data": data, "classes": " ".join(classes)}


def elements(
    canvas: Canvas,
    *,
    types: Iterable[str] | None = None,
    since: date | None = None,
    until: date | None = None,
    colour_by: str = "risk_score",
    selection: str | None = None,
) -> list[dict[str, Any]]:
    """Cytoscape elements of the canvas: edges of the chosen ``types`` within the time window, nodes
    coloured by ``colour_by`` (a score or ``ring``), sized and labelled by kind (all labelled on a small
    canvas), shared identifiers, the highlight and the ``selection`` marked, and an "and N more" node
    for each expanded node the caps cut short. Edges carry their type as a label while few are drawn
    (and those of the selection always)."""
    wanted = set(types) if types is not None else None
    shared = shared_identifiers(canvas)
    heat = _heat(canvas, colour_by) if colour_by != "ring" else {}
    # A set for the look-ups below; the stored canvas keeps its JSON list.
    canvas = {**canvas, "highlight": set(canvas["highlight"])}
    out: list[dict[str, Any]] = []
    for node in canvas["nodes"].values():
        classes = _node_classes(
            node, canvas=canvas, shared=shared, heat=heat, colour_by=colour_by, selection=selection
        )
        out += _node_elements(node, classes, heat)
    drawn = [
        edge
        for edge in canvas["edges"].values()
        if (wanted is None or edge["type"] in wanted) and _in_window(edge["at"], since, until)
    ]
    labelled = len(drawn) <= EDGE_LABEL_LIMIT
    out += [_edge_element(edge, canvas, labelled=labelled, selection=selection) for edge in drawn]
    return out


def legend_entries(canvas: Canvas) -> dict[str, Any]:
    """What the legend explains for this canvas: the node labels on it (parties first), its rings with
    their colours, and whether shared identifiers and a highlight are drawn."""
    order = {"party": 0, "identifier": 1, "event": 2}
    present = {str(n["label"]) for n in canvas["nodes"].values()}
    labels = sorted(present, key=lambda label: (order[node_kind(label)], label))
    rings: dict[str, dict[str, str]] = {}
    for node in canvas["nodes"].values():
        for ring_id in node["rings"]:
            scheme = node.get("schemes", {}).get(ring_id, "ring")
            rings.setdefault(ring_id, {"ring_id": ring_id, "scheme": scheme, "colour": _ring_colour(ring_id)})
    return {
        "labels": labels,
        "rings": list(rings.values()),
        "shared": bool(shared_identifiers(canvas)),
        "highlight": bool(canvas["highlight"]),
        "more": any(n["more"] for n in canvas["nodes"].values()),
    }


def _position(node: dict[str, Any]) -> dict[str, float]:
    return {"x": float(node["x"] or 0.0), "y": float(node["y"] or 0.0)}


def place(canvas: Canvas) -> Canvas:
    """Give every new node a position: a force layout (igraph) when nothing is placed yet, else a circle
    around the placed neighbour it hangs off, so nodes already on screen never move."""
    nodes = canvas["nodes"]
    new = [n for n in nodes.values() if n["x"] is None]
    if not new:
        return canvas
    if len(new) == len(nodes):
        _force_layout(canvas)
        return canvas
    neighbours: dict[str, list[str]] = defaultdict(list)
    for edge in canvas["edges"].values():
        neighbours[edge["source"]].append(edge["target"])
        neighbours[edge["target"]].append(edge["source"])
    children: dict[str, list[dict[str, Any]]] = defaultdict(list)
    orphans = []
    for node in new:
        anchor = next((m for m in neighbours[node["id"]] if nodes[m]["x"] is not None), None)
        if anchor is None:
            orphans.append(node)
        else:
            children[anchor].append(node)
    for anchor, placed in children.items():
        _circle(nodes[anchor], placed)
    if orphans:
        right = max(float(n["x"]) for n in nodes.values() if n["x"] is not None) + 2 * _SPACING
        for i, node in enumerate(orphans):
            node["x"], node["y"] = right + (i % 5) * _SPACING, (i // 5) * _SPACING
        place(canvas)
    return canvas


def _circle(anchor: dict[str, Any], placed: list[dict[str, Any]]) -> None:
    """Place ``placed`` on rings around ``anchor``: 12 on the first, more on each wider one."""
    at = 0
    ring = 1
    while at < len(placed):
        size = 12 * ring
        chunk = placed[at : at + size]
        radius = _SPACING * (1.2 + ring)
        # Start each anchor's circle at an angle of its own, so two anchors' circles interleave.
        offset = (int(hashlib.sha256(anchor["id"].encode()).hexdigest()[:4], 16) % 360) * math.pi / 180
        for i, node in enumerate(chunk):
            angle = offset + 2 * math.pi * i / len(chunk)
            node["x"] = float(anchor["x"]) + radius * math.cos(angle)
            node["y"] = float(anchor["y"]) + radius * math.sin(angle)
        at += size
        ring += 1


def _force_layout(canvas: Canvas) -> None:
    ids = list(canvas["nodes"])
    index = {node_id: i for i, node_id in enumerate(ids)}
    pairs = sorted(
        {tuple(sorted((index[e["source"]], index[e["target"]]))) for e in canvas["edges"].values()}
    )
    graph = igraph.Graph(n=len(ids), edges=pairs)
    if len(ids) == 1:
        coords = [[0.0, 0.0]]
    else:
        # A seed fixed by the canvas's contents: the same network is always drawn the same way.
        seed = [
            [math.cos(i * 2.399963) * math.sqrt(i + 1), math.sin(i * 2.399963) * math.sqrt(i + 1)]
            for i in range(len(ids))
        ]
        coords = graph.layout_fruchterman_reingold(niter=200, seed=seed).coords
    scale = _SPACING / _typical_edge_length(coords, pairs)
    placed = _spread(np.asarray(coords, dtype=float) * scale, _SPACING * 0.9)
    for node_id, (x, y) in zip(ids, placed.tolist(), strict=True):
        canvas["nodes"][node_id]["x"] = round(x, 1)
        canvas["nodes"][node_id]["y"] = round(y, 1)


def _spread(points: np.ndarray, least: float, rounds: int = 30) -> np.ndarray:
    """Push apart nodes closer than ``least`` (a force layout packs a hub's leaves onto it, and their
    names onto each other), each pair by half of what it lacks, for a few rounds."""
    # A tiny fixed nudge by index: two nodes at one point would have no direction to part in.
    points = points + np.arange(len(points))[:, None] * np.array([[1e-3, 2e-3]])
    for _ in range(rounds):
        square = (points**2).sum(axis=1)
        distance2 = square[:, None] + square[None, :] - 2 * points @ points.T
        first, second = np.nonzero(np.triu(distance2 < least * least, k=1))
        if not len(first):
            break
        apart = points[first] - points[second]
        distance = np.maximum(np.hypot(apart[:, 0], apart[:, 1]), 1e-6)
        push = apart * ((least - distance) / (2 * distance))[:, None]
        np.add.at(points, first, push / 2)
        np.add.at(points, second, -push / 2)
    return points


def _typical_edge_length(coords: list[list[float]], pairs: list[tuple[int, ...]]) -> float:
    """The median edge length of a layout: scaled to :data:`_SPACING`, a drawn ring fills the view at a
    zoom where names are readable, whatever units the force layout happened to use."""
    lengths = sorted(math.dist(coords[a], coords[b]) for a, b in pairs)
    typical = lengths[len(lengths) // 2] if lengths else 1.0
    return typical if typical > 1e-9 else 1.0
