"""Weighted shortest paths and the k shortest loopless paths between two entities.

A relationship's weight is read as the cost of crossing it (``weighted=False`` counts hops). Paths
follow relationships in either direction unless ``directed=True``; parallel relationships between the
same two entities count as one link, the cheapest, so each path is a distinct chain of entities.

Example
-------
>>> from graph.projection import Projection
>>> p = Projection.from_edges(
...     [("Account", "A"), ("Account", "B"), ("Account", "C")],
...     [(0, 1, "TRANSFER"), (1, 2, "TRANSFER"), (0, 2, "TRANSFER")],
...     weight=[1.0, 1.0, 5.0],
... )
>>> path = shortest_path(p, 0, 2, backend="cpu")
>>> path.nodes.tolist(), path.edges.tolist(), path.cost
([0, 1, 2], [0, 1], 2.0)
>>> [q.cost for q in k_shortest_paths(p, 0, 2, 5, backend="cpu")]
[2.0, 5.0]
>>> shortest_path(p, 2, 0, directed=True, backend="cpu") is None
True
"""

from __future__ import annotations

from analytics.backends import Backend, resolve_backend
from analytics.checks import at_least, node_index
from analytics.types import WeightedPath
from graph.projection import Projection

__all__ = ["k_shortest_paths", "shortest_path"]


def shortest_path(
    projection: Projection,
    source: int,
    target: int,
    *,
    weighted: bool = True,
    directed: bool = False,
    backend: Backend | str | None = None,
) -> WeightedPath | None:
    """The cheapest path from ``source`` to ``target``, or ``None`` when none exists."""
    return resolve_backend(backend).shortest_path(
        projection,
        node_index(projection, source, "source"),
        node_index(projection, target, "target"),
        weighted=weighted,
        directed=directed,
    )


def k_shortest_paths(
    projection: Projection,
    source: int,
    target: int,
    k: int,
    *,
    weighted: bool = True,
    directed: bool = False,
    backend: Backend | str | None = None,
) -> list[WeightedPath]:
    """Up to ``k`` loopless paths from ``source`` to ``target``, cheapest first."""
    return resolve_backend(backend).k_shortest_paths(
        projection,
        node_index(projection, source, "source"),
        node_index(projection, target, "target"),
        at_least(k, 1, "k"),
        weighted=weighted,
        directed=directed,
    )
