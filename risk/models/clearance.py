"""Clearance screening: clusters of similar declarations, and a supervised model on inspection outcomes.

Declarations are described by their raw shape (declared value, quantity, weight, value per kilogram,
unit price, HS chapter, parcel or cargo). K-means groups them; each cluster's smoothed illicit rate
among inspected declarations, ``cluster_illicit_rate``, and the distance to its centre,
``cluster_distance``, are features. A gradient-boosted classifier then learns the inspection outcome
from the same shape, the cluster rate and the party's record (its smoothed illicit rate in earlier
inspections, leaving the declaration itself out), giving ``inspection_risk``. Declarations it was
trained on get out-of-fold predictions, so a model downstream never sees an answer learned from itself.

Example
-------
>>> import numpy as np
>>> x = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [5.1, 5.0]])
>>> rates = cluster_rates(np.array([0, 0, 1, 1]), np.array([True, True, True, False]),
...                       np.array([False, False, True, True]), clusters=2, prior=0.1, weight=1.0)
>>> rates.round(2).tolist()
[0.03, 0.55]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.cluster import MiniBatchKMeans
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import StandardScaler

from risk.contract import F64, NodeFeatures, RiskTables
from risk.models.common import party_of, ranking_auc, safe_log
from risk.tables import illicit_labels

__all__ = ["ClearanceModel", "cluster_rates", "declaration_shape"]

_SHAPE = (
    "log_value",
    "log_quantity",
    "log_weight",
    "log_value_per_kg",
    "log_unit_price",
    "hs_chapter",
    "parcel",
)


def declaration_shape(decl: dict[str, npt.NDArray[Any]]) -> F64:
    """The raw shape of each declaration, one row each, columns as in ``_SHAPE``."""
    value = decl["declared_value"].astype(np.float64)
    quantity = decl["quantity"].astype(np.float64)
    weight = decl["gross_weight_kg"].astype(np.float64)
    chapter = np.array(
        [int(h[:2]) if h[:2].isdigit() else 0 for h in decl["hs_code"].tolist()], dtype=np.float64
    )
    return np.column_stack(
        [
            safe_log(value),
            safe_log(quantity),
            safe_log(weight),
            safe_log(value / np.maximum(np.nan_to_num(weight, nan=0.0), 1e-3)),
            safe_log(value / np.maximum(np.nan_to_num(quantity, nan=0.0), 1e-3)),
            chapter,
            decl["is_parcel"].astype(np.float64),
        ]
    )


def cluster_rates(
    cluster: npt.NDArray[np.int64],
    labelled: npt.NDArray[np.bool_],
    illicit: npt.NDArray[np.bool_],
    *,
    clusters: int,
    prior: float,
    weight: float,
) -> F64:
    """Per cluster, the illicit rate among its labelled members, shrunk toward ``prior`` by ``weight``."""
    seen = np.bincount(cluster[labelled], minlength=clusters).astype(np.float64)
    bad = np.bincount(cluster[labelled & illicit], minlength=clusters).astype(np.float64)
    return np.asarray((bad + prior * weight) / (seen + weight))


class ClearanceModel:
    """K-means clusters plus a gradient-boosted inspection-outcome model; see the module docstring."""

    name = "clearance"
    version = "1.0"
    labels: tuple[str, ...] = ("Declaration",)

    def __init__(self, clusters: int = 16, seed: int = 0, smoothing: float = 10.0) -> None:
        self.clusters = clusters
        self.seed = seed
        self.smoothing = smoothing
        self._scaler: StandardScaler | None = None
        self._kmeans: MiniBatchKMeans | None = None
        self._rates = np.zeros(0)
        self._prior = 0.0
        self._party_counts: dict[str, tuple[int, int]] = {}
        self._classifier: GradientBoostingClassifier | None = None
        self._out_of_fold: dict[str, float] = {}

    def _clusters(self, shape: F64) -> tuple[npt.NDArray[np.int64], F64]:
        if self._scaler is None or self._kmeans is None:
            raise RuntimeError("fit the clearance model before scoring")
        scaled = self._scaler.transform(shape)
        cluster = self._kmeans.predict(scaled)
        distance = np.linalg.norm(scaled - self._kmeans.cluster_centers_[cluster], axis=1)
        return cluster.astype(np.int64), distance

    def _party_history(self, parties: npt.NDArray[Any], leave_out: npt.NDArray[np.float64] | None) -> F64:
        """Smoothed illicit rate of each party's inspections; ``leave_out`` (1 illicit, 0 clear, NaN
        unlabelled) removes the declaration's own outcome."""
        seen = np.array([self._party_counts.get(p, (0, 0))[0] for p in parties.tolist()], dtype=np.float64)
        bad = np.array([self._party_counts.get(p, (0, 0))[1] for p in parties.tolist()], dtype=np.float64)
        if leave_out is not None:
            own = np.isfinite(leave_out)
            seen = seen - own
            bad = bad - np.where(own, leave_out, 0.0)
        return np.asarray((bad + self._prior * self.smoothing) / (seen + self.smoothing))

    def _inputs(
        self, decl: dict[str, npt.NDArray[Any]], leave_out: F64 | None
    ) -> tuple[F64, npt.NDArray[np.int64], F64, F64]:
        shape = declaration_shape(decl)
        cluster, distance = self._clusters(shape)
        history = self._party_history(party_of(decl), leave_out)
        x = np.column_stack([shape, self._rates[cluster], distance, history])
        return x, cluster, distance, history

    def fit(self, tables: RiskTables) -> dict[str, float]:
        decl = tables.declarations
        labelled, illicit = illicit_labels(decl)
        if labelled.sum() < 20 or illicit[labelled].sum() < 5:
            raise ValueError(
                "clearance screening needs at least 20 inspected declarations, 5 of them illicit"
            )
        shape = declaration_shape(decl)
        self._scaler = StandardScaler().fit(shape)
        self._kmeans = MiniBatchKMeans(self.clusters, random_state=self.seed, n_init=3).fit(
            self._scaler.transform(shape)
        )
        cluster, _ = self._clusters(shape)
        self._prior = float(illicit[labelled].mean())
        self._rates = cluster_rates(
            cluster, labelled, illicit, clusters=self.clusters, prior=self._prior, weight=self.smoothing
        )
        parties = party_of(decl)[labelled].tolist()
        counts: dict[str, list[int]] = {}
        for party, bad in zip(parties, illicit[labelled].tolist(), strict=True):
            entry = counts.setdefault(party, [0, 0])
            entry[0] += 1
            entry[1] += int(bad)
        self._party_counts = {p: (c[0], c[1]) for p, c in counts.items() if p}
        outcome = np.where(labelled, illicit.astype(np.float64), np.nan)
        x, _, _, _ = self._inputs(decl, outcome)
        rows = np.flatnonzero(labelled)
        y = illicit[rows]
        oof = np.zeros(len(rows))
        folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=self.seed)
        for train, test in folds.split(rows, y):
            oof[test] = self._new().fit(x[rows[train]], y[train]).predict_proba(x[rows[test]])[:, 1]
        self._classifier = self._new().fit(x[rows], y)
        self._out_of_fold = dict(zip(decl["declaration_id"][rows].tolist(), oof.tolist(), strict=True))
        return {
            "inspected": float(len(rows)),
            "illicit": float(y.sum()),
            "out_of_fold_auc": ranking_auc(oof, y),
        }

    def _new(self) -> GradientBoostingClassifier:
        # Single-threaded on purpose: a few thousand inspections fit in a second, and OpenMP threads
        # fighting Neo4j for two cores made the histogram variant a hundred times slower.
        return GradientBoostingClassifier(
            n_estimators=150, learning_rate=0.05, max_depth=3, subsample=0.9, random_state=self.seed
        )

    def score(self, tables: RiskTables) -> list[NodeFeatures]:
        if self._classifier is None:
            raise RuntimeError("fit the clearance model before scoring")
        decl = tables.declarations
        ids = decl["declaration_id"].tolist()
        x, cluster, distance, history = self._inputs(decl, None)
        risk = self._classifier.predict_proba(x)[:, 1] if len(ids) else np.zeros(0)
        risk = np.array([self._out_of_fold.get(k, r) for k, r in zip(ids, risk.tolist(), strict=True)])
        rates = self._rates[cluster]
        explanations = [
            {
                "cluster_illicit_rate": (
                    f"cluster {c} of similar declarations: {r:.1%} of its inspections found fraud"
                ),
                "cluster_distance": f"{d:.1f} standard units from the cluster's centre",
                "inspection_risk": (
                    f"inspection outcome model: {p:.2f}; "
                    f"the party's inspections found fraud at a smoothed {h:.1%}"
                ),
            }
            for c, r, d, p, h in zip(
                cluster.tolist(),
                rates.tolist(),
                distance.tolist(),
                risk.tolist(),
                history.tolist(),
                strict=True,
            )
        ]
        return [
            NodeFeatures.build(
                "Declaration",
                ids,
                {"cluster_illicit_rate": rates, "cluster_distance": distance, "inspection_risk": risk},
                explanations,
            )
        ]
