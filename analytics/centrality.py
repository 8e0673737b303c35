"""PageRank, and personalised PageRank from watchlist entities as an accomplice score.

The accomplice score restarts every random walk at a known offender (the seeds), so it measures how
close, and how well connected, every other entity is to them; links count in both directions by
default, since a hidden partner may be on either end of a relationship.

Both run power iteration until the L1 change between two steps is below ``tolerance`` (the scores are
then within about ``5.7 * tolerance`` of the exact ones, in L1, at damping 0.85) or ``max_iterations``
steps were taken, whichever comes first; the result's ``iterations`` says how many were. networkx's
``tol`` is this tolerance divided by the number of nodes.

Example
-------
>>> from graph.projection import Projection
>>> p = Projection.from_edges(
...     [("Person", "boss"), ("Company", "front"), ("Phone", "+82"), ("Person", "stranger")],
...     [(0, 1, "REPRESENTS"), (0, 2, "HAS_PHONE"), (3, 2, "HAS_PHONE")],
... )
>>> scores = personalized_pagerank(p, [1], backend="cpu")
>>> scores.top(2).tolist()
[0, 1]
>>> round(float(pagerank(p, backend="cpu").values.sum()), 6)
1.0
>>> pagerank(p, max_iterations=3, backend="cpu").iterations
3
>>> personalized_pagerank(p, [])
Traceback (most recent call last):
...
ValueError: personalised PageRank needs at least one seed
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

from analytics.backends import Backend, resolve_backend
from analytics.checks import node_index
from analytics.types import NodeScores
from graph.projection import Projection

__all__ = ["PAGERANK_MAX_ITERATIONS", "PAGERANK_TOLERANCE", "pagerank", "personalized_pagerank"]

#: The default stop rule: scores within ~6e-10 of the exact ones (L1), far below the gaps that order
#: entities (1 / N is ~1e-6 on a million nodes); ~150 steps at damping 0.85.
PAGERANK_TOLERANCE = 1e-10
PAGERANK_MAX_ITERATIONS = 1000


def _damping(damping: float) -> float:
    if not 0.0 < damping < 1.0:
        raise ValueError(f"damping must be strictly between 0 and 1, not {damping}")
    return float(damping)


def _stop_rule(tolerance: float, max_iterations: int) -> tuple[float, int]:
    if not tolerance >= 0.0:  # NaN fails too
        raise ValueError(f"tolerance must be a non-negative L1 change, not {tolerance}")
    if max_iterations < 1:
        raise ValueError(f"max_iterations must be at least 1, not {max_iterations}")
    return float(tolerance), int(max_iterations)


def pagerank(
    projection: Projection,
    *,
    damping: float = 0.85,
    weighted: bool = False,
    tolerance: float = PAGERANK_TOLERANCE,
    max_iterations: int = PAGERANK_MAX_ITERATIONS,
    backend: Backend | str | None = None,
) -> NodeScores:
    """PageRank over directed relationships; scores sum to 1."""
    return _random_walks(projection, damping, weighted, True, None, tolerance, max_iterations, backend)


def personalized_pagerank(
    projection: Projection,
    seeds: Iterable[int],
    *,
    damping: float = 0.85,
    directed: bool = False,
    weighted: bool = False,
    tolerance: float = PAGERANK_TOLERANCE,
    max_iterations: int = PAGERANK_MAX_ITERATIONS,
    backend: Backend | str | None = None,
) -> NodeScores:
    """The accomplice score: PageRank whose walks restart at the ``seeds`` (node indices), evenly."""
    chosen = [node_index(projection, seed, "seed") for seed in seeds]
    if not chosen:
        raise ValueError("personalised PageRank needs at least one seed")
    restart = np.zeros(projection.num_nodes)
    restart[chosen] = 1.0 / len(set(chosen))
    return _random_walks(projection, damping, weighted, directed, restart, tolerance, max_iterations, backend)


def _random_walks(
    projection: Projection,
    damping: float,
    weighted: bool,
    directed: bool,
    restart: npt.NDArray[np.float64] | None,
    tolerance: float,
    max_iterations: int,
    backend: Backend | str | None,
) -> NodeScores:
    """Both PageRanks after their arguments are checked: one backend call, ``restart`` None = even."""
    tolerance, max_iterations = _stop_rule(tolerance, max_iterations)
    return resolve_backend(backend).pagerank(
        projection,
        damping=_damping(damping),
        weighted=weighted,
        directed=directed,
        personalization=restart,
        tolerance=tolerance,
        max_iterations=max_iterations,
    )
