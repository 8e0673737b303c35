"""Import price undervaluation: declared unit price against a robust market price.

The market price of a good is the median declared unit price of its HS code from its origin in its
quarter (cargo and parcels apart), falling back to HS code x origin and then HS code alone where a cell
holds fewer than ``min_count`` declarations. Medians and their spread (MAD) resist the undervaluing
minority. For parcels, the blockchain ledger's purchase price is the hard evidence: a declared value
below the price paid, and a parcel declared under the duty-free threshold though bought above it.

Features (Declaration): ``log_market_ratio`` (log of declared / market unit price), ``price_z``
(robust z-score of the log unit price), ``ledger_ratio`` (declared value / ledger price, 1 without a
ledger record), ``duty_free_split`` (1 when declared under the threshold but bought above it) and
``undeclared_value`` (log1p of the USD value missing against the market or ledger price: what an
inspection would recover duty on).

Example
-------
>>> import numpy as np
>>> decl = {
...     "declaration_id": np.array([f"D{i}" for i in range(8)], dtype=object),
...     "declared_on": np.array(["2023-01-05"] * 8, dtype=object),
...     "hs_code": np.array(["851712"] * 8, dtype=object),
...     "origin_country": np.array(["CN"] * 8, dtype=object),
...     "is_parcel": np.zeros(8, dtype=bool),
...     "quantity": np.ones(8), "declared_value": np.array([100.0] * 7 + [30.0]),
...     "ledger_price": np.full(8, np.nan)}
>>> model = PriceModel(min_count=3)
>>> tables = RiskTables(decl, {}, {}, {})
>>> _ = model.fit(tables)
>>> block = model.score(tables)[0]
>>> round(float(np.exp(block.values["log_market_ratio"][-1])), 2)
0.3
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from risk.contract import F64, NodeFeatures, RiskTables
from risk.models.common import group_medians, ranking_auc, safe_log
from risk.tables import day_numbers, illicit_labels, quarters

__all__ = ["DUTY_FREE_THRESHOLD_USD", "PriceModel"]

#: Parcels declared at or under this value (USD) pay no duty.
DUTY_FREE_THRESHOLD_USD = 150.0
_MAD_TO_SIGMA = 1.4826


class PriceModel:
    """Robust market prices per HS code x origin x quarter; see the module docstring."""

    name = "price"
    version = "1.0"
    labels: tuple[str, ...] = ("Declaration",)

    def __init__(self, min_count: int = 5) -> None:
        self.min_count = min_count
        self._medians: list[dict[Any, tuple[float, float, int]]] = []

    @staticmethod
    def _cells(decl: dict[str, npt.NDArray[Any]]) -> list[npt.NDArray[Any]]:
        """Cell keys from the finest (HS x origin x quarter) to the coarsest (HS), per declaration."""
        channel = np.where(decl["is_parcel"].astype(bool), "parcel", "cargo")
        hs = np.char.add(channel.astype(str), np.char.add("|", decl["hs_code"].astype(str)))
        origin = np.char.add(hs, np.char.add("|", decl["origin_country"].astype(str)))
        period = quarters(day_numbers(decl["declared_on"])).astype(str)
        return [np.char.add(origin, np.char.add("|", period)), origin, hs]

    @staticmethod
    def _unit_prices(decl: dict[str, npt.NDArray[Any]]) -> F64:
        quantity = np.nan_to_num(decl["quantity"].astype(np.float64), nan=0.0)
        value = decl["declared_value"].astype(np.float64)
        return np.where(quantity > 0, value / np.maximum(quantity, 1e-9), np.nan)

    def fit(self, tables: RiskTables) -> dict[str, float]:
        decl = tables.declarations
        log_price = safe_log(self._unit_prices(decl))
        usable = np.isfinite(self._unit_prices(decl)) & (decl["hs_code"] != "")
        self._medians = [group_medians(cell[usable], log_price[usable]) for cell in self._cells(decl)]
        labelled, illicit = illicit_labels(decl)
        z = self.score(tables)[0].values["price_z"] if len(decl["declaration_id"]) else np.zeros(0)
        return {
            "market_cells": float(len(self._medians[0])),
            "auc_low_price_vs_illicit": ranking_auc(-z[labelled], illicit[labelled]),
        }

    def _market(self, decl: dict[str, npt.NDArray[Any]]) -> tuple[F64, F64, list[str]]:
        """Median log market price, robust sigma and the cell used, per declaration."""
        n = len(decl["declaration_id"])
        median, sigma = np.full(n, np.nan), np.full(n, np.nan)
        used = [""] * n
        for level, (cells, table) in enumerate(zip(self._cells(decl), self._medians, strict=True)):
            for at, cell in enumerate(cells.tolist()):
                found = table.get(cell)
                if np.isnan(median[at]) and found and (found[2] >= self.min_count or level == 2):
                    median[at] = found[0]
                    sigma[at] = max(found[1] * _MAD_TO_SIGMA, 0.05)
                    used[at] = f"{cell} (n={found[2]})"
        return median, sigma, used

    def score(self, tables: RiskTables) -> list[NodeFeatures]:
        decl = tables.declarations
        unit = self._unit_prices(decl)
        median, sigma, used = self._market(decl)
        known = np.isfinite(unit) & np.isfinite(median) & (unit > 0)
        log_ratio = np.where(known, safe_log(unit) - median, 0.0)
        z = np.where(known, log_ratio / np.where(known, sigma, 1.0), 0.0)
        value = decl["declared_value"].astype(np.float64)
        ledger = decl["ledger_price"].astype(np.float64)
        has_ledger = np.isfinite(ledger) & (ledger > 0) & np.isfinite(value)
        ledger_ratio = np.where(has_ledger, value / np.where(has_ledger, ledger, 1.0), 1.0)
        split = has_ledger & (value <= DUTY_FREE_THRESHOLD_USD) & (ledger > DUTY_FREE_THRESHOLD_USD)
        quantity = np.nan_to_num(decl["quantity"].astype(np.float64), nan=0.0)
        market_value = np.where(known, np.exp(np.where(known, median, 0.0)) * quantity, 0.0)
        undeclared = np.maximum.reduce(
            [
                np.zeros(len(unit)),
                np.nan_to_num(market_value - value),
                np.where(has_ledger, ledger - value, 0.0),
            ]
        )
        explanations = [
            {
                "log_market_ratio": (
                    f"declared unit price {unit[at]:.2f} is {np.exp(log_ratio[at]):.2f}x the market price "
                    f"{np.exp(median[at]):.2f} of {used[at]}"
                    if known[at]
                    else "no market price for this good"
                ),
                "price_z": f"{z[at]:+.1f} robust standard deviations from the market price",
                "ledger_ratio": (
                    f"declared {value[at]:.2f} against {ledger[at]:.2f} paid on the ledger"
                    if has_ledger[at]
                    else "no ledger purchase"
                ),
                "duty_free_split": (
                    "declared under the duty-free threshold though bought above it"
                    if split[at]
                    else "no duty-free split"
                ),
                "undeclared_value": f"{undeclared[at]:,.2f} USD below the market or ledger value",
            }
            for at in range(len(unit))
        ]
        return [
            NodeFeatures.build(
                "Declaration",
                decl["declaration_id"].tolist(),
                {
                    "log_market_ratio": log_ratio,
                    "price_z": z,
                    "ledger_ratio": np.clip(ledger_ratio, 0.0, 10.0),
                    "duty_free_split": split.astype(np.float64),
                    "undeclared_value": np.log1p(undeclared),
                },
                explanations,
            )
        ]
