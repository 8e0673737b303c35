"""Communities by modularity: Louvain and Leiden on the undirected graph, parallel links summed.

Both give a :class:`~analytics.types.Partition` with its modularity (at resolution 1, so runs compare).
Leiden refines Louvain's communities so none is internally disconnected; both repeat for a seed.

Example
-------
>>> from graph.projection import Projection
>>> triangle = [(0, 1), (1, 2), (2, 0)]
>>> edges = [(a + o, b + o, "TRANSFER") for o in (0, 3) for a, b in triangle] + [(2, 3, "TRANSFER")]
>>> p = Projection.from_edges([("Account", str(i)) for i in range(6)], edges)
>>> louvain(p, backend="cpu").membership.tolist()
[0, 0, 0, 1, 1, 1]
>>> found = leiden(p, backend="cpu")
>>> found.membership.tolist(), round(found.modularity, 3)
([0, 0, 0, 1, 1, 1], 0.357)
"""

from __future__ import annotations

from analytics.backends import Backend, resolve_backend
from analytics.checks import positive
from analytics.types import Partition
from graph.projection import Projection

__all__ = ["leiden", "louvain"]


def louvain(
    projection: Projection,
    *,
    resolution: float = 1.0,
    weighted: bool = True,
    seed: int = 0,
    backend: Backend | str | None = None,
) -> Partition:
    """Louvain communities; a higher ``resolution`` gives more, smaller communities."""
    return resolve_backend(backend).louvain(
        projection, resolution=positive(resolution, "resolution"), weighted=weighted, seed=seed
    )


def leiden(
    projection: Projection,
    *,
    resolution: float = 1.0,
    weighted: bool = True,
    seed: int = 0,
    backend: Backend | str | None = None,
) -> Partition:
    """Leiden communities (modularity objective); a higher ``resolution`` gives smaller communities."""
    return resolve_backend(backend).leiden(
        projection, resolution=positive(resolution, "resolution"), weighted=weighted, seed=seed
    )
