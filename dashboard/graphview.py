"""The network canvas as data: what is on it, where, and how each element is drawn.

A canvas is a plain JSON-able dict kept in the browser between callbacks (``nodes`` by ``label:key``,
``edges`` by id, the ``highlight`` of the last path or ring drawn). The functions here merge the
services' answers into it (ego networks, paths, rings, scores), place new nodes, and turn it into
cytoscape elements with the filters and colours the investigator chose. They are pure and fast: the
canvas stays responsive at :data:`MAX_CANVAS_NODES` because positions are computed here (a preset
layout), not by a force simulation in the browser.

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

from api.investigation import IDENTIFIER_TYPES
from api.schemas import NetworkPublic, PathsPublic, RingPublic, ScoreBatchPublic

__all__ = [
    "COLOUR_BY",
    "MAX_CANVAS_NODES",
    "Canvas",
    "add_network",
    "add_path_nodes",
    "add_paths",
    "add_ring",
    "canvas_refs",
    "elements",
    "empty_canvas",
    "more_node_id",
    "neighbours_by_risk",
    "note_rings",
    "set_scores",
    "shared_identifiers",
]

#: The most nodes a canvas holds; expansions beyond it are counted in the expanded node's "and N more".
MAX_CANVAS_NODES = 500
#: What the nodes can be coloured by: a score (darker is higher) or the ring they belong to.
COLOUR_BY = ("risk_score", "accomplice_score", "pagerank", "ring")
#: Labels of parties: the holders whose shared identifiers the canvas highlights.
_PARTIES = frozenset({"Person", "Company"})
#: Identifier labels that, held by more than one party, mark a shared identifier.
_SHARED_LABELS = frozenset({"Phone", "Address", "Account"})
_IDENTIFIER_TYPES = frozenset(IDENTIFIER_TYPES)
_SPACING = 90.0
_RING_PALETTE = ("#8e44ad", "#16a085", "#d35400", "#2c3e50", "#c0392b", "#27ae60", "#2980b9", "#f39c12")

Canvas = dict[str, Any]


def empty_canvas() -> Canvas:
    """A canvas with nothing on it."""
    return {"nodes": {}, "edges": {}, "highlight": [], "center": None, "full": False}


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
        if edge["type"] not in _IDENTIFIER_TYPES:
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


def _caption(node: dict[str, Any]) -> str:
    name = node.get("name") or node.get("key") or node["id"]
    return str(name) if len(str(name)) <= 28 else f"{str(name)[:27]}…"


def elements(
    canvas: Canvas,
    *,
    types: Iterable[str] | None = None,
    since: date | None = None,
    until: date | None = None,
    colour_by: str = "risk_score",
) -> list[dict[str, Any]]:
    """Cytoscape elements of the canvas: edges of the chosen ``types`` within the time window, nodes
    coloured by ``colour_by`` (a score or ``ring``), shared identifiers and the highlight marked, and an
    "and N more" node for each expanded node the caps cut short."""
    wanted = set(types) if types is not None else None
    shared = shared_identifiers(canvas)
    heat = _heat(canvas, colour_by) if colour_by != "ring" else {}
    highlight = set(canvas["highlight"])
    out: list[dict[str, Any]] = []
    for node in canvas["nodes"].values():
        classes = [str(node["label"])]
        data: dict[str, Any] = {"id": node["id"], "caption": _caption(node), "kind": node["label"]}
        if node["id"] in heat:
            data["heat"] = round(heat[node["id"]], 4)
            classes.append("scored")
        if node["rings"]:
            classes.append("ring")
            data["ring_colour"] = _ring_colour(node["rings"][0])
            if colour_by == "ring":
                classes.append("ring-fill")
        if node["id"] in shared:
            classes.append("shared")
        if node["id"] in highlight:
            classes.append("highlight")
        if node["id"] == canvas["center"]:
            classes.append("center")
        out.append({"data": data, "classes": " ".join(classes), "position": _position(node)})
        if node["more"]:
            more_id = more_node_id(node["id"])
            out.append(
                {
                    "data": {"id": more_id, "caption": f"and {node['more']} more", "parent_node": node["id"]},
                    "classes": "more",
                    "position": {"x": _position(node)["x"] + 40, "y": _position(node)["y"] - 40},
                }
            )
            out.append(
                {
                    "data": {"id": f"{more_id}|edge", "source": node["id"], "target": more_id},
                    "classes": "more",
                }
            )
    for edge in canvas["edges"].values():
        if wanted is not None and edge["type"] not in wanted:
            continue
        if not _in_window(edge["at"], since, until):
            continue
        classes = [edge["type"]]
        if edge["id"] in highlight:
            classes.append("highlight")
        data = {k: edge[k] for k in ("id", "source", "target", "type")}
        data["caption"] = edge["type"] if not edge["at"] else f"{edge['type']} {edge['at'][:10]}"
        out.append({"data": data, "classes": " ".join(classes)})
    return out


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
    pairs = {tuple(sorted((index[e["source"]], index[e["target"]]))) for e in canvas["edges"].values()}
    graph = igraph.Graph(n=len(ids), edges=sorted(pairs))
    if len(ids) == 1:
        coords = [[0.0, 0.0]]
    else:
        # A seed fixed by the canvas's contents: the same network is always drawn the same way.
        seed = [
            [math.cos(i * 2.399963) * math.sqrt(i + 1), math.sin(i * 2.399963) * math.sqrt(i + 1)]
            for i in range(len(ids))
        ]
        coords = graph.layout_fruchterman_reingold(niter=200, seed=seed).coords
    scale = _SPACING * 1.4
    for node_id, (x, y) in zip(ids, coords, strict=True):
        canvas["nodes"][node_id]["x"] = round(x * scale, 1)
        canvas["nodes"][node_id]["y"] = round(y * scale, 1)
