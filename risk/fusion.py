"""One calibrated, explained risk score per entity, fused from the models' features and the graph's.

For each node kind (declarations, companies, persons) the features of every model that scores it, the
features of the parties behind it (a declaration's importer or buyer; a company's or person's
declarations, averaged and maxed) and the graph analytics (PageRank, component size, accomplice
scores, ring memberships) form one row. A logistic regression on standardised features learns the
inspection outcomes: a declaration's own, and for a party whether any of its inspected declarations was
illicit. Its logit is calibrated by Platt scaling fitted on out-of-fold logits, so the score is a
probability. Being linear, it explains itself exactly: each feature contributes coefficient x
standardised value to the logit, and a model's contribution is the sum over its features.

Example
-------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> x = rng.normal(size=(400, 2))
>>> y = x[:, 0] + rng.normal(scale=0.7, size=400) > 1.0
>>> fused = FusedScorer.fit(x, y, ("price.log_market_ratio", "graph.pagerank"), seed=0)
>>> p, contributions = fused.predict(x[:3])
>>> bool(((p > 0) & (p < 1)).all()), contributions.shape
(True, (3, 2))
>>> bool(abs(fused.coefficients[0]) > abs(fused.coefficients[1]))
True
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from risk.contract import F64, NodeFeatures, RiskTables
from risk.models.common import party_of, ranking_auc
from risk.tables import illicit_labels

__all__ = ["GRAPH_FEATURES", "FusedScorer", "ModelBlocks", "assemble", "entity_labels", "explanation_json"]

#: Graph analytics read for every party, as written by ``bigfinder analyze``.
GRAPH_FEATURES = (
    "pagerank",
    "wcc_size",
    "accomplice_score",
    "degree",
    "ring_memberships",
    "money_accomplice_score",
)
_LOGGED = {"wcc_size", "degree", "pagerank", "accomplice_score"}


@dataclass
class FusedScorer:
    """Standardised logistic regression with Platt calibration; see the module docstring."""

    names: tuple[str, ...]
    fill: F64
    mean: F64
    scale: F64
    coefficients: F64
    intercept: float
    platt_slope: float
    platt_intercept: float
    out_of_fold_auc: float

    @staticmethod
    def fit(
        x: F64, y: npt.NDArray[np.bool_], names: Sequence[str], *, seed: int = 0, c: float = 0.5
    ) -> FusedScorer:
        """Fit on rows ``x`` (NaN = not scored by that model) and outcomes ``y``."""
        # A model that scored no training row leaves its column at 0, i.e. no contribution.
        finite = np.isfinite(x)
        seen = finite.sum(axis=0)
        fill = np.where(seen > 0, np.where(finite, x, 0.0).sum(axis=0) / np.maximum(seen, 1), 0.0)
        filled = np.where(np.isfinite(x), x, fill)
        mean, scale = filled.mean(axis=0), filled.std(axis=0)
        scale = np.where(scale > 1e-12, scale, 1.0)
        z = (filled - mean) / scale
        folds = StratifiedKFold(n_splits=max(2, min(5, int(y.sum()))), shuffle=True, random_state=seed)
        oof = np.zeros(len(y))
        for train, test in folds.split(z, y):
            oof[test] = (
                LogisticRegression(C=c, max_iter=2000).fit(z[train], y[train]).decision_function(z[test])
            )
        platt = LogisticRegression(C=1e6, max_iter=1000).fit(oof.reshape(-1, 1), y)
        final = LogisticRegression(C=c, max_iter=2000).fit(z, y)
        return FusedScorer(
            tuple(names),
            fill,
            mean,
            scale,
            final.coef_[0].astype(np.float64),
            float(final.intercept_[0]),
            float(platt.coef_[0, 0]),
            float(platt.intercept_[0]),
            ranking_auc(oof, y),
        )

    def predict(self, x: F64) -> tuple[F64, F64]:
        """Calibrated probabilities and each feature's contribution to the (uncalibrated) logit."""
        filled = np.where(np.isfinite(x), x, self.fill)
        contributions = (filled - self.mean) / self.scale * self.coefficients
        logit = contributions.sum(axis=1) + self.intercept
        probability = 1.0 / (1.0 + np.exp(-(self.platt_slope * logit + self.platt_intercept)))
        return probability, contributions


def explanation_json(
    probability: float,
    names: Sequence[str],
    contributions: Sequence[float],
    versions: Mapping[str, str],
    top: int = 6,
) -> str:
    """The stored explanation: probability, each model's contribution, the largest feature contributions."""
    by_model: dict[str, float] = defaultdict(float)
    for name, value in zip(names, contributions, strict=True):
        by_model[name.split(".")[0]] += value
    order = sorted(range(len(names)), key=lambda i: -abs(contributions[i]))[:top]
    return json.dumps(
        {
            "probability": round(probability, 6),
            "models": {m: round(v, 4) for m, v in sorted(by_model.items(), key=lambda kv: -abs(kv[1]))},
            "features": {names[i]: round(float(contributions[i]), 4) for i in order},
            "model_versions": dict(versions),
        },
        ensure_ascii=False,
    )


def _graph_columns(
    table: Mapping[str, npt.NDArray[Any]], key: str, keys: Sequence[str], prefix: str
) -> dict[str, F64]:
    where = {k: at for at, k in enumerate(table[key].tolist())}
    rows = np.array([where.get(k, -1) for k in keys], dtype=np.int64)
    out: dict[str, F64] = {}
    for feature in GRAPH_FEATURES:
        if feature not in table:
            continue
        values = np.append(table[feature].astype(np.float64), np.nan)[rows]
        out[f"{prefix}.{feature}"] = (
            np.log1p(np.maximum(values * (1e4 if feature in ("pagerank", "accomplice_score") else 1), 0))
            if feature in _LOGGED
            else values
        )
    return out


#: Each model's name with the blocks it scored.
ModelBlocks = Mapping[str, Sequence[NodeFeatures]]


def _block_columns(blocks: ModelBlocks, label: str, keys: Sequence[str], prefix: str = "") -> dict[str, F64]:
    out: dict[str, F64] = {}
    for model, model_blocks in blocks.items():
        for block in model_blocks:
            if block.label == label:
                for name in block.values:
                    out[f"{prefix}{model}.{name}"] = block.column(name, keys, np.nan)
    return out


def _aggregated(columns: Mapping[str, F64], owner: npt.NDArray[Any], keys: Sequence[str]) -> dict[str, F64]:
    """Mean and max of declaration features per owning party (NaN for a party without any)."""
    where = {k: at for at, k in enumerate(keys)}
    index = np.array([where.get(o, -1) for o in owner.tolist()], dtype=np.int64)
    mine = index >= 0
    out: dict[str, F64] = {}
    counts = np.bincount(index[mine], minlength=len(keys)).astype(np.float64)
    for name, values in columns.items():
        ok = mine & np.isfinite(values)
        sums = np.bincount(index[ok], weights=values[ok], minlength=len(keys))
        seen = np.bincount(index[ok], minlength=len(keys))
        maxima = np.full(len(keys), -np.inf)
        np.maximum.at(maxima, index[ok], values[ok])
        out[f"{name}.mean"] = np.where(seen > 0, sums / np.maximum(seen, 1), np.nan)
        out[f"{name}.max"] = np.where(seen > 0, maxima, np.nan)
    out["volume.count"] = np.log1p(counts)
    return out


def assemble(label: str, tables: RiskTables, blocks: ModelBlocks) -> tuple[list[str], list[str], F64]:
    """Keys, feature names and the feature matrix (NaN where a model did not score) of one node kind."""
    decl = tables.declarations
    decl_keys = decl["declaration_id"].tolist()
    declaration_features = _block_columns(blocks, "Declaration", decl_keys)
    if label == "Declaration":
        party = party_of(decl).tolist()
        columns = dict(declaration_features)
        columns |= _block_columns(blocks, "Company", party, prefix="importer_")
        columns |= _block_columns(blocks, "Person", party, prefix="buyer_")
        columns |= {
            k.replace("graph.", "graph.importer_"): v
            for k, v in _graph_columns(tables.companies, "company_id", party, "graph").items()
        }
        columns |= {
            k.replace("graph.", "graph.buyer_"): v
            for k, v in _graph_columns(tables.persons, "person_id", party, "graph").items()
        }
        keys = decl_keys
    else:
        table = tables.companies if label == "Company" else tables.persons
        key = "company_id" if label == "Company" else "person_id"
        keys = table[key].tolist()
        columns = _block_columns(blocks, label, keys)
        owner = decl["importer_id"] if label == "Company" else decl["buyer_id"]
        columns |= {f"declarations_{k}": v for k, v in _aggregated(declaration_features, owner, keys).items()}
        columns |= _graph_columns(table, key, keys, "graph")
    names = sorted(columns)
    matrix = np.column_stack([columns[n] for n in names]) if names else np.zeros((len(keys), 0))
    return keys, names, matrix


def entity_labels(
    label: str, tables: RiskTables, keys: Sequence[str]
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Which nodes carry an inspection label and which of those were illicit."""
    decl = tables.declarations
    labelled, illicit = illicit_labels(decl)
    if label == "Declaration":
        return labelled, illicit
    owner = decl["importer_id"] if label == "Company" else decl["buyer_id"]
    seen = set(owner[labelled].tolist())
    bad = set(owner[labelled & illicit].tolist())
    return np.array([k in seen for k in keys], dtype=bool), np.array([k in bad for k in keys], dtype=bool)
