"""Risk score quality on labelled declarations, against an XGBoost baseline on the raw columns.

Run by hand, never in the test suite, on a graph that holds a generated world (ingested and analysed)::

    .venv/bin/python bench/risk.py                       # train on the earlier 60% of inspections
    .venv/bin/python bench/risk.py --train-share 0.5

It uses the Neo4j of the settings (``BIGFINDER_NEO4J_URI`` / ``BIGFINDER_NEO4J_BOLT_PORT`` ...), starts
none and writes nothing. The split is by time, as in the customs-fraud literature: the registry of
risk models (:mod:`risk.registry`) and the baseline learn from the declarations lodged before the cut
day (the day before which ``--train-share`` of the inspected declarations fall) and are judged on the
inspected declarations lodged from that day on. For n = 1, 2, 5 and 10, the n% of test declarations
each ranks highest are "inspected": precision@n% (share of them illicit), recall@n% (share of all
illicit test declarations among them) and revenue@n% (share of the test declarations' revenue they
recover). The fused side ranks by inspection priority, the calibrated ``risk_score`` raised to a power
times the value an inspection would recover duty on (the price model's undeclared value, at least 5% of
the declared value), one ranking for all three figures. The power is chosen before the test window is
looked at: the models are first fitted on the earlier 75% of the training period and the power that
ranks the remaining 25% best (precision summed over n first, then revenue) is kept. The baseline is XGBoost
on the declaration's own columns (values, quantity, weight, HS code, origin, office, importer,
supplier, broker as codes, month).
Nothing is asserted.
"""

# ruff: noqa: E402 - the imports below must come after the sys.path repair
from __future__ import annotations

import sys
from pathlib import Path

_BENCH_DIR = Path(__file__).resolve().parent
if sys.path and Path(sys.path[0] or ".").resolve() == _BENCH_DIR:
    sys.path[0] = str(_BENCH_DIR.parent)

import math
import time
from collections.abc import Callable
from typing import Annotated, Any

import numpy as np
import numpy.typing as npt
import typer
from rich.console import Console
from rich.table import Table
from xgboost import XGBClassifier

from bigfinder.settings import Settings
from graph.store import open_driver
from risk.contract import F64, RiskTables
from risk.registry import FitReport, RiskRegistry, default_models
from risk.tables import day_numbers, illicit_labels, read_tables

__all__ = ["at_top", "baseline_columns", "inspection_priority", "main"]

_SHARES = (1, 2, 5, 10)
console = Console()


def at_top(
    score: F64, illicit: npt.NDArray[np.bool_], revenue: F64, percent: float
) -> tuple[float, float, float]:
    """Precision, recall and revenue share of the ``percent`` % highest scores (ties by position).

    >>> bad = np.array([True, False, False, True])
    >>> at_top(np.array([0.9, 0.1, 0.8, 0.2]), bad, np.array([5.0, 0, 0, 5.0]), 50)
    (0.5, 0.5, 0.5)
    """
    k = max(1, math.ceil(len(score) * percent / 100))
    top = np.argsort(-score, kind="stable")[:k]
    found = float(illicit[top].sum())
    total_revenue = float(revenue.sum())
    return (
        found / k,
        found / max(float(illicit.sum()), 1.0),
        float(revenue[top].sum()) / total_revenue if total_revenue else 0.0,
    )


def inspection_priority(
    probability: F64, undeclared_value: F64, declared_value: F64, power: float = 2.0
) -> F64:
    """Probability of fraud, raised to ``power``, times the value duty would be recovered on.

    A power above 1 keeps near-certain cases ahead of merely valuable ones (the probability alone ranks
    for precision, times the value for revenue).

    >>> priority = inspection_priority(np.array([0.9, 0.5]), np.array([0.0, 1e3]), np.array([100.0, 100.0]))
    >>> priority.round(2).tolist()
    [4.05, 250.0]
    """
    return np.asarray(probability**power * np.maximum(undeclared_value, 0.05 * declared_value))


#: Powers tried on the validation window.
_POWERS = (0.0, 0.5, 1.0, 2.0, 3.0)


def baseline_columns(decl: dict[str, npt.NDArray[Any]]) -> F64:
    """The raw declaration columns the baseline learns from: numbers as they are, categories as codes."""
    value = decl["declared_value"].astype(np.float64)
    quantity = decl["quantity"].astype(np.float64)
    weight = decl["gross_weight_kg"].astype(np.float64)
    columns = [value, quantity, weight, value / np.maximum(quantity, 1e-9), value / np.maximum(weight, 1e-9)]
    for name in ("hs_code", "origin_country", "office", "importer_id", "supplier_id", "broker_id", "unit"):
        _, codes = np.unique(decl[name].astype(str), return_inverse=True)
        columns.append(codes.astype(np.float64))
    columns.append(np.array([float(h[:2]) if h[:2].isdigit() else -1 for h in decl["hs_code"].tolist()]))
    columns.append(decl["is_parcel"].astype(np.float64))
    columns.append((day_numbers(decl["declared_on"]) // 30).astype(np.float64))
    return np.column_stack(columns)


def _choose_power(
    at_power: Callable[[float], F64],
    illicit: npt.NDArray[np.bool_],
    revenue: F64,
    valid: npt.NDArray[np.bool_],
) -> float:
    """The power that ranks the validation window best: precision summed over n first, then revenue
    (an inspection that finds nothing costs an officer's day)."""

    def quality(power: float) -> tuple[float, float]:
        figures = [at_top(at_power(power)[valid], illicit[valid], revenue[valid], n) for n in _SHARES]
        return sum(f[0] for f in figures), sum(f[2] for f in figures)

    return max(_POWERS, key=quality)


def _cut_day(tables: RiskTables, share: float) -> int:
    labelled, _ = illicit_labels(tables.declarations)
    days = day_numbers(tables.declarations["declared_on"])[labelled]
    return int(np.quantile(days, share))


def main(
    train_share: Annotated[float, typer.Option(help="Share of inspected declarations before the cut.")] = 0.6,
    seed: Annotated[int, typer.Option(help="Seed of every model.")] = 0,
) -> None:
    """Fit on the earlier declarations, rank the later ones, print the table."""
    settings = Settings()
    driver = open_driver(settings)
    try:
        started = time.perf_counter()
        tables = read_tables(driver, settings)
        read_s = time.perf_counter() - started
    finally:
        driver.close()
    decl = tables.declarations
    day = day_numbers(decl["declared_on"])
    cut = _cut_day(tables, train_share)
    labelled, illicit = illicit_labels(decl)
    train, test = labelled & (day < cut), labelled & (day >= cut)
    revenue = np.nan_to_num(decl["revenue"].astype(np.float64))

    revenue_of = np.nan_to_num(decl["declared_value"].astype(np.float64))

    def fused_priority(fit_before: int) -> tuple[Callable[[float], F64], FitReport]:
        """Fit the registry on declarations before ``fit_before``; the priority at any power."""
        registry = RiskRegistry(default_models(seed), seed=seed)
        report = registry.fit(tables.declarations_where(day < fit_before))
        scores = registry.score(tables)
        fused, blocks = {s.label: s for s in scores.fused}["Declaration"], scores.blocks
        where = {k: at for at, k in enumerate(fused.keys)}
        ids = decl["declaration_id"].tolist()
        probability = fused.probability[[where[k] for k in ids]]
        undeclared = np.expm1(blocks["price"][0].column("undeclared_value", ids, 0.0))
        return (lambda power: inspection_priority(probability, undeclared, revenue_of, power)), report

    started = time.perf_counter()
    valid_cut = int(np.quantile(day[train], 0.75))
    valid = train & (day >= valid_cut)
    at_power, _ = fused_priority(valid_cut)
    power = _choose_power(at_power, illicit, revenue, valid)
    priority, report = fused_priority(cut)
    fused_score = priority(power)
    risk_s = time.perf_counter() - started

    started = time.perf_counter()
    raw = baseline_columns(decl)
    xgb = XGBClassifier(n_estimators=300, max_depth=6, learning_rate=0.05, subsample=0.9, random_state=seed)
    xgb.fit(raw[train], illicit[train])
    baseline_score = xgb.predict_proba(raw)[:, 1]
    baseline_s = time.perf_counter() - started

    console.print(
        f"declarations {len(day):,}; inspected {int(labelled.sum()):,} ({int(illicit.sum()):,} illicit); "
        f"cut {np.datetime64(cut, 'D')}: train {int(train.sum()):,} ({int(illicit[train].sum()):,} illicit), "
        f"test {int(test.sum()):,} ({int(illicit[test].sum()):,} illicit); read {read_s:.1f}s, "
        f"risk fit+score (twice) {risk_s:.1f}s, baseline {baseline_s:.1f}s"
    )
    console.print(f"  power chosen on the validation window ({int(valid.sum()):,} declarations): {power}")
    for name, figures in {**report.models, **report.fused}.items():
        console.print(f"  {name}: " + ", ".join(f"{k} {v:.3g}" for k, v in figures.items()))
    for name, reason in report.skipped.items():
        console.print(f"  [yellow]skipped[/] {name}: {reason}")
    table = Table(title="Inspected test declarations ranked: fused risk score vs XGBoost on raw columns")
    for column in (
        "n%",
        "k",
        "precision fused",
        "precision xgb",
        "recall fused",
        "recall xgb",
        "revenue fused",
        "revenue xgb",
        "fused beats xgb",
    ):
        table.add_column(column, justify="right")
    for percent in _SHARES:
        mine = at_top(fused_score[test], illicit[test], revenue[test], percent)
        theirs = at_top(baseline_score[test], illicit[test], revenue[test], percent)
        # A tie counts only at the ceiling (precision 1, or recall k / illicit): nothing can beat it there.
        ceiling = (
            1.0,
            min(1.0, math.ceil(int(test.sum()) * percent / 100) / max(int(illicit[test].sum()), 1)),
        )
        beats = all(
            m > t or (m == t and m >= c - 1e-12)
            for m, t, c in zip(mine, theirs, (*ceiling, 1.0), strict=True)
        )
        table.add_row(
            f"{percent}",
            f"{max(1, math.ceil(int(test.sum()) * percent / 100))}",
            f"{mine[0]:.3f}",
            f"{theirs[0]:.3f}",
            f"{mine[1]:.3f}",
            f"{theirs[1]:.3f}",
            f"{mine[2]:.3f}",
            f"{theirs[2]:.3f}",
            "yes" if beats else "no",
        )
    console.print(table)


if __name__ == "__main__":
    typer.run(main)
