"""Trade-finance monitoring: rules on how goods are paid for, plus an anomaly model over them.

Rules, each a feature of the company: ``paid_to_declared`` (what an importer paid its suppliers against
what it declared; far below 1 hints that the rest went another way, above 1 that it pays for goods
someone else declared), ``supplier_third_party_share`` (the largest share of its suppliers' receipts
that came from parties that never imported from them), ``round_amount_share`` (transfers in round
thousands) and ``payment_cycle_size`` (the companies that money circles through, 0 outside a cycle).
The model, an isolation forest fitted on the companies' rule values, gives ``anomaly`` (0..1): how
unusual the combination is.

Example
-------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> values = np.column_stack([rng.normal(1, 0.05, 200), np.zeros(200), np.zeros(200), np.zeros(200)])
>>> values[0] = [0.3, 0.7, 0.0, 0.0]
>>> model = TradeFinanceModel(seed=0)
>>> anomaly = model.fit_forest(values)
>>> int(np.argmax(anomaly))
0
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.ensemble import IsolationForest

from risk.contract import F64, NodeFeatures, RiskTables
from risk.models.company_record import company_record

__all__ = ["RULES", "TradeFinanceModel"]

#: The rule features, in the order the anomaly model reads them.
RULES = ("paid_to_declared", "supplier_third_party_share", "round_amount_share", "payment_cycle_size")


def _active(record: dict[str, F64]) -> npt.NDArray[np.bool_]:
    return (record["declarations"] > 0) | (record["received"] > 0) | (record["payment_cycle_size"] > 0)


def _matrix(record: dict[str, F64]) -> F64:
    columns = [np.log(np.maximum(record["paid_to_declared"], 0.01)), *(record[r] for r in RULES[1:])]
    return np.column_stack(columns)


class TradeFinanceModel:
    """Payment rules and an isolation forest over them; see the module docstring."""

    name = "trade_finance"
    version = "1.0"
    labels: tuple[str, ...] = ("Company",)

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self._forest: IsolationForest | None = None
        self._low = 0.0
        self._high = 1.0

    def fit_forest(self, values: F64) -> F64:
        """Fit the anomaly model on rule values (one row per company); the fitted rows' anomaly."""
        self._forest = IsolationForest(n_estimators=200, random_state=self.seed).fit(values)
        raw = -self._forest.score_samples(values)
        self._low, self._high = float(np.min(raw)), float(np.max(raw))
        return self._anomaly(values)

    def _anomaly(self, values: F64) -> F64:
        if self._forest is None:
            raise RuntimeError("fit the trade-finance model before scoring")
        raw = -self._forest.score_samples(values)
        return np.asarray(np.clip((raw - self._low) / max(self._high - self._low, 1e-9), 0.0, 1.0))

    def fit(self, tables: RiskTables) -> dict[str, float]:
        record = company_record(tables)
        active = _active(record)
        if active.sum() < 10:
            raise ValueError("trade-finance monitoring needs at least 10 trading companies")
        self.fit_forest(_matrix(record)[active])
        return {
            "companies": float(active.sum()),
            "in_payment_cycles": float((record["payment_cycle_size"] > 0).sum()),
            "third_party_paid_suppliers": float((record["third_party_received_share"] > 0.2).sum()),
        }

    def score(self, tables: RiskTables) -> list[NodeFeatures]:
        record = company_record(tables)
        rows = np.flatnonzero(_active(record))
        anomaly = self._anomaly(_matrix(record)[rows]) if len(rows) else np.zeros(0)
        values: dict[str, Any] = {rule: record[rule][rows] for rule in RULES}
        values["anomaly"] = anomaly
        explanations = [
            {
                "paid_to_declared": (
                    f"paid its suppliers {record['paid_to_suppliers'][at]:,.0f} USD against "
                    f"{record['declared_value'][at]:,.0f} USD declared"
                ),
                "supplier_third_party_share": (
                    f"up to {record['supplier_third_party_share'][at]:.0%} of a supplier's receipts "
                    "came from parties that never imported from it"
                ),
                "round_amount_share": (
                    f"{record['round_amount_share'][at]:.0%} of its transfers are round amounts"
                ),
                "payment_cycle_size": (
                    f"money circles through {record['payment_cycle_size'][at]:.0f} companies including it"
                    if record["payment_cycle_size"][at]
                    else "in no payment cycle"
                ),
                "anomaly": f"payment pattern more unusual than {a:.0%} of the fitted range",
            }
            for at, a in zip(rows.tolist(), anomaly.tolist(), strict=True)
        ]
        return [
            NodeFeatures.build("Company", tables.companies["company_id"][rows].tolist(), values, explanations)
        ]
