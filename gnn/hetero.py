"""A projection of the graph as a PyG ``HeteroData``: node features, labels and time-respecting splits.

Node types are the projection's labels, edge types ``(start label, relationship type, end label)``;
:func:`build_hetero_data` adds the reverse of every edge type (``rev_<TYPE>``, as ``T.ToUndirected``
does with ``merge=False``) so messages flow both ways. Features come from the graph itself
(:func:`node_features`): degrees per relationship type and direction, the transfer profile of accounts
(:func:`analytics.accomplice.transfer_features`), optionally the money-flow motifs each account takes
part in (:class:`MotifWindows`, :func:`motif_features`: time-ordered cycles by length, closed walks,
fan-in / fan-out peaks, scatter-gather roles, recurring counterparties; all from the transfers alone,
never from labels) and whatever analytics and risk models wrote on the nodes (PageRank, component size,
accomplice scores, ``risk_score``, ``feature__<model>__<name>``).

Splits respect time: a node is as old as its first relationship; the earliest ``train_share`` of the
labelled nodes trains, the next ``val_share`` validates, the latest test (:func:`time_split`). Links are
split the same way by their own time (:func:`split_links`), and a link held out for validation or
testing leaves the message-passing graph in *both* directions, so its reverse cannot leak it.

Example
-------
>>> from graph.projection import Projection
>>> p = Projection.from_edges(
...     [("Person", "P1"), ("Person", "P2"), ("Phone", "+1")],
...     [(0, 2, "HAS_PHONE"), (1, 2, "HAS_PHONE")], time=[1.0, 2.0])
>>> features = node_features(p)
>>> graph = build_hetero_data(p, features, Standardiser.fit(features))
>>> sorted(graph.data.edge_types)
[('Person', 'HAS_PHONE', 'Phone'), ('Phone', 'rev_HAS_PHONE', 'Person')]
>>> graph.data["Person"].x.shape[0], graph.node_index["Phone"].tolist()
(2, [2])
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
import torch
from torch_geometric.data import HeteroData
from torch_geometric.transforms import RandomLinkSplit
from torch_geometric.utils import negative_sampling

from analytics.accomplice import transfer_features
from analytics.amount_groups import GROUP_COLUMNS, amount_groups, atypical_amounts, group_neighbourhood
from analytics.motifs import fan_in, fan_out, scatter_gather, temporal_cycles
from graph.projection import Projection

__all__ = [
    "EdgeType",
    "HeteroGraph",
    "MotifWindows",
    "NodeFeatures",
    "Standardiser",
    "amount_group_features",
    "build_hetero_data",
    "closed_walks",
    "first_activity",
    "motif_features",
    "node_features",
    "reverse_type",
    "split_links",
    "time_split",
    "watchlist_proximity",
]

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
EdgeType = tuple[str, str, str]
REVERSE_PREFIX = "rev_"
#: Stored node properties used as features where present; ``feature__*`` model features are added too.
STORED_FEATURES = ("pagerank", "wcc_size", "accomplice_score", "money_accomplice_score", "risk_score")
#: Stored counts whose scale spans orders of magnitude: taken as log(1 + x).
_LOG_SCALED = frozenset({"wcc_size"})
DAY = 86_400.0


@dataclass(frozen=True)
class MotifWindows:
    """How the money-flow motifs of :func:`motif_features` are counted, in the projection's time unit.

    Fixed before any training (never tuned on labels): a cycle closes within ``cycle_window`` (30 days)
    and has at most ``max_cycle_length`` (6) accounts; a fan peak and a scatter-gather fall within
    ``fan_window`` (7 days), a scatter-gather through at least ``min_intermediates`` (3) accounts. The
    defaults are the analytics' own (:mod:`analytics.motifs`) for times in epoch seconds; data counted in
    days passes ``MotifWindows.in_unit(1.0)``. ``max_cycles`` bounds the cycle search (safety valve).
    """

    cycle_window: float = 30 * DAY
    fan_window: float = 7 * DAY
    max_cycle_length: int = 6
    min_intermediates: int = 3
    max_cycles: int = 500_000

    @classmethod
    def in_unit(cls, day: float) -> MotifWindows:
        """The default windows for times counted in units where one day is ``day``."""
        return cls(cycle_window=30 * day, fan_window=7 * day)


@dataclass(frozen=True, eq=False)
class NodeFeatures:
    """Raw feature values, one row per projection node (NaN where a node has none), and their names."""

    names: tuple[str, ...]
    values: F64


@dataclass(frozen=True)
class Standardiser:
    """Per-feature mean and spread, fitted once and kept with the model so scoring scales the same way."""

    names: tuple[str, ...]
    mean: tuple[float, ...]
    std: tuple[float, ...]

    @classmethod
    def fit(cls, features: NodeFeatures) -> Standardiser:
        # A column with no value anywhere (no node has the score yet) scales as 0 +- 1.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            mean = np.nan_to_num(np.nanmean(features.values, axis=0)) if len(features.values) else None
            std = np.nan_to_num(np.nanstd(features.values, axis=0)) if len(features.values) else None
        if mean is None or std is None:
            mean = std = np.zeros(len(features.names))
        std = np.where(std > 0, std, 1.0)
        return cls(features.names, tuple(mean.tolist()), tuple(std.tolist()))

    def transform(self, features: NodeFeatures) -> F64:
        """Scaled values in this standardiser's column order; a missing column or value becomes 0."""
        at = {name: i for i, name in enumerate(features.names)}
        out = np.zeros((len(features.values), len(self.names)))
        for j, name in enumerate(self.names):
            if name in at:
                out[:, j] = (features.values[:, at[name]] - self.mean[j]) / self.std[j]
        return np.nan_to_num(out, nan=0.0, posinf=0.0, neginf=0.0)

    def to_json(self) -> str:
        return json.dumps({"names": self.names, "mean": self.mean, "std": self.std})

    @classmethod
    def from_json(cls, text: str) -> Standardiser:
        data = json.loads(text)
        return cls(tuple(data["names"]), tuple(data["mean"]), tuple(data["std"]))


@dataclass(eq=False)
class HeteroGraph:
    """A ``HeteroData`` and, per node type, the projection indices of its nodes in PyG order."""

    data: HeteroData
    node_index: dict[str, I64]
    feature_names: tuple[str, ...]

    def local_index(self, label: str, nodes: npt.ArrayLike) -> I64:
        """Positions inside node type ``label`` of projection nodes ``nodes`` (-1 where not of the type)."""
        lookup = {int(n): i for i, n in enumerate(self.node_index[label].tolist())}
        return np.array([lookup.get(int(n), -1) for n in np.asarray(nodes).tolist()], dtype=np.int64)


def reverse_type(edge_type: EdgeType) -> EdgeType:
    """The reverse edge type ``(end, rev_TYPE, start)`` message passing runs along."""
    src, rel, dst = edge_type
    return dst, f"{REVERSE_PREFIX}{rel}", src


def node_features(
    projection: Projection,
    stored: Mapping[str, F64] | None = None,
    *,
    drop: Sequence[str] = (),
    motifs: MotifWindows | None = None,
) -> NodeFeatures:
    """Every node's features: degrees, the transfer profile of accounts, the stored properties.

    ``stored`` maps a property name to one value per projection node (NaN where a node lacks it);
    names in ``drop`` are left out (a feature derived from the labels being learned would leak them).
    With ``motifs`` the accounts' money-flow motif counts (:func:`motif_features`) are added too.
    """
    n = projection.num_nodes
    columns: list[F64] = []
    names: list[str] = []
    for t, rel_type in enumerate(projection.rel_types):
        of_type = projection.rel_type == t
        for side, ends in (("out", projection.src), ("in", projection.dst)):
            columns.append(np.log1p(np.bincount(ends[of_type], minlength=n).astype(np.float64)))
            names.append(f"{side}_degree_{rel_type.lower()}")
    if "TRANSFER" in projection.rel_types:
        profile, profile_names = transfer_features(projection.select(rel_types=["TRANSFER"]))
        profile[~np.isin(np.arange(n), projection.nodes_labelled("Account"))] = np.nan
        columns += list(profile.T)
        names += [f"transfer_{name}" for name in profile_names]
        if motifs is not None:
            counts, count_names = motif_features(projection, motifs)
            groups, group_names = amount_group_features(projection)
            counts = np.column_stack([counts, groups])
            counts[~np.isin(np.arange(n), projection.nodes_labelled("Account"))] = np.nan
            columns += list(counts.T)
            names += list(count_names) + list(group_names)
    for name, values in sorted((stored or {}).items()):
        column = np.asarray(values, dtype=np.float64)
        if len(column) != n:
            raise ValueError(f"stored feature {name!r} has {len(column)} values for {n} nodes")
        columns.append(np.log1p(np.maximum(column, 0.0)) if name in _LOG_SCALED else column)
        names.append(name)
    keep = [i for i, name in enumerate(names) if name not in set(drop)]
    values = np.column_stack([columns[i] for i in keep]) if keep else np.zeros((n, 0))
    return NodeFeatures(tuple(names[i] for i in keep), values)


def amount_group_features(projection: Projection) -> tuple[F64, tuple[str, ...]]:
    """Per node, how it stands to the groups of accounts linked by atypical transfer amounts.

    The :data:`analytics.amount_groups.GROUP_COLUMNS`, over the TRANSFER relationships with their weight
    read as the amount: membership and size of its own group, and the most members of one group among
    its counterparties (a scheme's quiet members deal with several members of the same group).

    >>> p = Projection.from_edges([("Account", str(k)) for k in range(12)],
    ...     [(4, 5, "TRANSFER"), (5, 6, "TRANSFER"), (7, 4, "TRANSFER"), (7, 6, "TRANSFER")]
    ...     + [(8 + k % 4, 8 + (k + 1) % 4, "TRANSFER") for k in range(20)],
    ...     weight=[12.0, 15.0, *np.linspace(120.0, 400.0, 22)])
    >>> x, names = amount_group_features(p)
    >>> x[[4, 7, 8], names.index("group_neighbours_max")].tolist()  # 7 deals with 4 and 6
    [1.0, 2.0, 0.0]
    """
    n = projection.num_nodes
    if "TRANSFER" not in projection.rel_types:
        return np.zeros((n, len(GROUP_COLUMNS))), GROUP_COLUMNS
    transfers = projection.select(rel_types=["TRANSFER"])
    groups = amount_groups(transfers.src, transfers.dst, atypical_amounts(transfers.weight), n)
    return group_neighbourhood(transfers.src, transfers.dst, groups)


def motif_features(projection: Projection, windows: MotifWindows) -> tuple[F64, tuple[str, ...]]:
    """Per node, log(1 + count) of the money-flow motifs it takes part in, over the TRANSFER relationships.

    Columns: ``motif_cycles_<k>`` distinct time-ordered cycles of ``k`` accounts through the node
    (``k`` = 2..``max_cycle_length``, each closing within ``cycle_window``); ``motif_closed_walks_<k>``
    the walks of ``k`` hops along who-paid-whom that come back to the node, in any time order (the
    diagonal of the ``k``-th power of the payer -> payee adjacency; money that went round even when
    its legs were not in time order); ``motif_fan_in_peak`` /
    ``motif_fan_out_peak`` the most distinct senders / receivers in one ``fan_window``;
    ``motif_scatter_source`` / ``_intermediate`` / ``_sink`` the scatter-gathers it starts, relays or
    ends; ``motif_recurring_out`` / ``_in`` the counterparties it paid / was paid by more than once.

    >>> p = Projection.from_edges([("Account", k) for k in "ABC"],
    ...     [(0, 1, "TRANSFER"), (1, 2, "TRANSFER"), (2, 0, "TRANSFER"), (0, 1, "TRANSFER")],
    ...     time=[1.0, 2.0, 3.0, 4.0])
    >>> x, names = motif_features(p, MotifWindows.in_unit(1.0))
    >>> np.expm1(x[:, names.index("motif_cycles_3")]).round().tolist()
    [1.0, 1.0, 1.0]
    >>> np.expm1(x[:, names.index("motif_recurring_out")]).round().tolist()
    [1.0, 0.0, 0.0]
    """
    n = projection.num_nodes
    transfers = projection.select(rel_types=["TRANSFER"]) if "TRANSFER" in projection.rel_types else None
    lengths = range(2, windows.max_cycle_length + 1)
    names = [f"motif_cycles_{k}" for k in lengths]
    names += [f"motif_closed_walks_{k}" for k in lengths]
    names += ["motif_fan_in_peak", "motif_fan_out_peak"]
    names += [f"motif_scatter_{role}" for role in ("source", "intermediate", "sink")]
    names += ["motif_recurring_out", "motif_recurring_in"]
    counts = np.zeros((n, len(names)))
    if transfers is None or not transfers.num_relationships:
        return counts, tuple(names)
    for cycle in temporal_cycles(
        transfers,
        max_length=windows.max_cycle_length,
        window_seconds=windows.cycle_window,
        max_cycles=windows.max_cycles,
    ):
        counts[cycle.nodes, len(cycle.nodes) - 2] += 1.0
    at = len(lengths)
    counts[:, at : at + len(lengths)] = closed_walks(transfers, windows.max_cycle_length)
    at += len(lengths)
    for j, fans in enumerate((fan_in, fan_out)):
        for fan in fans(transfers, min_counterparties=1, window_seconds=windows.fan_window):
            counts[fan.center, at + j] = len(fan.counterparties)
    at += 2
    for gathering in scatter_gather(
        transfers, min_intermediates=windows.min_intermediates, window_seconds=windows.fan_window
    ):
        counts[gathering.source, at] += 1.0
        counts[gathering.intermediates, at + 1] += 1.0
        counts[gathering.sink, at + 2] += 1.0
    at += 3
    pairs, repeats = np.unique(np.stack([transfers.src, transfers.dst], axis=1), axis=0, return_counts=True)
    for j, ends in enumerate((pairs[:, 0], pairs[:, 1])):
        counts[:, at + j] = np.bincount(ends[repeats > 1], minlength=n)
    return np.log1p(counts), tuple(names)


def closed_walks(projection: Projection, max_length: int) -> F64:
    """Per node, the closed walks of 2..``max_length`` hops over distinct (payer, payee) pairs.

    Column ``k - 2`` is the diagonal of ``A^k`` (``A`` the 0/1 adjacency without self-loops), read off
    as the row sums of ``A^i * (A^j)^T`` with ``i + j = k``, so no power beyond ``A^ceil(k/2)`` is built.

    >>> p = Projection.from_edges([("Account", k) for k in "ABC"],
    ...     [(0, 1, "TRANSFER"), (1, 2, "TRANSFER"), (2, 0, "TRANSFER"), (1, 0, "TRANSFER")])
    >>> closed_walks(p, 3).tolist()
    [[1.0, 1.0], [1.0, 1.0], [0.0, 1.0]]
    """
    n = projection.num_nodes
    loop = projection.src == projection.dst
    adjacency = sp.csr_matrix(
        (np.ones(int((~loop).sum())), (projection.src[~loop], projection.dst[~loop])), shape=(n, n)
    )
    adjacency.sum_duplicates()
    adjacency.data[:] = 1.0
    powers = {1: adjacency}
    walks = np.zeros((n, max(max_length - 1, 0)))
    for k in range(2, max_length + 1):
        low, high = k // 2, k - k // 2
        for power in (low, high):
            if power not in powers:
                powers[power] = (powers[power - 1] @ adjacency).tocsr()
        walks[:, k - 2] = np.asarray(powers[high].multiply(powers[low].T).sum(axis=1)).ravel()
    return walks


def watchlist_proximity(
    projection: Projection,
    seeds: npt.ArrayLike,
    *,
    damping: float = 0.85,
    tolerance: float = 1e-9,
    max_iterations: int = 200,
    chunk: int = 64,
) -> F64:
    """Per node, personalised PageRank from the seeds *other than itself*: the label trick.

    The analytics' accomplice score (:func:`analytics.centrality.personalized_pagerank`: walks over the
    relationships in both directions, unweighted, restarting at the seeds evenly) with each seed's own
    restart taken out of its own value: node ``v`` gets ``sum(PPR_s(v) for s in seeds if s != v) /
    len(seeds)``. For a node off the list that is the accomplice score itself; for a listed node it is
    what the *other* listings say about it, so a model trained on the listings as labels can read this
    feature without reading its own label. A walk at a node with no relationship restarts. Seeds are
    walked ``chunk`` at a time (one column each) to bound memory.

    >>> p = Projection.from_edges([("Account", k) for k in "ABCD"],
    ...     [(0, 1, "TRANSFER"), (1, 2, "TRANSFER")])
    >>> near = watchlist_proximity(p, [0, 1])
    >>> bool(near[2] > near[3] == 0.0), bool(near[0] > 0.0)
    (True, True)
    >>> float(watchlist_proximity(p, [0])[0])  # a lone seed learns nothing from its own listing
    0.0
    """
    n = projection.num_nodes
    chosen = np.unique(np.asarray(seeds, dtype=np.int64))
    out = np.zeros(n)
    if not len(chosen) or not n:
        return out
    ends = np.concatenate([projection.src, projection.dst])
    starts = np.concatenate([projection.dst, projection.src])
    degree = np.bincount(starts, minlength=n).astype(np.float64)
    # Column-stochastic walk matrix: from ``start`` to each neighbour, parallel relationships counted.
    walk = sp.csr_matrix((1.0 / degree[starts], (ends, starts)), shape=(n, n))
    walk.sum_duplicates()
    # A walk arrives only along a relationship, so no walk ever stands on a node without one except an
    # isolated seed's own: its column keeps only the restart at the seed, which is taken out below anyway.
    for begin in range(0, len(chosen), chunk):
        block = chosen[begin : begin + chunk]
        columns = np.arange(len(block))
        ranks = np.zeros((n, len(block)))
        ranks[block, columns] = 1.0
        for iteration in range(1, max_iterations + 1):
            step = walk @ ranks
            step *= damping
            step[block, columns] += 1.0 - damping
            # The change is measured every few steps only: that pass costs as much as the step itself.
            done = iteration % 8 == 0 and float(np.abs(step - ranks).sum(axis=0).max()) < tolerance
            ranks = step
            if done:
                break
        out += ranks.sum(axis=1)
        out[block] -= ranks[block, columns]
    return out / len(chosen)


def first_activity(projection: Projection) -> F64:
    """Each node's first relationship time (NaN for a node with no timed relationship)."""
    first = np.full(projection.num_nodes, np.inf)
    timed = ~np.isnan(projection.time)
    for ends in (projection.src, projection.dst):
        np.minimum.at(first, ends[timed], projection.time[timed])
    first[np.isinf(first)] = np.nan
    return first


def build_hetero_data(
    projection: Projection,
    features: NodeFeatures,
    standardiser: Standardiser,
    *,
    node_types: Sequence[str] | None = None,
) -> HeteroGraph:
    """The ``HeteroData`` of ``projection`` with reverse edge types; see the module docstring.

    Node types without any relationship are left out (they would receive no message); ``node_types``
    limits the types further. Each edge store keeps ``time`` (epoch seconds, NaN where none).
    """
    x = torch.tensor(standardiser.transform(features), dtype=torch.float32)
    wanted = set(node_types) if node_types is not None else set(projection.labels)
    src_label = projection.node_label[projection.src]
    dst_label = projection.node_label[projection.dst]
    touched = set(src_label.tolist()) | set(dst_label.tolist())
    kept = [lab for i, lab in enumerate(projection.labels) if i in touched and lab in wanted]
    data = HeteroData()
    node_index: dict[str, I64] = {}
    local = np.full(projection.num_nodes, -1, dtype=np.int64)
    for label in kept:
        nodes = projection.nodes_labelled(label)
        node_index[label] = nodes
        local[nodes] = np.arange(len(nodes))
        data[label].x = x[torch.from_numpy(nodes)]
        data[label].num_nodes = len(nodes)
    groups = np.stack([src_label, projection.rel_type, dst_label], axis=1)
    for a, t, b in np.unique(groups, axis=0).tolist() if len(groups) else []:
        start, end = projection.labels[a], projection.labels[b]
        if start not in node_index or end not in node_index:
            continue
        chosen = np.flatnonzero((src_label == a) & (projection.rel_type == t) & (dst_label == b))
        edge_type = (start, projection.rel_types[t], end)
        edges = torch.from_numpy(np.stack([local[projection.src[chosen]], local[projection.dst[chosen]]]))
        time = torch.from_numpy(projection.time[chosen])
        data[edge_type].edge_index = edges
        data[edge_type].time = time
        data[reverse_type(edge_type)].edge_index = edges.flip(0)
        data[reverse_type(edge_type)].time = time
    return HeteroGraph(data, node_index, standardiser.names)


def _time_order(times: F64, seed: int) -> I64:
    """Positions ordered by time; an untimed item gets a time drawn from the timed ones (seeded)."""
    rng = np.random.default_rng(seed)
    filled = times.astype(np.float64).copy()
    missing = np.isnan(filled)
    if missing.all():
        filled = rng.random(len(filled))
    elif missing.any():
        filled[missing] = rng.choice(filled[~missing], size=int(missing.sum()))
    # Ties (same day) are broken at random, not by node id, which may follow the source file's order.
    return np.lexsort((rng.random(len(filled)), filled)).astype(np.int64)


def time_split(times: F64, train_share: float, val_share: float, seed: int) -> tuple[Bools, Bools, Bools]:
    """Train / validation / test masks: the earliest ``train_share`` of items trains, the latest test.

    >>> train, val, test = time_split(np.array([5.0, 1.0, 3.0, 4.0, 2.0]), 0.6, 0.2, seed=0)
    >>> train.tolist(), val.tolist(), test.tolist()
    ([False, True, True, False, True], [False, False, False, True, False], [True, False, False, False, False])
    """
    order = _time_order(times, seed)
    cut_train = round(train_share * len(order))
    cut_val = cut_train + round(val_share * len(order))
    masks = [np.zeros(len(order), dtype=bool) for _ in range(3)]
    masks[0][order[:cut_train]] = True
    masks[1][order[cut_train:cut_val]] = True
    masks[2][order[cut_val:]] = True
    return masks[0], masks[1], masks[2]


def split_links(
    data: HeteroData, edge_type: EdgeType, train_share: float, val_share: float, seed: int
) -> tuple[HeteroData, HeteroData, HeteroData]:
    """Train / validation / test graphs for predicting ``edge_type`` links, one negative per positive.

    With link times the split is by time: training sees the earliest links, validation predicts the next
    ones from those, testing the latest from all earlier ones. Without times PyG's ``RandomLinkSplit``
    splits at random. Either way a held-out link is gone from both ``edge_type`` and its reverse in the
    graphs that predict it: its reverse edge never tells the model the answer.
    """
    rev = reverse_type(edge_type)
    store = data[edge_type]
    times = store.time.numpy() if "time" in store else np.full(store.num_edges, np.nan)
    if np.isnan(times).all():
        test_share = 1.0 - train_share - val_share
        split = RandomLinkSplit(
            num_val=val_share,
            num_test=test_share,
            edge_types=[edge_type],
            rev_edge_types=[rev],
            neg_sampling_ratio=1.0,
            add_negative_train_samples=True,
        )
        torch.manual_seed(seed)
        train, val, test = split(data)
        return train, val, test
    train_mask, val_mask, _ = time_split(times, train_share, val_share, seed)
    seen = [train_mask, train_mask | val_mask]
    targets = [train_mask, val_mask, ~(train_mask | val_mask)]
    graphs = [
        _link_graph(data, edge_type, visible, target, seed + step)
        for step, (visible, target) in enumerate(zip([seen[0], *seen], targets, strict=True))
    ]
    return graphs[0], graphs[1], graphs[2]


def _link_graph(
    data: HeteroData, edge_type: EdgeType, visible: Bools, target: Bools, seed: int
) -> HeteroData:
    """A copy of ``data`` whose ``edge_type`` (and reverse) edges are ``visible``, predicting ``target``."""
    graph = data.clone()
    rev = reverse_type(edge_type)
    keep = torch.from_numpy(visible)
    for et in (edge_type, rev):
        graph[et].edge_index = graph[et].edge_index[:, keep]
        if "time" in graph[et]:
            graph[et].time = graph[et].time[keep]
    positives = data[edge_type].edge_index[:, torch.from_numpy(target)]
    src_type, _, dst_type = edge_type
    shape = (data[src_type].num_nodes, data[dst_type].num_nodes)
    torch.manual_seed(seed)
    negatives = negative_sampling(
        data[edge_type].edge_index, num_nodes=shape, num_neg_samples=positives.size(1)
    )
    graph[edge_type].edge_label_index = torch.cat([positives, negatives], dim=1)
    graph[edge_type].edge_label = torch.cat([torch.ones(positives.size(1)), torch.zeros(negatives.size(1))])
    return graph
