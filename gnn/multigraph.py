"""Multi-GIN for directed multigraphs of transfers: reverse message passing, port numbers, ego IDs.

The three adaptations of Egressy et al. ("Provably Powerful Graph Neural Networks for Directed
Multigraphs", AAAI 2024), written for bigfinder:

* **reverse message passing**: a node aggregates its incoming and its outgoing edges with separate
  weights, so "sends to many" and "receives from many" look different (fan-out vs fan-in);
* **port numbers** (:func:`port_numbers`): each node numbers its distinct in- and out-neighbours in
  the order it first dealt with them; every parallel edge from one neighbour carries that neighbour's
  number, so a node can tell ten transfers from one account from ten accounts (degree vs fan);
* **ego IDs** (:func:`ego_subgraphs`): the node being classified is flagged in its own neighbourhood,
  so a message that comes back to it closes a cycle it can recognise.

Example
-------
>>> import numpy as np, torch
>>> src, dst = np.array([0, 0, 1, 2]), np.array([1, 1, 2, 0])
>>> in_port, out_port = port_numbers(src, dst, np.array([3.0, 1.0, 2.0, 0.0]), 3)
>>> in_port.tolist(), out_port.tolist()
([0, 0, 0, 0], [0, 0, 0, 0])
>>> graph = TransferGraph.build(torch.ones(3, 1), src, dst, np.zeros((4, 1)), np.arange(4.0))
>>> model = MultiGIN(1, 1, 2, hidden=8, layers=2, options=MultiGinOptions())
>>> model(graph.x, graph.edge_index, graph.edge_attr, graph.in_port, graph.out_port,
...       ego=torch.ones(3, 1)).shape
torch.Size([3, 2])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
import torch
from torch import Tensor
from torch.nn import functional
from torch_geometric.nn import MessagePassing

__all__ = ["EgoBatch", "MultiGIN", "MultiGinOptions", "TransferGraph", "ego_subgraphs", "port_numbers"]

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]


@dataclass(frozen=True)
class MultiGinOptions:
    """Which Multi-GNN adaptations are on, and how ego batches are drawn.

    ``max_port`` (64): port numbers at or above it share one embedding. ``batch_size`` (128) nodes per
    ego batch; ``hops`` (None: the model's layers) the radius of each node's ego subgraph.
    """

    reverse_mp: bool = True
    ports: bool = True
    ego: bool = True
    max_port: int = 64
    batch_size: int = 128
    hops: int | None = None


def port_numbers(src: I64, dst: I64, time: F64, num_nodes: int) -> tuple[I64, I64]:
    """Per edge: the sender's number at the receiver (in-port) and the receiver's at the sender (out-port).

    A node numbers its distinct neighbours on each side from 0, in the order of the first edge with each
    (then by neighbour index); parallel edges share their neighbour's number.
    """
    first = np.where(np.isnan(time), np.inf, time)
    return _ports(dst, src, first, num_nodes), _ports(src, dst, first, num_nodes)


def _ports(owner: I64, other: I64, first: F64, num_nodes: int) -> I64:
    if not len(owner):
        return np.zeros(0, dtype=np.int64)
    pair = owner.astype(np.int64) * num_nodes + other
    pairs, edge_pair = np.unique(pair, return_inverse=True)
    pair_first = np.full(len(pairs), np.inf)
    np.minimum.at(pair_first, edge_pair, first)
    pair_owner, pair_other = pairs // num_nodes, pairs % num_nodes
    order = np.lexsort((pair_other, pair_first, pair_owner))
    group_start = np.searchsorted(pair_owner[order], pair_owner[order], side="left")
    rank = np.empty(len(pairs), dtype=np.int64)
    rank[order] = np.arange(len(pairs)) - group_start
    return rank[edge_pair]


@dataclass(frozen=True, eq=False)
class TransferGraph:
    """A directed multigraph with node and edge features and both port numbers of every edge."""

    x: Tensor
    edge_index: Tensor
    edge_attr: Tensor
    in_port: Tensor
    out_port: Tensor

    @property
    def num_nodes(self) -> int:
        return int(self.x.size(0))

    @classmethod
    def build(cls, x: Tensor, src: I64, dst: I64, edge_attr: F64, time: F64) -> TransferGraph:
        """The graph of edges ``src -> dst`` with features ``edge_attr``; ``time`` orders the ports."""
        in_port, out_port = port_numbers(src, dst, time, int(x.size(0)))
        return cls(
            x,
            torch.from_numpy(np.stack([src, dst]).astype(np.int64)),
            torch.tensor(edge_attr, dtype=torch.float32),
            torch.from_numpy(in_port),
            torch.from_numpy(out_port),
        )

    def to(self, device: torch.device) -> TransferGraph:
        return TransferGraph(
            *(t.to(device) for t in (self.x, self.edge_index, self.edge_attr, self.in_port, self.out_port))
        )


@dataclass(frozen=True, eq=False)
class EgoBatch:
    """Disjoint ego subgraphs of some centre nodes, as one graph; ``centre`` are their positions in it."""

    graph: TransferGraph
    nodes: I64
    centre: Tensor
    ego: Tensor


def ego_subgraphs(graph: TransferGraph, centres: I64, hops: int) -> EgoBatch:
    """For each centre, the subgraph induced by the nodes within ``hops`` of it (either direction).

    The subgraphs are disjoint copies, so each centre is the only flagged node in its own copy and a
    message that returns to the flag has closed a cycle through that centre.
    """
    n = graph.num_nodes
    src, dst = graph.edge_index.cpu().numpy()
    ones = np.ones(len(src), dtype=np.int8)
    adjacency = sp.csr_matrix((ones, (src, dst)), shape=(n, n))
    reach_step = ((adjacency + adjacency.T + sp.identity(n, dtype=np.int8, format="csr")) > 0).astype(np.int8)
    reach = sp.csr_matrix(
        (np.ones(len(centres), dtype=np.int8), (np.arange(len(centres)), centres)), (len(centres), n)
    )
    for _ in range(hops):
        reach = ((reach @ reach_step) > 0).astype(np.int8)
    reach.sort_indices()
    rows, cols = reach.nonzero()
    node_key = rows.astype(np.int64) * n + cols
    by_column = reach.tocsc()
    inside = by_column[:, src].multiply(by_column[:, dst]).tocoo()
    copy, edge = inside.row.astype(np.int64), inside.col.astype(np.int64)
    local_src = np.searchsorted(node_key, copy * n + src[edge])
    local_dst = np.searchsorted(node_key, copy * n + dst[edge])
    centre = np.searchsorted(node_key, np.arange(len(centres), dtype=np.int64) * n + centres)
    ego = torch.zeros(len(node_key), 1)
    ego[torch.from_numpy(centre)] = 1.0
    sub = TransferGraph(
        graph.x[torch.from_numpy(cols.astype(np.int64))],
        torch.from_numpy(np.stack([local_src, local_dst])),
        graph.edge_attr[torch.from_numpy(edge)],
        graph.in_port[torch.from_numpy(edge)],
        graph.out_port[torch.from_numpy(edge)],
    )
    return EgoBatch(sub, cols.astype(np.int64), torch.from_numpy(centre), ego)


# PyG ships no type information, so its base class is Any to mypy.
class _DirectedGIN(MessagePassing):  # type: ignore[misc]
    """GIN with edge features along one direction: ``mlp((1 + eps) h_v + sum relu(h_u + W e_uv))``."""

    def __init__(self, hidden: int, edge_dim: int) -> None:
        super().__init__(aggr="add")
        self.edge = torch.nn.Linear(edge_dim, hidden)
        self.mlp = torch.nn.Sequential(
            torch.nn.Linear(hidden, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, hidden)
        )
        self.eps = torch.nn.Parameter(torch.zeros(1))

    def forward(self, x: Tensor, edge_index: Tensor, edge_attr: Tensor) -> Tensor:
        aggregated = self.propagate(edge_index, x=x, edge_attr=self.edge(edge_attr))
        out: Tensor = self.mlp((1 + self.eps) * x + aggregated)
        return out

    def message(self, x_j: Tensor, edge_attr: Tensor) -> Tensor:
        return functional.relu(x_j + edge_attr)


class MultiGIN(torch.nn.Module):
    """Multi-GIN node classifier: ``out_channels`` logits per node; see the module docstring."""

    def __init__(
        self,
        in_channels: int,
        edge_channels: int,
        out_channels: int,
        *,
        hidden: int,
        layers: int,
        options: MultiGinOptions,
        dropout: float = 0.0,
    ) -> None:
        super().__init__()
        self.options = options
        self.dropout = dropout
        self.node_in = torch.nn.Linear(in_channels + int(options.ego), hidden)
        port_dim = max(4, hidden // 4) if options.ports else 0
        self.port = torch.nn.Embedding(options.max_port, port_dim) if options.ports else None
        edge_dim = edge_channels + 2 * port_dim
        self.forward_convs = torch.nn.ModuleList(_DirectedGIN(hidden, edge_dim) for _ in range(layers))
        self.reverse_convs = torch.nn.ModuleList(
            _DirectedGIN(hidden, edge_dim) for _ in range(layers if options.reverse_mp else 0)
        )
        self.combine = torch.nn.ModuleList(
            torch.nn.Linear(2 * hidden, hidden) for _ in range(layers if options.reverse_mp else 0)
        )
        self.norms = torch.nn.ModuleList(torch.nn.LayerNorm(hidden) for _ in range(layers))
        self.head = torch.nn.Sequential(
            torch.nn.Linear(hidden, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, out_channels)
        )

    def _edge_features(self, edge_attr: Tensor, receiver_port: Tensor, sender_port: Tensor) -> Tensor:
        if self.port is None:
            return edge_attr
        top = self.options.max_port - 1
        return torch.cat(
            [edge_attr, self.port(receiver_port.clamp(max=top)), self.port(sender_port.clamp(max=top))],
            dim=-1,
        )

    def embed(
        self,
        x: Tensor,
        edge_index: Tensor,
        edge_attr: Tensor,
        in_port: Tensor,
        out_port: Tensor,
        ego: Tensor | None = None,
    ) -> Tensor:
        """Node embeddings after the message-passing layers."""
        if self.options.ego:
            x = torch.cat([x, ego if ego is not None else torch.zeros(x.size(0), 1, device=x.device)], dim=-1)
        h: Tensor = self.node_in(x)
        incoming = self._edge_features(edge_attr, in_port, out_port)
        outgoing = self._edge_features(edge_attr, out_port, in_port)
        reverse_index = edge_index.flip(0)
        for layer, conv in enumerate(self.forward_convs):
            update = conv(h, edge_index, incoming)
            if self.options.reverse_mp:
                back = self.reverse_convs[layer](h, reverse_index, outgoing)
                update = self.combine[layer](torch.cat([update, back], dim=-1))
            h = self.norms[layer](h + functional.relu(update))
            h = functional.dropout(h, p=self.dropout, training=self.training)
        return h

    def forward(
        self,
        x: Tensor,
        edge_index: Tensor,
        edge_attr: Tensor,
        in_port: Tensor,
        out_port: Tensor,
        ego: Tensor | None = None,
    ) -> Tensor:
        out: Tensor = self.head(self.embed(x, edge_index, edge_attr, in_port, out_port, ego))
        return out
