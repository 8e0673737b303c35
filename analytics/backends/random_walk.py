"""PageRank on the CPU: a pull-style power iteration in numba, parallel over the nodes.

A walker on a node follows one of its links in proportion to the link's weight (in either direction
when the walk is undirected); with probability ``1 - damping``, or on a dead end, it jumps back to the
restart distribution (every node evenly, or the watchlist seeds). This is networkx's and igraph's
convention, dead ends included.

Each node *pulls* its new score from the nodes linking to it, so the nodes can be shared out among
threads with no two writing the same score: from :data:`PARALLEL_FROM_LINKS` links on, and while a
core is spare (as ``make --load-average`` decides, from the load average: on a machine already busy, a
step waits at its end for the thread that was not scheduled, measured twice as slow). The pull
adjacency is built from the relationship arrays by a counting sort (linear, no comparison sort) and kept
while the projection lives.

The iteration stops when the L1 change between two steps is below ``tolerance`` (the distance to the
exact scores is then about ``tolerance * damping / (1 - damping)``) or after ``max_iterations`` steps,
whichever comes first: networkx's rule (it compares with ``N * tol``) and cuGraph's.

Example
-------
>>> import numpy as np
>>> walk = walk_graph(3, np.array([0, 1, 2]), np.array([1, 2, 0]), None, directed=True)
>>> result = pagerank_scores(walk, None, damping=0.85, tolerance=1e-12, max_iterations=100)
>>> np.round(result.scores, 6).tolist(), result.iterations
([0.333333, 0.333333, 0.333333], 1)
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

import numba
import numpy as np
import numpy.typing as npt

__all__ = ["PARALLEL_FROM_LINKS", "PageRankRun", "WalkGraph", "pagerank_scores", "walk_graph"]

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]


@dataclass(frozen=True)
class WalkGraph:
    """What a walker needs: who links to each node (pull CSR), with what weight, and who is a dead end.

    ``sources[indptr[v]:indptr[v + 1]]`` are the nodes a walker can come to ``v`` from; ``link_weight``
    is empty for an unweighted walk. ``inverse[u]`` is one over ``u``'s outgoing weight, 0 on a dead
    end (a node without outgoing weight).
    """

    indptr: I64
    sources: I32
    link_weight: F64
    inverse: F64


@dataclass(frozen=True)
class PageRankRun:
    """The scores (summing to 1) and the number of power-iteration steps taken."""

    scores: F64
    iterations: int


def _pull_adjacency_kernel(n: int, src: I64, dst: I64, weight: F64, both_ways: bool) -> tuple[I64, I32, F64]:
    """Counting sort of the links by the node they lead to; each node's links keep relationship order.

    Sources are 32-bit: a step is bound by memory traffic, and half the bytes are read per link.
    """
    weighted = len(weight) > 0
    per_link = 2 if both_ways else 1
    indptr = np.zeros(n + 1, dtype=np.int64)
    for e in range(len(src)):
        indptr[dst[e] + 1] += 1
        if both_ways:
            indptr[src[e] + 1] += 1
    for node in range(n):
        indptr[node + 1] += indptr[node]
    cursor = indptr[:-1].copy()
    sources = np.empty(per_link * len(src), dtype=np.int32)
    link_weight = np.empty(per_link * len(src) if weighted else 0, dtype=np.float64)
    for e in range(len(src)):
        at = cursor[dst[e]]
        cursor[dst[e]] += 1
        sources[at] = src[e]
        if weighted:
            link_weight[at] = weight[e]
        if both_ways:
            at = cursor[src[e]]
            cursor[src[e]] += 1
            sources[at] = dst[e]
            if weighted:
                link_weight[at] = weight[e]
    return indptr, sources, link_weight


def _power_iteration_kernel(
    indptr: I64,
    sources: I32,
    link_weight: F64,
    inverse: F64,
    restart: F64,
    damping: float,
    tolerance: float,
    max_iterations: int,
) -> tuple[F64, int]:
    """Power iteration, one parallel pass over the nodes a step.

    Scores and shares (score per unit of outgoing weight) are double-buffered: a step reads the last
    step's shares and writes the next step's, and sums up what dead ends will leak into the next step.
    An empty ``restart`` is the even one, left implicit so a step reads one array less.
    """
    n = len(indptr) - 1
    weighted = len(link_weight) > 0
    uniform = len(restart) == 0
    even = 1.0 / max(n, 1)
    scores = np.full(n, even) if uniform else restart.copy()
    updated = np.empty(n)
    share = scores * inverse
    next_share = np.empty(n)
    leaked = 0.0
    for node in range(n):
        if inverse[node] == 0.0:
            leaked += scores[node]
    steps = 0
    while steps < max_iterations:
        steps += 1
        change = 0.0
        next_leaked = 0.0
        for node in numba.prange(n):
            received = 0.0
            if weighted:
                for at in range(indptr[node], indptr[node + 1]):
                    received += link_weight[at] * share[sources[at]]
            else:
                for at in range(indptr[node], indptr[node + 1]):
                    received += share[sources[at]]
            jump = even if uniform else restart[node]
            score = damping * (received + leaked * jump) + (1.0 - damping) * jump
            change += abs(score - scores[node])
            updated[node] = score
            next_share[node] = score * inverse[node]
            if inverse[node] == 0.0:
                next_leaked += score
        scores, updated = updated, scores
        share, next_share = next_share, share
        leaked = next_leaked
        if change < tolerance:
            break
    return scores, steps


#: Links from which a step is shared out among threads: below, a step takes well under a millisecond
#: and waking the threads each step would cost more than it saves.
PARALLEL_FROM_LINKS = 100_000

# Compiled once and cached on disk; the casts keep the signatures for the type checker. The serial
# build of the same kernel runs ``prange`` as a plain loop.
_pull_adjacency = cast(
    Callable[[int, I64, I64, F64, bool], tuple[I64, I32, F64]],
    numba.njit(cache=True)(_pull_adjacency_kernel),
)
_power_iteration_parallel = cast(
    Callable[..., tuple[F64, int]], numba.njit(cache=True, parallel=True)(_power_iteration_kernel)
)
_power_iteration_serial = cast(
    Callable[..., tuple[F64, int]], numba.njit(cache=True)(_power_iteration_kernel)
)


def _threads_help(links: int) -> bool:
    """Share a step out among threads: the graph is big enough and another core is idle (the 1-minute
    load average, this process included, is below the number of cores)."""
    if links < PARALLEL_FROM_LINKS or numba.get_num_threads() < 2:
        return False
    try:
        return os.getloadavg()[0] < (os.cpu_count() or 1)
    except OSError:  # no load average on this platform: trust the thread count
        return True


def walk_graph(n: int, src: I64, dst: I64, weight: F64 | None, *, directed: bool) -> WalkGraph:
    """The pull adjacency of ``n`` nodes and the links ``src -> dst`` (both ways unless ``directed``).

    Without ``weight`` every link counts one. Parallel links stay separate entries: they add up.
    """
    if n > np.iinfo(np.int32).max:
        raise ValueError(f"{n} nodes: the walk numbers nodes in 32 bits")
    src = np.ascontiguousarray(src, dtype=np.int64)
    dst = np.ascontiguousarray(dst, dtype=np.int64)
    values = np.zeros(0) if weight is None else np.ascontiguousarray(weight, dtype=np.float64)
    indptr, sources, link_weight = _pull_adjacency(n, src, dst, values, not directed)
    strength = np.bincount(src, weights=None if weight is None else values, minlength=n).astype(np.float64)
    if not directed:
        strength += np.bincount(dst, weights=None if weight is None else values, minlength=n)
    dead = strength <= 0
    inverse = np.zeros(n)
    np.divide(1.0, strength, out=inverse, where=~dead)
    return WalkGraph(indptr, sources, link_weight, inverse)


def pagerank_scores(
    walk: WalkGraph, restart: F64 | None, *, damping: float, tolerance: float, max_iterations: int
) -> PageRankRun:
    """Power iteration from ``restart`` (a distribution over the nodes; None: every node evenly) until
    the L1 change between steps is below ``tolerance`` or ``max_iterations`` steps were taken."""
    iterate = _power_iteration_parallel if _threads_help(len(walk.sources)) else _power_iteration_serial
    scores, steps = iterate(
        walk.indptr,
        walk.sources,
        walk.link_weight,
        walk.inverse,
        np.zeros(0) if restart is None else np.ascontiguousarray(restart, dtype=np.float64),
        float(damping),
        float(tolerance),
        int(max_iterations),
    )
    return PageRankRun(np.asarray(scores, dtype=np.float64), int(steps))
