"""Training loops: heterogeneous node classification, link prediction and the Multi-GIN.

Each takes a config, fixes its seeds, trains full-batch (the Multi-GIN with ego IDs in batches of
ego subgraphs), keeps the weights of the epoch with the best validation PR-AUC, stops after
``patience`` epochs without progress, and reports its figures (PR-AUC, ROC-AUC, epochs, seconds;
the Multi-GIN also F1 of the positive class at the threshold best on validation).

Example
-------
>>> import numpy as np, torch
>>> from graph.projection import Projection
>>> from gnn.hetero import Standardiser, build_hetero_data, node_features
>>> nodes = [("Person", f"P{i}") for i in range(6)] + [("Phone", "+1"), ("Phone", "+2")]
>>> edges = [(i, 6 if i < 3 else 7, "HAS_PHONE") for i in range(6)]
>>> p = Projection.from_edges(nodes, edges)
>>> f = node_features(p)
>>> graph = build_hetero_data(p, f, Standardiser.fit(f))
>>> y = torch.tensor([1.0, 1, 1, 0, 0, 0])
>>> masks = [torch.tensor(m) for m in ([1, 0, 0, 1, 0, 0], [0, 1, 0, 0, 1, 0], [0, 0, 1, 0, 0, 1])]
>>> targets = {"Person": NodeTargets(y, *(m.bool() for m in masks))}
>>> trained = train_node_classifier(graph, targets, GnnConfig(epochs=30, device="cpu"))
>>> trained.metrics["test_positives"], trained.metrics["epochs"] <= 30
(1.0, True)
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import torch
from sklearn.metrics import average_precision_score, f1_score, roc_auc_score
from torch import Tensor
from torch.nn import functional
from torch_geometric.data import HeteroData

from gnn.config import GnnConfig, choose_device, seed_everything
from gnn.hetero import EdgeType, HeteroGraph
from gnn.models import hetero_sage, initialise, link_logits
from gnn.multigraph import MultiGIN, MultiGinOptions, TransferGraph, ego_subgraphs

__all__ = [
    "NodeTargets",
    "TrainedModel",
    "fit_early_stopping",
    "link_probabilities",
    "multigin_probabilities",
    "node_probabilities",
    "pr_auc",
    "train_link_predictor",
    "train_multigin",
    "train_node_classifier",
]

F64 = npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class NodeTargets:
    """Labels of one node type (1 offender, 0 not) and which nodes train, validate and test."""

    y: Tensor
    train: Tensor
    val: Tensor
    test: Tensor


@dataclass(eq=False)
class TrainedModel:
    """A trained model (best validation weights) and its figures."""

    model: torch.nn.Module
    metrics: dict[str, float]


def pr_auc(truth: F64, scores: F64) -> float:
    """Average precision; NaN when ``truth`` holds one class only (nothing to rank)."""
    if len(np.unique(truth)) < 2:
        return float("nan")
    return float(average_precision_score(truth, scores))


def _roc_auc(truth: F64, scores: F64) -> float:
    return float(roc_auc_score(truth, scores)) if len(np.unique(truth)) == 2 else float("nan")


def fit_early_stopping(
    model: torch.nn.Module,
    config: GnnConfig,
    step: Callable[[], Tensor],
    validate: Callable[[], float],
) -> tuple[torch.nn.Module, dict[str, float]]:
    """Adam with early stopping on ``validate`` (higher is better); the best weights are kept."""
    optimiser = torch.optim.Adam(
        model.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay
    )
    best, best_state, since_best, epochs = -np.inf, copy.deepcopy(model.state_dict()), 0, 0
    started = time.perf_counter()
    while epochs < config.epochs:
        epochs += 1
        model.train()
        optimiser.zero_grad()
        loss = step()
        loss.backward()  # type: ignore[no-untyped-call]
        optimiser.step()
        model.eval()
        with torch.no_grad():
            figure = validate()
        figure = -np.inf if np.isnan(figure) else figure
        if figure > best:
            best, best_state, since_best = figure, copy.deepcopy(model.state_dict()), 0
        else:
            since_best += 1
            if since_best >= config.patience:
                break
    model.load_state_dict(best_state)
    model.eval()
    return model, {"epochs": float(epochs), "seconds": time.perf_counter() - started}


def train_node_classifier(
    graph: HeteroGraph, targets: Mapping[str, NodeTargets], config: GnnConfig
) -> TrainedModel:
    """A heterogeneous GraphSAGE predicting ``targets`` (one logit per node of each target type)."""
    seed_everything(config)
    device = choose_device(config)
    data = graph.data.to(device)
    on = {
        label: NodeTargets(*(t.to(device) for t in (tg.y, tg.train, tg.val, tg.test)))
        for label, tg in targets.items()
    }
    model = hetero_sage(
        data.metadata(), hidden=config.hidden, layers=config.layers, dropout=config.dropout, out_channels=1
    ).to(device)
    initialise(model, data)
    positives = sum(float(t.y[t.train].sum()) for t in on.values())
    negatives = sum(float((1 - t.y[t.train]).sum()) for t in on.values())
    pos_weight = torch.tensor(max(negatives, 1.0) / max(positives, 1.0), device=device)

    def step() -> Tensor:
        out = model(data.x_dict, data.edge_index_dict)
        losses = [
            functional.binary_cross_entropy_with_logits(
                out[label][:, 0][t.train], t.y[t.train], pos_weight=pos_weight
            )
            for label, t in on.items()
            if bool(t.train.any())
        ]
        return torch.stack(losses).sum()

    def figures(split: str) -> tuple[F64, F64]:
        out = model(data.x_dict, data.edge_index_dict)
        truth = [t.y[getattr(t, split)].cpu().numpy() for t in on.values()]
        score = [out[label][:, 0][getattr(t, split)].cpu().numpy() for label, t in on.items()]
        return np.concatenate(truth), np.concatenate(score)

    model, metrics = fit_early_stopping(model, config, step, lambda: pr_auc(*figures("val")))
    with torch.no_grad():
        for split in ("train", "val", "test"):
            truth, score = figures(split)
            metrics[f"{split}_pr_auc"] = pr_auc(truth, score)
            metrics[f"{split}_roc_auc"] = _roc_auc(truth, score)
            metrics[f"{split}_positives"] = float(truth.sum())
    return TrainedModel(model.cpu(), metrics)


def node_probabilities(model: torch.nn.Module, data: HeteroData, device: torch.device) -> dict[str, F64]:
    """Each node's probability of the positive class, per node type."""
    model = model.to(device).eval()
    with torch.no_grad():
        out = model(data.to(device).x_dict, data.edge_index_dict)
    return {
        label: torch.sigmoid(logits[:, 0]).cpu().numpy().astype(np.float64) for label, logits in out.items()
    }


def train_link_predictor(
    train: HeteroData, val: HeteroData, test: HeteroData, edge_type: EdgeType, config: GnnConfig
) -> TrainedModel:
    """A heterogeneous GraphSAGE encoder whose embeddings' dot product predicts ``edge_type`` links.

    The three graphs are those of :func:`gnn.hetero.split_links`: each predicts its ``edge_label_index``
    pairs from its own (earlier) edges only.
    """
    seed_everything(config)
    device = choose_device(config)
    train, val, test = (g.to(device) for g in (train, val, test))
    model = hetero_sage(
        train.metadata(),
        hidden=config.hidden,
        layers=config.layers,
        dropout=config.dropout,
        out_channels=None,
    ).to(device)
    initialise(model, train)

    def logits(graph: HeteroData) -> Tensor:
        return link_logits(
            model(graph.x_dict, graph.edge_index_dict), edge_type, graph[edge_type].edge_label_index
        )

    def step() -> Tensor:
        return functional.binary_cross_entropy_with_logits(logits(train), train[edge_type].edge_label)

    def figure(graph: HeteroData) -> float:
        return pr_auc(graph[edge_type].edge_label.cpu().numpy(), logits(graph).cpu().numpy())

    model, metrics = fit_early_stopping(model, config, step, lambda: figure(val))
    with torch.no_grad():
        for name, graph in (("train", train), ("val", val), ("test", test)):
            truth, score = graph[edge_type].edge_label.cpu().numpy(), logits(graph).cpu().numpy()
            metrics[f"{name}_pr_auc"] = pr_auc(truth, score)
            metrics[f"{name}_roc_auc"] = _roc_auc(truth, score)
    return TrainedModel(model.cpu(), metrics)


def link_probabilities(
    model: torch.nn.Module, data: HeteroData, edge_type: EdgeType, pairs: Tensor, device: torch.device
) -> F64:
    """Probability that each column of ``pairs`` (start, end) is an ``edge_type`` link."""
    model = model.to(device).eval()
    with torch.no_grad():
        data = data.to(device)
        embeddings = model(data.x_dict, data.edge_index_dict)
        return (
            torch.sigmoid(link_logits(embeddings, edge_type, pairs.to(device)))
            .cpu()
            .numpy()
            .astype(np.float64)
        )


def _multigin_logits(
    model: MultiGIN, graph: TransferGraph, nodes: npt.NDArray[np.int64], options: MultiGinOptions, hops: int
) -> Tensor:
    """Logits of ``nodes``: inside their ego subgraphs when ego IDs are on, on the whole graph otherwise."""
    if not options.ego:
        whole: Tensor = model(graph.x, graph.edge_index, graph.edge_attr, graph.in_port, graph.out_port)
        return whole[torch.from_numpy(nodes).to(graph.x.device)]
    batch = ego_subgraphs(graph, nodes, hops)
    device = graph.x.device
    sub = batch.graph
    out: Tensor = model(
        sub.x, sub.edge_index.to(device), sub.edge_attr, sub.in_port, sub.out_port, batch.ego.to(device)
    )
    return out[batch.centre.to(device)]


def train_multigin(
    graph: TransferGraph,
    labels: Tensor,
    masks: tuple[Tensor, Tensor, Tensor],
    config: GnnConfig,
    options: MultiGinOptions,
) -> TrainedModel:
    """A Multi-GIN predicting the columns of ``labels`` (n x k, 0/1) on the nodes of each mask.

    Figures: PR-AUC (mean over columns) and, per column, F1 of the positive class on the test nodes at
    the threshold that is best on the validation nodes (``f1_<column>``), and of the rarer class
    (``f1_minority_<column>``, the figure the pattern benchmark of Egressy et al. reports).
    """
    seed_everything(config)
    device = choose_device(config)
    graph = graph.to(device)
    labels = labels.float().to(device)
    train_nodes, val_nodes, test_nodes = (np.flatnonzero(m.cpu().numpy()).astype(np.int64) for m in masks)
    hops = options.hops or config.layers
    model = MultiGIN(
        graph.x.size(1),
        graph.edge_attr.size(1),
        labels.size(1),
        hidden=config.hidden,
        layers=config.layers,
        options=options,
        dropout=config.dropout,
    ).to(device)
    positives = labels[torch.from_numpy(train_nodes).to(device)].mean(0).clamp(1e-4, 1 - 1e-4)
    pos_weight = ((1 - positives) / positives).sqrt()
    rng = np.random.default_rng(config.seed)
    batch_size = options.batch_size if options.ego else len(train_nodes)
    optimiser = torch.optim.Adam(
        model.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay
    )

    def predict(nodes: npt.NDArray[np.int64]) -> F64:
        model.eval()
        with torch.no_grad():
            parts = [
                torch.sigmoid(
                    _multigin_logits(model, graph, nodes[i : i + 4 * batch_size], options, hops)
                ).cpu()
                for i in range(0, len(nodes), 4 * batch_size)
            ]
        return torch.cat(parts).numpy().astype(np.float64)

    def validate() -> float:
        truth, score = labels[torch.from_numpy(val_nodes).to(device)].cpu().numpy(), predict(val_nodes)
        return float(np.nanmean([pr_auc(truth[:, k], score[:, k]) for k in range(truth.shape[1])]))

    best, best_state, since_best, epochs = -np.inf, copy.deepcopy(model.state_dict()), 0, 0
    started = time.perf_counter()
    while epochs < config.epochs:
        epochs += 1
        model.train()
        for _ in range(0, len(train_nodes), batch_size):
            chosen = rng.permutation(train_nodes)[:batch_size] if options.ego else train_nodes
            optimiser.zero_grad()
            logits = _multigin_logits(model, graph, chosen, options, hops)
            target = labels[torch.from_numpy(chosen).to(device)]
            loss = functional.binary_cross_entropy_with_logits(logits, target, pos_weight=pos_weight)
            loss.backward()  # type: ignore[no-untyped-call]
            optimiser.step()
        figure = validate()
        if figure > best:
            best, best_state, since_best = figure, copy.deepcopy(model.state_dict()), 0
        else:
            since_best += 1
            if since_best >= config.patience:
                break
    model.load_state_dict(best_state)
    metrics = {"epochs": float(epochs), "seconds": time.perf_counter() - started}
    val_truth, val_score = labels[torch.from_numpy(val_nodes).to(device)].cpu().numpy(), predict(val_nodes)
    test_truth, test_score = (
        labels[torch.from_numpy(test_nodes).to(device)].cpu().numpy(),
        predict(test_nodes),
    )
    aucs = []
    for k in range(labels.size(1)):
        predicted = test_score[:, k] >= _best_threshold(val_truth[:, k], val_score[:, k], 1.0)
        metrics[f"f1_{k}"] = float(f1_score(test_truth[:, k], predicted, zero_division=0.0))
        # The rarer class of the training graph, decided before looking at the test nodes.
        minority = float(val_truth[:, k].mean() <= 0.5)
        predicted = test_score[:, k] >= _best_threshold(val_truth[:, k], val_score[:, k], minority)
        metrics[f"f1_minority_{k}"] = float(
            f1_score(test_truth[:, k], predicted, pos_label=minority, zero_division=0.0)
        )
        metrics[f"pr_auc_{k}"] = pr_auc(test_truth[:, k], test_score[:, k])
        aucs.append(metrics[f"pr_auc_{k}"])
    metrics["test_pr_auc"] = float(np.nanmean(aucs))
    return TrainedModel(model.cpu(), metrics)


def _best_threshold(truth: F64, score: F64, pos_label: float) -> float:
    """The score threshold with the best F1 of class ``pos_label`` (0.5 when there is nothing to fit)."""
    if len(np.unique(truth)) < 2:
        return 0.5
    candidates = np.unique(np.quantile(score, np.linspace(0.0, 1.0, 201)))
    f1 = [f1_score(truth, score >= c, pos_label=pos_label, zero_division=0.0) for c in candidates]
    return float(candidates[int(np.argmax(f1))])


def multigin_probabilities(
    model: MultiGIN, graph: TransferGraph, options: MultiGinOptions, hops: int, device: torch.device
) -> F64:
    """Every node's probabilities (n x k) from a trained Multi-GIN."""
    model = model.to(device).eval()
    graph = graph.to(device)
    nodes = np.arange(graph.num_nodes, dtype=np.int64)
    step = max(options.batch_size * 4, 1) if options.ego else graph.num_nodes
    with torch.no_grad():
        parts = [
            torch.sigmoid(_multigin_logits(model, graph, nodes[i : i + step], options, hops)).cpu()
            for i in range(0, len(nodes), step)
        ]
    return torch.cat(parts).numpy().astype(np.float64)
