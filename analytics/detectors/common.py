"""What the scheme detectors share: their named reads, dates, identifier weights and groupings.

The detectors read flat tables from named reads (the trade schemes from ``cypher/detect_trade.cypher``),
decide in pure functions and report rings. This module holds the few pieces several of them need, so
none repeats another.

Example
-------
>>> identifier_specificity(2), identifier_specificity(41)
(1.0, 0.025)
>>> groups([("importer", "C1"), ("importer", "C2")], [(("importer", "C1"), ("supplier", "S1"))])
[[('importer', 'C1'), ('supplier', 'S1')], [('importer', 'C2')]]
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Iterable, Iterator
from datetime import date
from typing import Any, TypeVar

from neo4j import Driver

from bigfinder.settings import Settings
from graph.tables import Columns, read_columns

__all__ = [
    "QUERY_FILE",
    "as_date",
    "groups",
    "identifier_specificity",
    "named_rows",
    "parameters_of",
    "read_trade_table",
    "records",
]

#: The ``cypher/`` file holding the trade detectors' reads.
QUERY_FILE = "detect_trade"

Node = TypeVar("Node", bound=Hashable)


def read_trade_table(driver: Driver, settings: Settings, name: str, **params: Any) -> Columns:
    """The result of the read ``name`` of ``cypher/detect_trade.cypher`` as columns."""
    return read_columns(driver, settings, QUERY_FILE, name, **params)


def named_rows(columns: Columns, *names: str) -> Iterator[tuple[Any, ...]]:
    """The rows of ``columns``, each as the values of ``names`` in that order."""
    return zip(*(columns[name] for name in names), strict=True)


def records(columns: Columns, *names: str) -> Iterator[dict[str, Any]]:
    """The rows of ``columns`` as ``{name: value}`` for ``names``, to build a row dataclass from."""
    for values in named_rows(columns, *names):
        yield dict(zip(names, values, strict=True))


def as_date(value: Any) -> date | None:
    """A Neo4j ``Date`` (or an ISO string, or a ``date``) as a Python ``date``; ``None`` stays ``None``."""
    if value is None or isinstance(value, date):
        return value
    if isinstance(value, str):
        return date.fromisoformat(value)
    native = value.to_native()
    if not isinstance(native, date):
        raise TypeError(f"{value!r} is not a date")
    return native


def identifier_specificity(holders: int) -> float:
    """How much sharing one identifier says: 1 when two parties hold it, ``1 / (holders - 1)`` beyond.

    A phone two firms share ties them; an office building's address held by forty firms says almost
    nothing about any pair of them.
    """
    return 1.0 if holders <= 2 else round(1.0 / (holders - 1), 6)


def groups(nodes: Iterable[Node], links: Iterable[tuple[Node, Node]]) -> list[list[Node]]:
    """The connected groups of ``nodes`` under ``links``, each sorted, largest group first."""
    parent: dict[Node, Node] = {}

    def root(node: Node) -> Node:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for node in nodes:
        root(node)
    for a, b in links:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[rb] = ra
    members: dict[Node, list[Node]] = {}
    for node in parent:
        members.setdefault(root(node), []).append(node)
    found = [sorted(group, key=repr) for group in members.values()]
    return sorted(found, key=lambda group: (-len(group), repr(group[0])))


def parameters_of(params: Any) -> dict[str, Any]:
    """A detector's parameter dataclass as the plain mapping stored with every run."""
    if not dataclasses.is_dataclass(params) or isinstance(params, type):
        raise TypeError("detector parameters are a dataclass instance")
    return dataclasses.asdict(params)
