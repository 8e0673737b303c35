"""PageRank, and personalised PageRank from watchlist entities as an accomplice score.

The accomplice score restarts every random walk at a known offender (the seeds), so it measures how
close, and how well connected, every other entity is to them; links count in both directions by
default, since a hidden partner may be on either end of a relationship.

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
>>> personalized_pagerank(p, [])
Traceback (most recent call last):
...
ValueError: personalised PageRank needs at least one seed
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from analytics.backends import Backend, resolve_backend
from analytics.checks import node_index
from analytics.types import NodeScores
from graph.projection import Projection

__all__ = ["pagerank", "personalized_pagerank"]


def _damping(damping: float) -> float:
    if not 0.0 < damping < 1.0:
        raise ValueError(f"damping must be strictly between 0 and 1, not {damping}")
    return float(damping)


def pagerank(
    projection: Projection,
    *,
    damping: float = 0.85,
    weighted: bool = False,
    backend: Backend | str | None = None,
) -> NodeScores:
    """PageRank over directed relationships; scores sum to 1."""
    return resolve_backend(backend).pagerank(
        projection, damping=_damping(damping), weighted=weighted, directed=True, personalization=None
    )


def personalized_pagerank(
    projection: Projection,
    seeds: Iterable[int],
    *,
    damping: float = 0.85,
    directed: bool = False,
    weighted: bool = False,
    backend: Backend | str | None = None,
) -> NodeScores:
    """The accomplice score: PageRank whose walks restart at the ``seeds`` (node indices), evenly."""
    chosen = [node_index(projection, seed, "seed") for seed in seeds]
    if not chosen:
        raise ValueError("personalised PageRank needs at least one seed")
    restart = np.zeros(projection.num_nodes)
    restart[chosen] = 1.0 / len(set(chosen))
    return resolve_backend(backend).pagerank(
        projection, damping=_damping(damping), weighted=weighted, directed=directed, personalization=restart
    )
