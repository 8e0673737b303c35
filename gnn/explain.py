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
import torch
from torch import Tensor
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
    """The classifier's logits for one node type: the Explainer wants a tensor, not a dict."""

    def __init__(self, model: torch.nn.Module, label: str) -> None:
        super().__init__()
        self.model = model
        self.label = label

    def forward(self, x: dict[str, Tensor], edge_index: dict[tuple[str, str, str], Tensor]) -> Tensor:
        out: Tensor = self.model(x, edge_index)[self.label]
        return out


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
    seed: int = 0,
) -> NodeExplanation:
    """Explain the score of projection node ``node`` (of type ``label``) under ``model``."""
    local = int(graph.local_index(label, [node])[0])
    if local < 0:
        raise ValueError(f"node {node} is not a {label} of the graph the model scores")
    torch.manual_seed(seed)
    explainer = Explainer(
        model=_OneType(model.eval(), label),
        algorithm=GNNExplainer(epochs=epochs),
        explanation_type="model",
        node_mask_type="attributes",
        edge_mask_type="object",
        model_config={"mode": "binary_classification", "task_level": "node", "return_type": "raw"},
    )
    data = graph.data
    explanation = explainer(data.x_dict, data.edge_index_dict, index=local)
    with torch.no_grad():
        score = float(torch.sigmoid(model(data.x_dict, data.edge_index_dict)[label][local, 0]))
    feature_weight = np.zeros(len(graph.feature_names))
    neighbours: list[Contribution] = []
    for node_type, mask in explanation.node_mask_dict.items():
        weights = mask.detach().numpy()
        feature_weight += weights.sum(axis=0)
        per_node = weights.sum(axis=1)
        for at in np.argsort(-per_node)[:top]:
            if per_node[at] <= 0:
                break
            other = int(graph.node_index[node_type][at])
            if other != node:
                neighbours.append(Contribution(":".join(projection.key_of(other)), float(per_node[at])))
    relationships: list[Contribution] = []
    for edge_type, mask in explanation.edge_mask_dict.items():
        weights = mask.detach().numpy()
        edges = data[edge_type].edge_index.numpy()
        for at in np.argsort(-weights)[:top]:
            if weights[at] <= 0:
                break
            start = projection.key_of(int(graph.node_index[edge_type[0]][edges[0, at]]))
            end = projection.key_of(int(graph.node_index[edge_type[2]][edges[1, at]]))
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


def _top(items: list[Contribution], top: int) -> tuple[Contribution, ...]:
    """The ``top`` strongest, weights scaled so the strongest is 1."""
    ranked = sorted(items, key=lambda c: -c.weight)[:top]
    peak = ranked[0].weight if ranked and ranked[0].weight > 0 else 1.0
    return tuple(Contribution(c.what, round(c.weight / peak, 4)) for c in ranked)
