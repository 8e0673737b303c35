"""The case network as GraphML (http://graphml.graphdrawing.org), for Gephi and link-analysis tools.

Nodes are the case's entities, named ``label:key``, with their label, key, name, pin, provenance, the
alerts they are in, their scores and their model features; edges are the relationships among them with
their type, pin, provenance and properties. Every attribute is declared once as a ``<key>`` with a type
read from its values (``boolean``, ``long``, ``double``, else ``string``; lists and maps as JSON text),
and keys, nodes and edges come in a fixed order, so a case always gives the same file.

>>> attribute_type([1, 2.5]), attribute_type([True]), attribute_type([3, "x"])
('double', 'boolean', 'string')
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any
from xml.etree import ElementTree as ET

from casefile.document import CaseDocument, EntityFacts, RelationshipFacts

__all__ = ["attribute_type", "case_graphml"]

_NS = "http://graphml.graphdrawing.org/xmlns"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_SCHEMA = f"{_NS} http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd"


def attribute_type(values: Iterable[Any]) -> str:
    """The GraphML type that holds every one of ``values``."""
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return "boolean"
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "long"
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return "double"
    return "string"


def _text(value: Any, kind: str) -> str:
    if kind == "boolean":
        return "true" if value else "false"
    if kind in ("long", "double"):
        return repr(float(value)) if kind == "double" else str(value)
    if isinstance(value, list | dict):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def _node_attributes(entity: EntityFacts, alerts: dict[str, list[str]]) -> dict[str, Any]:
    attributes: dict[str, Any] = {
        "label": entity.label,
        "key": entity.key,
        "name": entity.name,
        "pinned_by": entity.pinned_by,
        "pinned_at": entity.pinned_at,
        "provenance": entity.provenance.describe(),
        "alerts": "; ".join(alerts.get(entity.id, [])) or None,
    }
    attributes |= {score.name: score.value for score in entity.scores}
    for features in entity.features:
        attributes |= {f"feature.{features.model}.{n}": v for n, v in sorted(features.values.items())}
    return attributes


def _edge_attributes(relationship: RelationshipFacts) -> dict[str, Any]:
    own = {f"property.{name}": value for name, value in sorted(relationship.properties.items())}
    return {
        "type": relationship.type,
        "pinned": relationship.pinned,
        "provenance": relationship.provenance.describe(),
        **own,
    }


def _declare(
    root: ET.Element, domain: str, prefix: str, rows: list[dict[str, Any]]
) -> dict[str, tuple[str, str]]:
    """Declare a ``<key>`` for every attribute of ``rows``; attribute name -> (key id, type)."""
    names = list(dict.fromkeys(name for row in rows for name in row))
    keys = {}
    for number, name in enumerate(names):
        kind = attribute_type(row.get(name) for row in rows)
        key_id = f"{prefix}{number}"
        ET.SubElement(root, "key", {"id": key_id, "for": domain, "attr.name": name, "attr.type": kind})
        keys[name] = (key_id, kind)
    return keys


def _data(element: ET.Element, attributes: dict[str, Any], keys: dict[str, tuple[str, str]]) -> None:
    for name, value in attributes.items():
        if value is not None:
            key_id, kind = keys[name]
            ET.SubElement(element, "data", {"key": key_id}).text = _text(value, kind)


def case_graphml(doc: CaseDocument) -> bytes:
    """The case's entities and their relationships as one GraphML document (UTF-8)."""
    alerts: dict[str, list[str]] = {}
    for alert in doc.alerts:
        for member in alert.case_members:
            alerts.setdefault(member, []).append(alert.ring_id)
    nodes = [(e.id, _node_attributes(e, alerts)) for e in doc.entities]
    edges = [(r, _edge_attributes(r)) for r in doc.relationships]

    root = ET.Element("graphml", {"xmlns": _NS, "xmlns:xsi": _XSI, "xsi:schemaLocation": _SCHEMA})
    node_keys = _declare(root, "node", "n", [attributes for _, attributes in nodes])
    edge_keys = _declare(root, "edge", "e", [attributes for _, attributes in edges])
    graph = ET.SubElement(root, "graph", {"id": doc.case_id, "edgedefault": "directed"})
    for node_id, attributes in nodes:
        _data(ET.SubElement(graph, "node", {"id": node_id}), attributes, node_keys)
    for number, (relationship, attributes) in enumerate(edges):
        edge = ET.SubElement(
            graph,
            "edge",
            {"id": f"r{number}", "source": relationship.source, "target": relationship.target},
        )
        _data(edge, attributes, edge_keys)
    ET.indent(root, space="  ")
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document + b"\n"
