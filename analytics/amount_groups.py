"""Groups of accounts that move money in atypical amounts, and who stands next to them.

Laundering schemes often move amounts that ordinary traffic never uses: structuring far below the usual
range, or round sums far above it. When the amounts of a transfer graph split into a bulk and a small
mode separated by an empty stretch of the amount scale, the transfers of that small mode are
**atypical** (:func:`atypical_amounts`), and the accounts they link form **amount groups**
(:func:`amount_groups`: connected components over atypical transfers only). The members of a scheme
that never sent or received an atypical amount themselves still tend to deal with several members of
the same group; :func:`group_neighbourhood` counts that per account, without any label.

The split is found without labels: the amounts' logarithms are sorted and the widest gap between two
neighbouring values is taken; it counts only when it spans at least ``min_gap_decades`` and leaves at
most ``max_share`` of the transfers on its smaller side. No such gap, no atypical transfer.

Example
-------
>>> import numpy as np
>>> amount = np.array([150.0, 220.0, 310.0, 180.0, 12.0, 15.0, 260.0, 199.0, 240.0, 205.0, 170.0])
>>> atypical_amounts(amount, max_share=0.2).nonzero()[0].tolist()
[4, 5]
>>> src, dst = np.array([0, 1, 2, 3, 4, 5, 5]), np.array([1, 2, 3, 4, 0, 0, 2])
>>> groups = amount_groups(src, dst, np.array([1, 1, 0, 0, 0, 0, 0], dtype=bool), 6)
>>> groups.tolist()  # accounts 0, 1 and 2 linked by atypical transfers; the rest in no group
[0, 0, 0, -1, -1, -1]
>>> x, names = group_neighbourhood(src, dst, groups)
>>> dict(zip(names, x[5].tolist()))["group_neighbours_max"]  # 5 deals with 0 and 2, one group
2.0
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

__all__ = ["GROUP_COLUMNS", "amount_groups", "atypical_amounts", "group_neighbourhood"]

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

GROUP_COLUMNS = (
    "group_member",
    "group_size",
    "group_neighbours_max",
    "group_share_max",
    "groups_adjacent",
    "groups_adjacent_twice",
)


def atypical_amounts(amount: F64, *, min_gap_decades: float = 0.5, max_share: float = 0.1) -> Bools:
    """Which transfers lie on the small side of the widest empty gap in the log-amount distribution.

    ``min_gap_decades`` (0.5: a factor of about 3.2 between the neighbouring amounts) and ``max_share``
    (the small side may hold at most this share of all transfers) keep an ordinary, smoothly spread
    amount distribution from being cut in two. Non-positive amounts are never atypical.
    """
    values = np.asarray(amount, dtype=np.float64)
    positive = values > 0
    atypical = np.zeros(len(values), dtype=bool)
    logs = np.sort(np.log10(values[positive]))
    if len(logs) < 2:
        return atypical
    gaps = np.diff(logs)
    widest = int(np.argmax(gaps))
    if gaps[widest] < min_gap_decades:
        return atypical
    cut = (logs[widest] + logs[widest + 1]) / 2
    below = positive & (np.log10(np.where(positive, values, 1.0)) < cut)
    above = positive & ~below
    small: Bools = below if below.sum() <= above.sum() else above
    return small if small.sum() <= max_share * len(values) else atypical


def amount_groups(src: I64, dst: I64, atypical: Bools, num_nodes: int) -> I64:
    """Per node, the index of its amount group (0, 1, ... in order of first member), -1 for none."""
    mask = np.asarray(atypical, dtype=bool)
    links = sp.coo_matrix((np.ones(int(mask.sum())), (src[mask], dst[mask])), shape=(num_nodes, num_nodes))
    _, component = connected_components(links, directed=False)
    member = np.zeros(num_nodes, dtype=bool)
    member[src[mask]] = True
    member[dst[mask]] = True
    groups = np.full(num_nodes, -1, dtype=np.int64)
    # Renumber the components that have members as 0, 1, ... in node order.
    _, first, inverse = np.unique(component[member], return_index=True, return_inverse=True)
    order = np.argsort(np.argsort(first))
    groups[member] = order[inverse]
    return groups


def group_neighbourhood(src: I64, dst: I64, groups: I64) -> tuple[F64, tuple[str, ...]]:
    """Per node, the :data:`GROUP_COLUMNS`: how it stands to the amount groups around it.

    ``group_member`` (0/1) and ``group_size`` (log(1 + members) of its own group); over its distinct
    counterparties (either direction, itself left out): ``group_neighbours_max`` the most of them in
    one group, ``group_share_max`` the largest share of one group's members among them,
    ``groups_adjacent`` (log(1 + n)) the groups they belong to, ``groups_adjacent_twice`` the groups
    with at least two of them.
    """
    n = len(groups)
    other = src != dst
    pairs = sp.coo_matrix((np.ones(int(other.sum())), (src[other], dst[other])), shape=(n, n)).tocsr()
    adjacent = ((pairs + pairs.T) > 0).astype(np.float64)
    member = groups >= 0
    count = int(groups.max()) + 1 if member.any() else 0
    columns = np.zeros((n, len(GROUP_COLUMNS)))
    if count == 0:
        return columns, GROUP_COLUMNS
    incidence = sp.csr_matrix(
        (np.ones(int(member.sum())), (np.flatnonzero(member), groups[member])), shape=(n, count)
    )
    size = np.asarray(incidence.sum(axis=0)).ravel()
    near = sp.csr_matrix(adjacent @ incidence)
    columns[:, 0] = member
    columns[member, 1] = np.log1p(size[groups[member]])
    columns[:, 2] = near.max(axis=1).toarray().ravel()
    columns[:, 3] = sp.csr_matrix(near @ sp.diags(1.0 / size)).max(axis=1).toarray().ravel()
    columns[:, 4] = np.log1p(np.diff(near.indptr))
    columns[:, 5] = np.asarray((near >= 2).sum(axis=1)).ravel()
    return columns, GROUP_COLUMNS
