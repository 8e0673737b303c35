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

Ego subgraphs are small copies, one per node read; :meth:`MultiGIN.centre_logits` computes in each
layer only the nodes the later layers still read (the last layer: the centre alone), and the edge
terms (features, ports) are encoded once per direction rather than once per layer.

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

__all__ = ["EgoBatch", "MultiGIN", "MultiGinOptions", "TransferGraph", "ego_subgraphs", "port_numbers"]

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]


@dataclass(frozen=True)
class MultiGinOptions:
    """Which Multi-GNN adaptations are on, and how ego batches are drawn.

    ``max_port`` (64): port numbers at or above it count as ``max_port - 1``. ``log_ports`` (False): the
    model reads ``log(1 + port)`` rather than the port, so a node with many neighbours does not swamp
    the messages early in training. ``batch_size`` (128) nodes per ego batch; ``hops`` (None: the
    model's layers) the radius of each node's ego subgraph.
    """

    reverse_mp: bool = True
    ports: bool = True
    ego: bool = True
    max_port: int = 64
    log_ports: bool = False
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
    """Disjoint ego subgraphs of some centre nodes, as one graph; ``centre`` are their positions in it.

    ``hop`` is each node's distance (either direction) to its own centre: 0 for the centres.
    """

    graph: TransferGraph
    nodes: I64
    centre: Tensor
    ego: Tensor
    hop: Tensor


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
    # Each reach matrix holds the last, so summing them counts the steps a node was already reached in.
    reached_for = reach.astype(np.int16)
    for _ in range(hops):
        reach = ((reach @ reach_step) > 0).astype(np.int8)
        reached_for = reached_for + reach.astype(np.int16)
    reached_for = reached_for.tocsr()
    reached_for.sort_indices()
    rows, cols = reached_for.nonzero()
    hop = hops + 1 - np.asarray(reached_for[rows, cols]).ravel().astype(np.int64)
    node_key = rows.astype(np.int64) * n + cols
    by_column = reached_for.tocsc()
    inside = by_column[:, src].multiply(by_column[:, dst]).tocoo()
    copy, edge = inside.row.astype(np.int64), inside.col.astype(np.int64)
    local_src = np.searchsorted(node_key, copy * n + src[edge])
    local_dst = np.searchsorted(node_key, copy * n + dst[edge])
    centre = np.searchsorted(node_key, np.arange(len(centres), dtype=np.int64) * n + centres)
    ego = torch.zeros(len(node_key), 1)
    ego[torch.from_numpy(centre)] = 1.0
    edge_t = torch.from_numpy(edge)
    sub = TransferGraph(
        graph.x[torch.from_numpy(cols.astype(np.int64))],
        torch.from_numpy(np.stack([local_src, local_dst])),
        graph.edge_attr[edge_t],
        graph.in_port[edge_t],
        graph.out_port[edge_t],
    )
    return EgoBatch(sub, cols.astype(np.int64), torch.from_numpy(centre), ego, torch.from_numpy(hop))


class _Direction(torch.nn.Module):
    """The edge term of one direction: ``W e + U [receiver's port, sender's port] + b`` per edge.

    Ports enter as numbers, not as a learned vector per port: an own vector per number lets a model
    learn each training node's arbitrary numbering by heart (on the pattern benchmark it did, and
    generalised far worse), while a number still tells parallel edges (one port) from distinct
    neighbours (ports 0, 1, 2, ...).
    """

    def __init__(self, edge_channels: int, hidden: int, ports: bool) -> None:
        super().__init__()
        self.edge = torch.nn.Linear(edge_channels, hidden) if edge_channels else None
        self.port = torch.nn.Linear(2, hidden, bias=False) if ports else None
        self.bias = torch.nn.Parameter(torch.zeros(hidden))

    def forward(self, edge_attr: Tensor, receiver_port: Tensor, sender_port: Tensor) -> Tensor:
        out = self.bias.expand(edge_attr.size(0), -1)
        if self.edge is not None:
            out = out + self.edge(edge_attr)
        if self.port is not None:
            out = out + self.port(torch.stack([receiver_port, sender_port], dim=-1).to(out.dtype))
        return out


class _Layer(torch.nn.Module):
    """One Multi-GIN layer: GIN sums along incoming and (reverse MP) outgoing edges, one MLP over both.

    ``mlp([(1 + eps_in) h_v + sum_in relu(h_u + e), (1 + eps_out) h_v + sum_out relu(h_w + e')])``
    """

    def __init__(self, hidden: int, options: MultiGinOptions) -> None:
        super().__init__()
        sides = 2 if options.reverse_mp else 1
        self.eps = torch.nn.Parameter(torch.zeros(sides))
        self.mlp = torch.nn.Sequential(
            torch.nn.Linear(sides * hidden, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, hidden)
        )
        self.norm = torch.nn.LayerNorm(hidden)

    def forward(self, h: Tensor, sides: list[_Side], active: Tensor | None) -> Tensor:
        """``h`` updated at the ``active`` rows (all rows when None); the others are kept as they are."""
        rows = h if active is None else h.index_select(0, active)
        parts = []
        for k, side in enumerate(sides):
            if active is None:
                sender, receiver, term = side.sender, side.receiver, side.term
            else:
                edges = side.edges_into(active, h.size(0))
                sender, receiver, term = side.sender[edges], side.receiver[edges], side.term[edges]
            message = functional.relu(h.index_select(0, sender) + term)
            summed = torch.zeros_like(h).index_add_(0, receiver, message)
            summed = summed if active is None else summed.index_select(0, active)
            parts.append((1 + self.eps[k]) * rows + summed)
        new = self.norm(rows + functional.relu(self.mlp(torch.cat(parts, dim=-1))))
        return new if active is None else h.index_copy(0, active, new)


@dataclass(frozen=True, eq=False)
class _Side:
    """The edges of one direction: receiver, sender and the edge term of each (for :class:`_Layer`)."""

    receiver: Tensor
    sender: Tensor
    term: Tensor
    edges: Tensor

    def edges_into(self, active: Tensor, num_nodes: int) -> Tensor:
        """The edges whose receiver is one of the ``active`` nodes."""
        mask = torch.zeros(num_nodes, dtype=torch.bool, device=active.device)
        mask[active] = True
        return self.edges[mask[self.receiver]]


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
        # The edge terms (features and ports) are encoded once per direction and shared by the layers:
        # the per-edge work is the bulk of a step, and the ports need no depth of their own.
        self.directions = torch.nn.ModuleList(
            _Direction(edge_channels, hidden, options.ports) for _ in range(2 if options.reverse_mp else 1)
        )
        self.layers = torch.nn.ModuleList(_Layer(hidden, options) for _ in range(layers))
        self.head = torch.nn.Sequential(
            torch.nn.Linear(hidden, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, out_channels)
        )

    def zero_output(self) -> None:
        """Start every logit at 0, whatever the input: for a model that learns a correction to a prior."""
        last = self.head[-1]
        if isinstance(last, torch.nn.Linear):
            torch.nn.init.zeros_(last.weight)
            torch.nn.init.zeros_(last.bias)

    def _sides(self, edge_index: Tensor, edge_attr: Tensor, in_port: Tensor, out_port: Tensor) -> list[_Side]:
        top = self.options.max_port - 1
        in_port, out_port = in_port.clamp(max=top), out_port.clamp(max=top)
        if self.options.log_ports:
            in_port, out_port = torch.log1p(in_port.float()), torch.log1p(out_port.float())
        src, dst = edge_index[0], edge_index[1]
        edges = torch.arange(src.size(0), device=src.device)
        # Incoming: the receiver is the edge's target, its port the in-port (its number for the sender).
        sides = [_Side(dst, src, self.directions[0](edge_attr, in_port, out_port), edges)]
        if self.options.reverse_mp:
            sides.append(_Side(src, dst, self.directions[1](edge_attr, out_port, in_port), edges))
        return sides

    def embed(
        self,
        x: Tensor,
        edge_index: Tensor,
        edge_attr: Tensor,
        in_port: Tensor,
        out_port: Tensor,
        ego: Tensor | None = None,
        hop: Tensor | None = None,
    ) -> Tensor:
        """Node embeddings after the message-passing layers.

        With ``hop`` (each node's distance to the node it is read for, as in :class:`EgoBatch`) a layer
        updates only the nodes the later layers still need: after layer ``l`` of ``L`` those within
        ``L - l`` hops. Only the rows with ``hop == 0`` are then final; the same values as without it.
        """
        if self.options.ego:
            x = torch.cat([x, ego if ego is not None else torch.zeros(x.size(0), 1, device=x.device)], dim=-1)
        h: Tensor = self.node_in(x)
        sides = self._sides(edge_index, edge_attr, in_port, out_port)
        total = len(self.layers)
        for number, layer in enumerate(self.layers, start=1):
            active = None
            if hop is not None and int(hop.max()) > total - number:
                active = torch.nonzero(hop <= total - number).flatten()
            h = layer(h, sides, active)
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
        hop: Tensor | None = None,
    ) -> Tensor:
        """Logits of every node (see :meth:`embed` for ``hop``: then only the centres' rows are final)."""
        out: Tensor = self.head(self.embed(x, edge_index, edge_attr, in_port, out_port, ego, hop))
        return out

    def centre_logits(self, batch: EgoBatch) -> Tensor:
        """The logits of the centres of an ego batch, computing only what they depend on."""
        sub, ego, hop = batch.graph, batch.ego, batch.hop
        out: Tensor = self(sub.x, sub.edge_index, sub.edge_attr, sub.in_port, sub.out_port, ego, hop)
        return out[batch.centre]
