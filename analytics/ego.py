"""k-hop ego networks with caps: the neighbourhood an investigator opens around one entity.

Relationships are followed in either direction. Each expanded entity adds at most ``max_neighbours``
new neighbours, its strongest links first (highest weight, then most recent), and the network stops
growing at ``max_nodes``; ``hidden`` says, per entity, how many neighbours the caps left out ("and N
more"). ``since``/``until`` drop timed relationships (transfers, trips) outside the window and keep
untimed ones (a shared phone is not an event).

Example
-------
>>> from graph.projection import Projection
>>> nodes = [("Address", "hub")] + [("Company", f"C{i}") for i in range(5)]
>>> edges = [(i, 0, "HAS_ADDRESS") for i in range(1, 6)]
>>> p = Projection.from_edges(nodes, edges, weight=[1, 5, 2, 4, 3])
>>> ego = ego_network(p, 0, hops=1, max_neighbours=3, backend="cpu")
>>> ego.nodes.tolist(), ego.hidden
([0, 2, 4, 5], {0: 2})
"""

from __future__ import annotations

from collections.abc import Sequence

from analytics.backends import Backend, resolve_backend
from analytics.checks import at_least, node_index
from analytics.types import EgoNetwork
from graph.projection import Projection
from graph.schema import SCHEMA

__all__ = ["ego_network"]


def ego_network(
    projection: Projection,
    center: int,
    *,
    hops: int = 2,
    rel_types: Sequence[str] | None = None,
    since: float | None = None,
    until: float | None = None,
    max_neighbours: int = 25,
    max_nodes: int = 500,
    backend: Backend | str | None = None,
) -> EgoNetwork:
    """The capped ``hops``-hop neighbourhood of ``center``, with what the caps hid per entity."""
    for rel_type in rel_types or ():
        SCHEMA.relationship(rel_type)
    return resolve_backend(backend).ego_network(
        projection,
        node_index(projection, center, "center"),
        hops=at_least(hops, 0, "hops"),
        rel_types=rel_types,
        since=since,
        until=until,
        max_neighbours=at_least(max_neighbours, 0, "max_neighbours"),
        max_nodes=at_least(max_nodes, 1, "max_nodes"),
    )
