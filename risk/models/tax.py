"""Tax risk of companies outside regular audits: who trades and pays like a known tax delinquent?

The import and export record (declarations, declared value, months active, days from registration to
the first import, exports) and payment behaviour (paid against declared, round amounts) of every
trading company feed a logistic regression fitted against the tax-delinquent listings. Its probability,
``tax_risk``, ranks the companies no audit has looked at; listed companies get an out-of-fold
probability, so their own listing does not score them. Cross-validated AUC is reported at fit.

Example
-------
>>> import numpy as np
>>> rng = np.random.default_rng(1)
>>> x = rng.normal(size=(300, 3))
>>> listed = x[:, 0] + rng.normal(scale=0.5, size=300) > 1.2
>>> model = TaxRiskModel(seed=0)
>>> probability, auc = model.fit_matrix(x, listed)
>>> auc > 0.8, probability.shape
(True, (300,))
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from risk.contract import F64, NodeFeatures, RiskTables
from risk.models.common import ranking_auc
from risk.models.company_record import company_record

__all__ = ["RECORD_FEATURES", "TaxRiskModel"]

#: What the model reads of each company's record.
RECORD_FEATURES = (
    "declarations",
    "declared_value",
    "exports",
    "active_months",
    "days_to_first_import",
    "paid_to_declared",
    "round_amount_share",
)


def _matrix(record: dict[str, F64]) -> F64:
    logged = {"declarations", "declared_value", "exports"}
    return np.column_stack(
        [np.log1p(np.maximum(record[f], 0)) if f in logged else record[f] for f in RECORD_FEATURES]
    )


class TaxRiskModel:
    """Logistic regression of tax-delinquent listings on the trade record; see the module docstring."""

    name = "tax_risk"
    version = "1.0"
    labels: tuple[str, ...] = ("Company",)

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self._pipeline: Pipeline | None = None
        self._out_of_fold: dict[str, float] = {}

    def _new(self) -> Pipeline:
        return make_pipeline(
            StandardScaler(), LogisticRegression(C=0.5, class_weight="balanced", max_iter=500)
        )

    def fit_matrix(self, x: F64, listed: npt.NDArray[np.bool_]) -> tuple[F64, float]:
        """Fit on rows ``x`` with labels ``listed``; out-of-fold probabilities and their AUC."""
        folds = max(2, min(5, int(listed.sum()), int((~listed).sum())))
        split = StratifiedKFold(n_splits=folds, shuffle=True, random_state=self.seed)
        oof = cross_val_predict(self._new(), x, listed, cv=split, method="predict_proba")[:, 1]
        self._pipeline = self._new().fit(x, listed)
        return oof, ranking_auc(oof, listed)

    def fit(self, tables: RiskTables) -> dict[str, float]:
        record = company_record(tables)
        rows = np.flatnonzero((record["declarations"] > 0) | (record["paid_to_suppliers"] > 0))
        listed = np.array(
            ["tax_delinquent" in (ls or []) for ls in tables.companies["listings"][rows].tolist()]
        )
        if listed.sum() < 2 or (~listed).sum() < 2:
            raise ValueError("tax risk needs at least two listed and two unlisted trading companies")
        oof, auc = self.fit_matrix(_matrix(record)[rows], listed)
        keys = tables.companies["company_id"][rows].tolist()
        self._out_of_fold = {
            k: float(p) for k, p, yes in zip(keys, oof.tolist(), listed.tolist(), strict=True) if yes
        }
        return {"companies": float(len(rows)), "listed": float(listed.sum()), "cross_validated_auc": auc}

    def score(self, tables: RiskTables) -> list[NodeFeatures]:
        if self._pipeline is None:
            raise RuntimeError("fit the tax-risk model before scoring")
        record = company_record(tables)
        rows = np.flatnonzero((record["declarations"] > 0) | (record["paid_to_suppliers"] > 0))
        keys = tables.companies["company_id"][rows].tolist()
        probability = self._pipeline.predict_proba(_matrix(record)[rows])[:, 1] if len(rows) else np.zeros(0)
        probability = np.array(
            [self._out_of_fold.get(k, p) for k, p in zip(keys, probability.tolist(), strict=True)]
        )
        explanations = [
            {
                "tax_risk": (
                    f"trades like a listed tax delinquent with probability {p:.2f}: "
                    f"{record['declarations'][at]:.0f} declarations in "
                    f"{record['active_months'][at]:.0f} months, "
                    f"first import {record['days_to_first_import'][at]:.0f} days after registration, "
                    f"paid {record['paid_to_declared'][at]:.2f}x what it declared"
                )
            }
            for at, p in zip(rows.tolist(), probability.tolist(), strict=True)
        ]
        return [NodeFeatures.build("Company", keys, {"tax_risk": probability}, explanations)]
