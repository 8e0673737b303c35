"""Why a node scored as it did: the neighbours, relationships and features that drove its GNN score.

:func:`explain_node` runs PyG's ``Explainer`` with ``GNNExplainer`` (captum is not installed) on a
heterogeneous node classifier: it learns soft masks over every node's features and every edge that
keep the node's prediction, and reads the strongest entries back as graph keys. The result is plain
data (:class:`NodeExplanation`), stored as JSON on the node beside ``gnn_score``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

import numpy as np
import numpy.typing as npt
import torch
from torch import Tensor
from torch_geometric.data import HeteroData
from torch_geometric.explain import Explainer, GNNExplainer

from gnn.hetero import HeteroGraph
from graph.projection import Projection

__all__ = ["Contribution", "NodeExplanation", "explain_node"]


@dataclass(frozen=True)
class Contribution:
    """One thing that drove a score: what it is (in graph keys or a feature name) and its weight in [0, 1]."""

    what: str
    weight: float


@dataclass(frozen=True)
class NodeExplanation:
    """The explanation of one node's score: its score, the top features, neighbours and relationships."""

    label: str
    key: str
    score: float
    model_version: str
    features: tuple[Contribution, ...]
    neighbours: tuple[Contribution, ...]
    relationships: tuple[Contribution, ...]

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)


class _OneType(torch.nn.Module):
    """The classifier's logits for one node type, from the non-empty parts of a graph.

    The Explainer wants a tensor, not a dict, and cannot mask an empty node or edge type; the model
    wants every type it was built with, so the empty ones are put back here.
    """

    def __init__(self, model: torch.nn.Module, label: str, data: HeteroData) -> None:
        super().__init__()
        self.model = model
        self.label = label
        self.empty_x = {t: x for t, x in data.x_dict.items() if x.size(0) == 0}
        self.empty_edges = {t: e for t, e in data.edge_index_dict.items() if e.size(1) == 0}

    def forward(self, x: dict[str, Tensor], edge_index: dict[tuple[str, str, str], Tensor]) -> Tensor:
        out: dict[str, Tensor] = self.model({**self.empty_x, **x}, {**self.empty_edges, **edge_index})
        # GNNExplainer wants a gradient for every mask, even of relationships too far away to matter;
        # a zero-weighted term through every node type's output gives them one, of zero.
        untouched = sum(logits.sum() for logits in out.values())
        return out[self.label] + 0.0 * untouched


def explain_node(
    model: torch.nn.Module,
    graph: HeteroGraph,
    projection: Projection,
    label: str,
    node: int,
    *,
    model_version: str,
    top: int = 5,
    epochs: int = 100,
    hops: int = 2,
    seed: int = 0,
) -> NodeExplanation:
    """Explain the score of projection node ``node`` (of type ``label``) under ``model``.

    ``hops`` is the model's number of message-passing layers: how far its receptive field reaches.
    """
    if int(graph.local_index(label, [node])[0]) < 0:
        raise ValueError(f"node {node} is not a {label} of the graph the model scores")
    # Only the node's receptive field can move its score: explaining there is exact and far cheaper
    # than learning masks over the whole graph.
    sub, kept = _receptive_field(graph, projection, node, hops)
    local = int(np.searchsorted(kept[label], node))
    model.eval()
    with torch.no_grad():
        score = float(torch.sigmoid(model(sub.x_dict, sub.edge_index_dict)[label][local, 0]))
    torch.manual_seed(seed)
    explainer = Explainer(
        # In eval mode from the start: the Explainer puts the model back in the mode it found it in.
        model=_OneType(model, label, sub).eval(),
        algorithm=GNNExplainer(epochs=epochs),
        explanation_type="model",
        node_mask_type="attributes",
        edge_mask_type="object",
        model_config={"mode": "binary_classification", "task_level": "node", "return_type": "raw"},
    )
    data = sub
    explanation = explainer(
        {t: x for t, x in data.x_dict.items() if x.size(0)},
        {t: e for t, e in data.edge_index_dict.items() if e.size(1)},
        index=local,
    )
    feature_weight = np.zeros(len(graph.feature_names))
    neighbours: list[Contribution] = []
    for node_type, mask in explanation.node_mask_dict.items():
        weights = mask.detach().numpy()
        feature_weight += weights.sum(axis=0)
        per_node = weights.sum(axis=1)
        for at in np.argsort(-per_node)[:top]:
            if per_node[at] <= 0:
                break
            other = int(kept[node_type][at])
            if other != node:
                neighbours.append(Contribution(":".join(projection.key_of(other)), float(per_node[at])))
    relationships: list[Contribution] = []
    for edge_type, mask in explanation.edge_mask_dict.items():
        weights = mask.detach().numpy()
        edges = data[edge_type].edge_index.numpy()
        for at in np.argsort(-weights)[:top]:
            if weights[at] <= 0:
                break
            start = projection.key_of(int(kept[edge_type[0]][edges[0, at]]))
            end = projection.key_of(int(kept[edge_type[2]][edges[1, at]]))
            what = f"({':'.join(start)})-[{edge_type[1]}]->({':'.join(end)})"
            relationships.append(Contribution(what, float(weights[at])))
    return NodeExplanation(
        label,
        projection.key_of(node)[1],
        score,
        model_version,
        _top(
            [Contribution(n, float(w)) for n, w in zip(graph.feature_names, feature_weight, strict=True)], top
        ),
        _top(neighbours, top),
        _top(relationships, top),
    )


def _receptive_field(
    graph: HeteroGraph, projection: Projection, node: int, hops: int
) -> tuple[HeteroData, dict[str, npt.NDArray[np.int64]]]:
    """The graph induced by the nodes within ``hops`` of ``node``; per type, their projection indices."""
    csr = projection.csr("both")
    reached = np.zeros(projection.num_nodes, dtype=bool)
    reached[node] = True
    frontier = np.array([node], dtype=np.int64)
    for _ in range(hops):
        if not len(frontier):
            break
        neighbours = np.concatenate([csr.neighbours(int(v)) for v in frontier])
        frontier = np.unique(neighbours[~reached[neighbours]])
        reached[frontier] = True
    kept: dict[str, npt.NDArray[np.int64]] = {}
    positions: dict[str, Tensor] = {}
    for node_type, nodes in graph.node_index.items():
        inside = np.flatnonzero(reached[nodes])
        kept[node_type] = nodes[inside]
        positions[node_type] = torch.from_numpy(inside)
    return graph.data.subgraph(positions), kept


def _top(items: list[Contribution], top: int) -> tuple[Contribution, ...]:
    """The ``top`` strongest, weights scaled so the strongest is 1."""
    ranked = sorted(items, key=lambda c: -c.weight)[:top]
    peak = ranked[0].weight if ranked and ranked[0].weight > 0 else 1.0
    return tuple(Contribution(c.what, round(c.weight / peak, 4)) for c in ranked)
