"""``bigfinder gnn train|score|explain`` against Neo4j: read, learn, keep, score, explain, write back.

The task is the offender classifier: a heterogeneous GraphSAGE over the whole entity graph learns which
persons and companies are known offenders: on a watchlist, and (``GnnConfig.confirmed_cases``, the
default) confirmed by an inspection (:func:`confirmed_offenders`: importers of a declaration found
illicit, travellers whose baggage showed contraband on an X-ray). The listings themselves
(``WatchlistEntry``, ``LISTED_ON``) are taken out of the graph the model sees, and so are the stored
features computed from them (the accomplice scores, seeded by the watchlist, where a listed node scores
itself). With the label trick on (``GnnConfig.watchlist_proximity``, the default) every node reads
instead how close it lies to the *other* known offenders (:func:`gnn.hetero.watchlist_proximity`): the
accomplice score with its own label taken out. Nodes split by first activity (earliest train, latest
test). Ring members no one has caught yet look like the confirmed ones far more than like the listed
tax delinquents, which is why the confirmed cases are learned from too (``docs/gnn.md``).

Scores land on every person and company as ``gnn_score`` with ``gnn_model_version`` (name and version)
and ``gnn_score_run`` (an ``AnalysisRun``); an explanation as ``gnn_explanation`` (JSON).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from neo4j import Driver, RoutingControl

import cypher
from analytics.detectors.courier import QUERY_FILE as COURIER_QUERIES
from analytics.detectors.courier import CourierParameters
from bigfinder.settings import Settings
from gnn.config import GnnConfig, choose_device
from gnn.explain import NodeExplanation, explain_node
from gnn.hetero import (
    STORED_FEATURES,
    HeteroGraph,
    MotifWindows,
    Standardiser,
    build_hetero_data,
    first_activity,
    node_features,
    time_split,
    watchlist_proximity,
)
from gnn.models import hetero_sage, initialise
from gnn.registry import SavedModel, load_model, save_model, snapshot_hash
from gnn.train import NodeTargets, node_probabilities, train_node_classifier
from graph.projection import Projection
from graph.projector import ProjectionSpec, read_projection
from graph.results import ResultWriter
from graph.schema import SCHEMA
from graph.store import translate_driver_errors
from graph.tables import read_columns

__all__ = [
    "MODEL_NAME",
    "PROXIMITY_FEATURE",
    "TARGET_LABELS",
    "ScoreReport",
    "confirmed_offenders",
    "explain",
    "known_offenders",
    "offender_labels",
    "read_stored_features",
    "score",
    "train",
]

MODEL_NAME = "offender"
TARGET_LABELS = ("Person", "Company")
#: Features computed from the watchlist, the very labels being learned: never inputs.
WATCHLIST_DERIVED = ("accomplice_score", "money_accomplice_score")
#: The label trick's feature: closeness to the other known offenders (never to the node itself).
PROXIMITY_FEATURE = "watchlist_proximity"
#: GNNExplainer's optimisation steps per explained node (a few seconds each on a shared CPU).
EXPLAIN_EPOCHS = 50
#: Labels whose nodes carry analytics or risk scores worth reading as features.
_SCORED_LABELS = ("Person", "Company", "Account", "Declaration")
ProgressHook = Callable[[str, int, int | None], None]


@dataclass(frozen=True)
class ScoreReport:
    """What :func:`score` wrote: nodes per label, the model version, the run, the explained nodes."""

    written: dict[str, int]
    model_version: str
    run_id: str
    explained: int


def _no_progress(_step: str, _done: int, _total: int | None) -> None:
    return None


def read_stored_features(driver: Driver, settings: Settings, projection: Projection) -> dict[str, np.ndarray]:
    """Stored numeric node properties (analytics and risk scores), one array per name, NaN where none."""
    columns: dict[str, np.ndarray] = {}
    for label in _SCORED_LABELS:
        if label not in projection.labels:
            continue
        node = SCHEMA.node(label)
        statement = (
            cypher.load("gnn", "stored_features")
            .replace("__LABEL__", node.label)
            .replace("__KEY__", node.key)
        )
        with translate_driver_errors(settings):
            record = driver.execute_query(
                statement,
                parameters_={"names": list(STORED_FEATURES)},
                database_=settings.neo4j_database,
                routing_=RoutingControl.READ,
            ).records[0]
        for key, pairs in zip(record["keys"], record["values"], strict=True):
            at = projection.index(label, str(key))
            for name, value in pairs:
                if isinstance(value, int | float) and not isinstance(value, bool):
                    columns.setdefault(name, np.full(projection.num_nodes, np.nan))[at] = float(value)
    return columns


def offender_labels(projection: Projection) -> tuple[Projection, np.ndarray]:
    """The graph without the watchlist, and whether each node is listed on it (the labels)."""
    listed = np.zeros(projection.num_nodes, dtype=bool)
    listings = projection.relationships_of_type("LISTED_ON")
    listed[projection.src[listings]] = True
    kept = [t for t in projection.rel_types if t != "LISTED_ON"]
    return projection.select(rel_types=kept), listed


def confirmed_offenders(driver: Driver, settings: Settings, projection: Projection) -> np.ndarray:
    """Per projection node, whether an inspection confirmed it as an offender: the importers of a
    declaration found illicit (``illicit_importers`` in ``cypher/gnn.cypher``) and the travellers whose
    baggage showed contraband, as the courier detector reads its X-ray hits (its ``baggage_hits``, classes
    and confidence)."""
    hits = CourierParameters()
    persons = [str(key) for key in projection.node_key[projection.nodes_labelled("Person")]]
    found = {
        "Company": read_columns(driver, settings, "gnn", "illicit_importers")["key"],
        "Person": read_columns(
            driver,
            settings,
            COURIER_QUERIES,
            "baggage_hits",
            persons=persons,
            classes=list(hits.smuggling_classes),
            min_confidence=hits.min_hit_confidence,
        )["person"],
    }
    confirmed = np.zeros(projection.num_nodes, dtype=bool)
    for label, keys in found.items():
        if label in projection.labels:
            confirmed[[projection.index(label, str(key)) for key in set(keys)]] = True
    return confirmed


def known_offenders(
    driver: Driver, settings: Settings, projection: Projection, *, confirmed: bool = True
) -> tuple[Projection, np.ndarray]:
    """The graph without the watchlist (:func:`offender_labels`), and per node whether it is a known
    offender: listed, or (``confirmed``) confirmed by an inspection (:func:`confirmed_offenders`)."""
    graph_projection, known = offender_labels(projection)
    if confirmed:
        known |= confirmed_offenders(driver, settings, projection)
    return graph_projection, known


def _prepare(
    driver: Driver, settings: Settings, standardiser: Standardiser | None, config: GnnConfig
) -> tuple[Projection, HeteroGraph, np.ndarray, Standardiser, str]:
    """The graph the model sees, built the same way for training and scoring (``config``'s flags), and
    the known offenders (the labels)."""
    projection = read_projection(driver, settings, ProjectionSpec(weight_property="amount"))
    graph_projection, known = known_offenders(driver, settings, projection, confirmed=config.confirmed_cases)
    stored = read_stored_features(driver, settings, projection)
    if config.watchlist_proximity:
        # log(1 + n * p): n * p is 1 for a node the walks visit as often as an average one.
        near = watchlist_proximity(graph_projection, np.flatnonzero(known))
        stored[PROXIMITY_FEATURE] = np.log1p(graph_projection.num_nodes * near)
    motifs = MotifWindows() if config.motifs else None
    features = node_features(graph_projection, stored, drop=WATCHLIST_DERIVED, motifs=motifs)
    standardiser = standardiser or Standardiser.fit(features)
    graph = build_hetero_data(graph_projection, features, standardiser)
    return graph_projection, graph, known, standardiser, snapshot_hash(projection)


def train(
    driver: Driver, settings: Settings, config: GnnConfig, progress: ProgressHook = _no_progress
) -> SavedModel:
    """Train the offender classifier on the graph and keep it as the next version in the registry."""
    progress("read the graph", 0, 1)
    projection, graph, known, standardiser, snapshot = _prepare(driver, settings, None, config)
    progress("read the graph", 1, 1)
    activity = first_activity(projection)
    targets: dict[str, NodeTargets] = {}
    for label in TARGET_LABELS:
        if label not in graph.node_index:
            continue
        nodes = graph.node_index[label]
        masks = time_split(activity[nodes], config.train_share, config.val_share, config.seed)
        targets[label] = NodeTargets(
            torch.tensor(known[nodes], dtype=torch.float32), *(torch.from_numpy(m) for m in masks)
        )
    positives = sum(int(t.y.sum()) for t in targets.values())
    if positives < 3:
        raise ValueError(
            f"only {positives} known offenders (persons or companies) in the graph: nothing to learn from"
        )
    progress("train", 0, 1)
    trained = train_node_classifier(graph, targets, config)
    progress("train", 1, 1)
    card: dict[str, Any] = {
        "task": "offender node classification (watchlisted or confirmed persons and companies)"
        if config.confirmed_cases
        else "offender node classification (watchlisted persons and companies)",
        "config": config.as_dict(),
        "snapshot_hash": snapshot,
        "metrics": trained.metrics,
        "standardiser": standardiser.to_json(),
        "node_types": list(graph.data.node_types),
        "edge_types": [list(e) for e in graph.data.edge_types],
        "target_labels": list(targets),
        "device": str(choose_device(config)),
    }
    return save_model(settings.gnn_model_dir, MODEL_NAME, trained.model, card)


def _restore(saved: SavedModel, graph: HeteroGraph) -> torch.nn.Module:
    """The saved model, fitted to the node and edge types it was trained on (new types are ignored)."""
    config = GnnConfig.from_dict(saved.card["config"])
    data = graph.data
    edge_types = [tuple(e) for e in saved.card["edge_types"]]
    for node_type in saved.card["node_types"]:
        if node_type not in data.node_types:
            data[node_type].x = torch.zeros(0, len(graph.feature_names))
    for edge_type in list(data.edge_types):
        if edge_type not in edge_types:
            del data[edge_type]
    for edge_type in edge_types:
        if edge_type not in data.edge_types:
            data[edge_type].edge_index = torch.zeros(2, 0, dtype=torch.long)
    model = hetero_sage(
        (list(saved.card["node_types"]), edge_types),
        hidden=config.hidden,
        layers=config.layers,
        dropout=config.dropout,
        out_channels=1,
    )
    initialise(model, data)
    model.load_state_dict(saved.state)
    return model.eval()


def score(
    driver: Driver,
    settings: Settings,
    version: str | None = None,
    *,
    explain_top: int = 0,
    progress: ProgressHook = _no_progress,
) -> ScoreReport:
    """Score every person and company with the model (latest version by default) and write the scores.

    The ``explain_top`` highest-scored nodes also get their explanation written.
    """
    saved = load_model(settings.gnn_model_dir, MODEL_NAME, version)
    progress("read the graph", 0, 1)
    projection, graph, _, _, _ = _prepare(
        driver,
        settings,
        Standardiser.from_json(saved.card["standardiser"]),
        GnnConfig.from_dict(saved.card["config"]),
    )
    progress("read the graph", 1, 1)
    model = _restore(saved, graph)
    device = choose_device(GnnConfig(device=settings.gnn_device))
    probabilities = node_probabilities(model, graph.data, device)
    # Explanations run on the CPU: a node's receptive field is small, and its index arrays live there.
    model, graph.data = model.cpu(), graph.data.cpu()
    model_version = f"{saved.name} {saved.version}"
    writer = ResultWriter(driver, settings)
    run = writer.start_run(
        "gnn:offender", saved.version, {"model": saved.name, "snapshot": saved.card["snapshot_hash"]}
    )
    written: dict[str, int] = {}
    for label in saved.card["target_labels"]:
        if label not in graph.node_index:
            continue
        node = SCHEMA.node(label)
        statement = (
            cypher.load("gnn", "set_gnn_scores").replace("__LABEL__", node.label).replace("__KEY__", node.key)
        )
        keys = projection.node_key[graph.node_index[label]].tolist()
        rows = [
            {"key": str(k), "score": float(p)}
            for k, p in zip(keys, probabilities[label].tolist(), strict=True)
        ]
        written[label] = 0
        for begin in range(0, len(rows), 5_000):
            progress(f"write gnn_score ({label})", begin, len(rows))
            with translate_driver_errors(settings):
                records = driver.execute_query(
                    statement,
                    parameters_={
                        "rows": rows[begin : begin + 5_000],
                        "run_id": run.run_id,
                        "model_version": model_version,
                    },
                    database_=settings.neo4j_database,
                ).records
            written[label] += sum(int(r["written"]) for r in records)
    explained = 0
    layers = int(saved.card["config"]["layers"])
    if explain_top:
        ranked = sorted(
            (
                (float(p), label, int(n))
                for label in written
                for n, p in zip(graph.node_index[label], probabilities[label], strict=True)
            ),
            reverse=True,
        )[:explain_top]
        for at, (_, label, chosen) in enumerate(ranked):
            progress("explain", at, len(ranked))
            _write_explanation(
                driver,
                settings,
                explain_node(
                    model,
                    graph,
                    projection,
                    label,
                    chosen,
                    model_version=model_version,
                    hops=layers,
                    epochs=EXPLAIN_EPOCHS,
                ),
            )
            explained += 1
    writer.finish_run(run, {**{f"scored_{k.lower()}": v for k, v in written.items()}, "explained": explained})
    return ScoreReport(written, model_version, run.run_id, explained)


def _write_explanation(driver: Driver, settings: Settings, explanation: NodeExplanation) -> None:
    node = SCHEMA.node(explanation.label)
    statement = (
        cypher.load("gnn", "set_gnn_explanation")
        .replace("__LABEL__", node.label)
        .replace("__KEY__", node.key)
    )
    with translate_driver_errors(settings):
        driver.execute_query(
            statement,
            parameters_={"key": explanation.key, "explanation": explanation.to_json()},
            database_=settings.neo4j_database,
        )


def explain(
    driver: Driver, settings: Settings, label: str, key: str, version: str | None = None
) -> NodeExplanation:
    """Explain one node's score under the model (latest by default) and store it as ``gnn_explanation``."""
    if label not in TARGET_LABELS:
        raise ValueError(f"the offender model scores {' and '.join(TARGET_LABELS)}, not {label}")
    saved = load_model(settings.gnn_model_dir, MODEL_NAME, version)
    projection, graph, _, _, _ = _prepare(
        driver,
        settings,
        Standardiser.from_json(saved.card["standardiser"]),
        GnnConfig.from_dict(saved.card["config"]),
    )
    model = _restore(saved, graph)
    explanation = explain_node(
        model,
        graph,
        projection,
        label,
        projection.index(label, key),
        model_version=f"{saved.name} {saved.version}",
        hops=int(saved.card["config"]["layers"]),
        epochs=EXPLAIN_EPOCHS,
    )
    _write_explanation(driver, settings, explanation)
    return explanation
