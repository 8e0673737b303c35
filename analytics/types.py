"""The result types every algorithm returns, whichever backend computed it.

Results hold node and relationship *indices* into the :class:`graph.projection.Projection` they were
computed on; ``projection.key_of(i)`` turns a node index back into the graph entity it stands for.

Example
-------
>>> import numpy as np
>>> partition = Partition(np.array([0, 0, 1, 0, 2]), algorithm="louvain", modularity=0.1)
>>> [c.tolist() for c in partition.communities()]
[[0, 1, 3], [2], [4]]
>>> partition.sizes.tolist(), partition.count
([3, 1, 1], 3)
>>> NodeScores(np.array([0.1, 0.5, 0.2]), algorithm="pagerank").top(2).tolist()
[1, 2]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

__all__ = [
    "Cycle",
    "EgoNetwork",
    "Fan",
    "NodeScores",
    "Partition",
    "ScatterGather",
    "SimilarPairs",
    "WeightedPath",
]

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]


def _canonical_labels(membership: npt.ArrayLike) -> I64:
    """Community ids renumbered in order of first appearance, so equal partitions compare equal."""
    raw = np.asarray(membership, dtype=np.int64)
    if _already_canonical(raw):
        return raw.copy()  # the caller keeps its array to itself
    _, first, inverse = np.unique(raw, return_index=True, return_inverse=True)
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    return rank[inverse.reshape(-1)]


def _already_canonical(raw: I64) -> bool:
    """Ids already in order of first appearance (a new id is always one above every id before it):
    a linear check that spares the sort for engines that number components that way."""
    if not len(raw):
        return True
    highest = np.maximum.accumulate(raw)
    return bool(raw[0] == 0 and raw.min() >= 0 and np.all(raw[1:] <= highest[:-1] + 1))


@dataclass(frozen=True, eq=False)
class Partition:
    """A community (or component) id for every node; ids are renumbered in order of first appearance."""

    membership: I64
    algorithm: str
    modularity: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "membership", _canonical_labels(self.membership))

    @property
    def count(self) -> int:
        """How many communities."""
        return int(self.membership.max()) + 1 if len(self.membership) else 0

    @property
    def sizes(self) -> I64:
        """Members per community id."""
        return np.bincount(self.membership, minlength=self.count).astype(np.int64)

    def communities(self) -> list[I64]:
        """Member node indices of each community, largest first (ties: lowest community id first)."""
        order = np.argsort(self.membership, kind="stable")
        groups = np.split(order, np.cumsum(self.sizes)[:-1]) if self.count else []
        ranking = np.argsort(-self.sizes, kind="stable")
        return [groups[c].astype(np.int64) for c in ranking]


@dataclass(frozen=True, eq=False)
class NodeScores:
    """One score per node (PageRank, an accomplice score); ``iterations``: the steps an iterative engine
    took, where it tells."""

    values: F64
    algorithm: str
    iterations: int | None = None

    def top(self, k: int) -> I64:
        """The ``k`` highest-scoring node indices, best first (ties: lower index first)."""
        order = np.lexsort((np.arange(len(self.values)), -self.values))
        return order[:k].astype(np.int64)


@dataclass(frozen=True, eq=False)
class WeightedPath:
    """A path as node indices and the relationship indices between them, with its total cost."""

    nodes: I64
    edges: I64
    cost: float


@dataclass(frozen=True, eq=False)
class EgoNetwork:
    """The neighbourhood of ``center``; ``hidden[node]`` counts the neighbours left out ("and N more")."""

    center: int
    nodes: I64
    edges: I64
    hidden: dict[int, int] = field(default_factory=dict)
    #: The ``max_nodes`` cap stopped the walk before every hop was expanded.
    truncated: bool = False


@dataclass(frozen=True, eq=False)
class SimilarPairs:
    """Pairs of parties ``a[i] < b[i]`` with their similarity ``score[i]`` and ``shared[i]`` identifiers."""

    a: I64
    b: I64
    score: F64
    shared: I64

    def __len__(self) -> int:
        return len(self.a)


@dataclass(frozen=True, eq=False)
class Cycle:
    """Money that went round: ``nodes[i]`` sent ``amounts[i]`` over ``edges[i]`` to ``nodes[i + 1]``.

    The last transfer returns to ``nodes[0]``, the account that sent first. ``occurrences`` counts the
    transfers that open a round of the same cycle of accounts (money cycled monthly shows many).
    """

    nodes: I64
    edges: I64
    first_time: float
    last_time: float
    amounts: F64
    occurrences: int = 1


@dataclass(frozen=True, eq=False)
class Fan:
    """Many distinct counterparties sending to (``in``) or receiving from (``out``) one account."""

    center: int
    counterparties: I64
    edges: I64
    direction: Literal["in", "out"]
    first_time: float
    last_time: float
    total: float


@dataclass(frozen=True, eq=False)
class ScatterGather:
    """Money split from ``source`` over ``intermediates`` and gathered again at ``sink``."""

    source: int
    sink: int
    intermediates: I64
    edges: I64
    first_time: float
    last_time: float
