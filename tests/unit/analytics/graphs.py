"""Small random projections and their networkx twins, the oracles of the algorithm tests."""

from __future__ import annotations

import networkx as nx
import numpy as np

from graph.projection import Projection


def random_projection(
    seed: int,
    *,
    nodes: int = 12,
    edges: int = 30,
    label: str = "Account",
    rel_type: str = "TRANSFER",
    times: int | None = None,
    self_loops: bool = True,
) -> Projection:
    """A random multigraph (self-loops and parallel edges included) with positive weights.

    ``self_loops=False`` moves each self-loop's end to the next node. ``times`` draws integer times
    from ``0..times-1`` (few values, so ties happen); without it the relationships carry no time.
    """
    rng = np.random.default_rng(seed)
    src = rng.integers(0, nodes, edges)
    dst = rng.integers(0, nodes, edges)
    if not self_loops:
        dst = np.where(src == dst, (dst + 1) % nodes, dst)
    return Projection.from_edges(
        [(label, str(i)) for i in range(nodes)],
        [(int(a), int(b), rel_type) for a, b in zip(src, dst, strict=True)],
        weight=rng.uniform(0.5, 10.0, edges).round(3).tolist(),
        time=None if times is None else rng.integers(0, times, edges).astype(float).tolist(),
    )


def as_networkx(p: Projection, *, directed: bool, multi: bool = True) -> nx.Graph:
    """The projection as a networkx (multi)graph with ``weight`` and ``time`` edge attributes."""
    kinds = {(True, True): nx.MultiDiGraph, (False, True): nx.MultiGraph, (True, False): nx.DiGraph}
    graph = kinds.get((directed, multi), nx.Graph)()
    graph.add_nodes_from(range(p.num_nodes))
    for i, (a, b) in enumerate(zip(p.src.tolist(), p.dst.tolist(), strict=True)):
        attrs = {"weight": float(p.weight[i]), "time": float(p.time[i]), "id": i}
        # Simple twin of a multigraph: keep the cheapest parallel link.
        if not multi and graph.has_edge(a, b) and graph[a][b]["weight"] <= attrs["weight"]:
            continue
        graph.add_edge(a, b, **attrs)
    return graph
