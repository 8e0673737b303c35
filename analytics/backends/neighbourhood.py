"""k-hop ego networks with caps, so a hub (a logistics address, a payment processor) cannot flood a view.

Every expanded node adds at most ``max_neighbours`` new neighbours, strongest link first (highest weight,
then most recent, then lowest index: the same answer every time), and the walk stops at ``max_nodes``.
What the caps hid is counted per node, for an "and N more" in the investigator's view.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from analytics.types import EgoNetwork
from graph.projection import CSR, Projection

__all__ = ["ego_network"]

I64 = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]


def _usable_relationships(
    projection: Projection, rel_types: Sequence[str] | None, since: float | None, until: float | None
) -> Mask:
    """Relationships of the wanted types; a time window drops timed events outside it.

    Relationships without a time (a shared phone, an owned account) are structure, not events: they
    stay whatever the window, or an ego network limited to last month would lose its identifiers.
    """
    keep = np.ones(projection.num_relationships, dtype=bool)
    if rel_types is not None:
        wanted = [projection.rel_types.index(t) for t in rel_types if t in projection.rel_types]
        keep &= np.isin(projection.rel_type, wanted)
    untimed = np.isnan(projection.time)
    if since is not None:
        keep &= untimed | (projection.time >= since)
    if until is not None:
        keep &= untimed | (projection.time <= until)
    return keep


def _ranked_neighbours(projection: Projection, csr: CSR, usable: Mask, node: int) -> I64:
    """Distinct neighbours of ``node``, strongest link first: max weight, then latest time, then index."""
    start, end = csr.indptr[node], csr.indptr[node + 1]
    edges, neighbours = csr.edge[start:end], csr.indices[start:end]
    keep = usable[edges] & (neighbours != node)
    edges, neighbours = edges[keep], neighbours[keep]
    if not len(edges):
        none: I64 = neighbours
        return none
    weight = projection.weight[edges]
    time = np.nan_to_num(projection.time[edges], nan=-np.inf)
    # The best link per neighbour first, then neighbours ordered by their best link.
    order = np.lexsort((-time, -weight, neighbours))
    neighbours, weight, time = neighbours[order], weight[order], time[order]
    first = np.ones(len(neighbours), dtype=bool)
    first[1:] = neighbours[1:] != neighbours[:-1]
    best = np.lexsort((neighbours[first], -time[first], -weight[first]))
    ranked: I64 = neighbours[first][best]
    return ranked


def ego_network(
    projection: Projection,
    center: int,
    *,
    hops: int,
    rel_types: Sequence[str] | None,
    since: float | None,
    until: float | None,
    max_neighbours: int,
    max_nodes: int,
) -> EgoNetwork:
    """The capped ``hops``-neighbourhood of ``center`` (relationships followed in either direction)."""
    csr = projection.csr("both")
    usable = _usable_relationships(projection, rel_types, since, until)
    included = {center: 0}
    frontier = [center]
    for hop in range(1, hops + 1):
        reached: list[int] = []
        for node in frontier:
            room = min(max_neighbours, max_nodes - len(included))
            if room <= 0:
                break
            ranked = _ranked_neighbours(projection, csr, usable, node).tolist()
            for neighbour in [v for v in ranked if v not in included][:room]:
                included[neighbour] = hop
                reached.append(neighbour)
        frontier = reached
    nodes = np.array(sorted(included), dtype=np.int64)
    inside = np.zeros(projection.num_nodes, dtype=bool)
    inside[nodes] = True
    hidden: dict[int, int] = {}
    for node, hop in included.items():
        if hop < hops:
            unseen = int((~inside[_ranked_neighbours(projection, csr, usable, node)]).sum())
            if unseen:
                hidden[node] = unseen
    truncated = len(included) >= max_nodes and bool(hidden)
    return EgoNetwork(center, nodes, _edges_among(csr, usable, nodes, inside), hidden, truncated)


def _edges_among(csr: CSR, usable: Mask, nodes: I64, inside: Mask) -> I64:
    """Usable relationships with both ends in the network, each once, in relationship order."""
    if not len(nodes):
        return np.zeros(0, dtype=np.int64)
    starts, ends = csr.indptr[nodes], csr.indptr[nodes + 1]
    positions = np.concatenate([np.arange(s, e) for s, e in zip(starts.tolist(), ends.tolist(), strict=True)])
    positions = positions.astype(np.int64)
    edges = csr.edge[positions]
    keep = usable[edges] & inside[csr.indices[positions]]
    return np.unique(edges[keep]).astype(np.int64)
