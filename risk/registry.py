"""The registry of risk models: fit them all, score them all, fuse, and write everything to the graph.

:class:`RiskRegistry` fits each model on the tables, then the fused scorer of each node kind on the
models' features (see :mod:`risk.fusion`), and keeps the fitted state in one file so that ``bigfinder
risk score`` can run later, in another process. Writing stamps every model's features with an
``AnalysisRun`` (model name and version, parameters, time) and stores them through the shared feature
writer of :mod:`graph.features`, as external models do through the API; the fused score lands on the
nodes as ``risk_score``, ``risk_explanation`` (JSON) and ``risk_model_version``.

Example (needs a running Neo4j)::

    registry = RiskRegistry(default_models())
    report = registry.fit(read_tables(driver, settings))
    registry.save(settings.risk_model_file)
    written = write_scores(driver, settings, registry, registry.score(read_tables(driver, settings)))
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from neo4j import Driver

import cypher
from bigfinder.settings import Settings
from graph.features import FeatureWriter, feature_properties
from graph.results import ResultWriter
from graph.schema import SCHEMA
from graph.store import translate_driver_errors
from risk.contract import F64, NodeFeatures, RiskModel, RiskTables
from risk.fusion import FusedScorer, ModelBlocks, assemble, entity_labels, explanation_json
from risk.models.clearance import ClearanceModel
from risk.models.hs_code import HsCodeModel
from risk.models.price import PriceModel
from risk.models.tax import TaxRiskModel
from risk.models.trade_finance import TradeFinanceModel
from risk.models.xray import XRayModel

__all__ = [
    "FUSED_LABELS",
    "FitReport",
    "FusedScores",
    "RiskRegistry",
    "RiskScores",
    "WriteReport",
    "default_models",
    "write_scores",
]

#: Node kinds that get a fused risk score.
FUSED_LABELS = ("Declaration", "Company", "Person")
FUSED_VERSION = "1.0"
#: Fewest illicit examples a node kind needs for its fused scorer.
_MIN_POSITIVES = 5
#: ``(step, done, total)`` after each unit of work, like the ingest's and the analysis's hooks.
ProgressHook = Callable[[str, int, int | None], None]


def default_models(seed: int = 0) -> list[RiskModel]:
    """bigfinder's own models, in the order they run."""
    return [
        PriceModel(),
        HsCodeModel(seed=seed),
        ClearanceModel(seed=seed),
        XRayModel(),
        TradeFinanceModel(seed=seed),
        TaxRiskModel(seed=seed),
    ]


@dataclass
class FitReport:
    """Per model its evaluation figures (or why it was skipped); per node kind the fused scorer's."""

    models: dict[str, dict[str, float]] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    fused: dict[str, dict[str, float]] = field(default_factory=dict)


@dataclass(frozen=True)
class FusedScores:
    """The fused score of one node kind: probability, feature contributions and their names."""

    label: str
    keys: list[str]
    probability: F64
    contributions: F64
    names: tuple[str, ...]


@dataclass(frozen=True)
class RiskScores:
    """What :meth:`RiskRegistry.score` produced: each model's blocks and each node kind's fused score."""

    blocks: dict[str, list[NodeFeatures]]
    fused: list[FusedScores]


@dataclass(frozen=True)
class WriteReport:
    """Nodes written per model and per fused node kind, and the runs that stamped them."""

    features: dict[str, int]
    risk_scores: dict[str, int]
    runs: dict[str, str]


def _no_progress(_step: str, _done: int, _total: int | None) -> None:
    return None


class RiskRegistry:
    """Fits, scores and keeps a set of risk models and their fused scorers."""

    def __init__(self, models: Sequence[RiskModel], seed: int = 0) -> None:
        names = [m.name for m in models]
        if len(set(names)) != len(names):
            raise ValueError(f"two models share a name: {names}")
        self.models = list(models)
        self.seed = seed
        self.fitted: dict[str, RiskModel] = {}
        self.fused: dict[str, FusedScorer] = {}

    @property
    def versions(self) -> dict[str, str]:
        """Name -> version of every fitted model, and of the fusion itself."""
        return {**{m.name: m.version for m in self.fitted.values()}, "fused": FUSED_VERSION}

    @property
    def version(self) -> str:
        """One string naming every model version used: ``fused 1.0; price 1.0; ...``."""
        return "; ".join(f"{name} {version}" for name, version in sorted(self.versions.items()))

    def fit(self, tables: RiskTables, progress: ProgressHook = _no_progress) -> FitReport:
        """Fit every model (one that lacks the data it needs is skipped, with the reason), then fuse."""
        report = FitReport()
        self.fitted = {}
        for at, model in enumerate(self.models):
            progress("fit models", at, len(self.models))
            try:
                report.models[model.name] = model.fit(tables)
                self.fitted[model.name] = model
            except ValueError as exc:
                report.skipped[model.name] = str(exc)
        progress("fit models", len(self.models), len(self.models))
        blocks = self._score_models(tables, progress)
        self.fused = {}
        for label in FUSED_LABELS:
            keys, names, x = assemble(label, tables, blocks)
            labelled, illicit = entity_labels(label, tables, keys)
            positives = int(illicit[labelled].sum())
            if positives < _MIN_POSITIVES or positives == int(labelled.sum()):
                report.skipped[f"fused {label}"] = f"{positives} illicit of {int(labelled.sum())} labelled"
                continue
            scorer = FusedScorer.fit(x[labelled], illicit[labelled], names, seed=self.seed)
            self.fused[label] = scorer
            report.fused[label] = {
                "labelled": float(labelled.sum()),
                "illicit": float(positives),
                "features": float(len(names)),
                "out_of_fold_auc": scorer.out_of_fold_auc,
            }
        return report

    def _score_models(self, tables: RiskTables, progress: ProgressHook) -> dict[str, list[NodeFeatures]]:
        blocks: dict[str, list[NodeFeatures]] = {}
        for at, (name, model) in enumerate(self.fitted.items()):
            progress("score models", at, len(self.fitted))
            blocks[name] = model.score(tables)
        progress("score models", len(self.fitted), len(self.fitted))
        return blocks

    def score(self, tables: RiskTables, progress: ProgressHook = _no_progress) -> RiskScores:
        """Every fitted model's features and every fused score, for the nodes of ``tables``."""
        if not self.fitted:
            raise RuntimeError("no fitted model: run fit first (bigfinder risk fit)")
        blocks = self._score_models(tables, progress)
        return RiskScores(blocks, [self.fuse(label, tables, blocks) for label in self.fused])

    def fuse(self, label: str, tables: RiskTables, blocks: ModelBlocks) -> FusedScores:
        """The fused score of one node kind from the models' blocks."""
        scorer = self.fused[label]
        keys, names, x = assemble(label, tables, blocks)
        known = {n: at for at, n in enumerate(names)}
        # A feature the fitted scorer knows but this scoring lacks stays NaN, i.e. neutral.
        aligned = (
            np.column_stack(
                [x[:, known[n]] if n in known else np.full(len(keys), np.nan) for n in scorer.names]
            )
            if scorer.names
            else np.zeros((len(keys), 0))
        )
        probability, contributions = scorer.predict(aligned)
        return FusedScores(label, keys, probability, contributions, scorer.names)

    def save(self, path: Path) -> None:
        """Keep the fitted registry (models and fused scorers) in ``path``."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as out:
            pickle.dump(self, out)

    @staticmethod
    def load(path: Path) -> RiskRegistry:
        """A registry saved by :meth:`save` (bigfinder's own file; never load one from elsewhere)."""
        if not path.exists():
            raise FileNotFoundError(f"no fitted risk models at {path}: run `bigfinder risk fit` first")
        with path.open("rb") as source:
            registry = pickle.load(source)  # noqa: S301 - our own file, written by save()
        if not isinstance(registry, RiskRegistry):
            raise ValueError(f"{path} does not hold fitted risk models")
        return registry


def write_scores(
    driver: Driver,
    settings: Settings,
    registry: RiskRegistry,
    scores: RiskScores,
    progress: ProgressHook = _no_progress,
) -> WriteReport:
    """Write every model's features and the fused scores, each model stamped with its own run."""
    results = ResultWriter(driver, settings)
    features = FeatureWriter(driver, settings)
    written_at = datetime.now(UTC).isoformat()
    counts: dict[str, int] = {}
    runs: dict[str, str] = {}
    for at, (name, blocks) in enumerate(scores.blocks.items()):
        progress("write features", at, len(scores.blocks))
        model = registry.fitted[name]
        run = results.start_run(f"risk:{name}", model.version, {"labels": list(model.labels)})
        by_label: dict[str, list[dict[str, Any]]] = {}
        for block in blocks:
            by_label.setdefault(block.label, []).extend(
                {
                    "key": key,
                    "properties": feature_properties(
                        name, model.version, values, written_at, explanation=reason, run_id=run.run_id
                    ),
                }
                for key, values, reason in block.rows()
            )
        counts[name] = len(features.write(by_label))
        results.finish_run(run, {"nodes": counts[name]})
        runs[name] = run.run_id
    progress("write features", len(scores.blocks), len(scores.blocks))
    risk_counts = _write_fused(driver, settings, results, registry, scores.fused, runs, progress)
    return WriteReport(counts, risk_counts, runs)


def _write_fused(
    driver: Driver,
    settings: Settings,
    results: ResultWriter,
    registry: RiskRegistry,
    fused: Sequence[FusedScores],
    runs: dict[str, str],
    progress: ProgressHook,
) -> dict[str, int]:
    counts: dict[str, int] = {}
    versions = registry.versions
    run = results.start_run("risk:fused", FUSED_VERSION, {"models": versions})
    for block in fused:
        node = SCHEMA.node(block.label)
        statement = (
            cypher.load("risk", "set_risk_scores")
            .replace("__LABEL__", node.label)
            .replace("__KEY__", node.key)
        )
        rows = [
            {
                "key": key,
                "score": float(p),
                "explanation": explanation_json(float(p), block.names, c.tolist(), versions),
            }
            for key, p, c in zip(block.keys, block.probability.tolist(), block.contributions, strict=True)
        ]
        counts[block.label] = 0
        for begin in range(0, len(rows), 5_000):
            progress(f"write risk scores ({block.label})", begin, len(rows))
            with translate_driver_errors(settings):
                records = driver.execute_query(
                    statement,
                    parameters_={
                        "rows": rows[begin : begin + 5_000],
                        "model_version": registry.version,
                        "run_id": run.run_id,
                    },
                    database_=settings.neo4j_database,
                ).records
            counts[block.label] += sum(int(r["written"]) for r in records)
        progress(f"write risk scores ({block.label})", len(rows), len(rows))
    results.finish_run(run, {label: count for label, count in counts.items()})
    runs["fused"] = run.run_id
    return counts
