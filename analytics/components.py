"""Weakly connected components: which entities are linked at all, whatever the direction of the links.

Example
-------
>>> from graph.projection import Projection
>>> p = Projection.from_edges(
...     [("Account", "A"), ("Account", "B"), ("Account", "C"), ("Account", "D")],
...     [(0, 1, "TRANSFER"), (3, 2, "TRANSFER")],
... )
>>> components = weakly_connected_components(p, backend="cpu")
>>> components.membership.tolist(), components.count
([0, 0, 1, 1], 2)
"""

from __future__ import annotations

from analytics.backends import Backend, resolve_backend
from analytics.types import Partition
from graph.projection import Projection

__all__ = ["weakly_connected_components"]


def weakly_connected_components(projection: Projection, *, backend: Backend | str | None = None) -> Partition:
    """One component id per node; two nodes share an id when a chain of relationships links them."""
    return resolve_backend(backend).weakly_connected_components(projection)
