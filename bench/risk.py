"""Risk score quality on labelled declarations, against an XGBoost baseline on the raw columns.

Run by hand, never in the test suite, on a graph that holds a generated world (ingested and analysed).
The reference run (scale 50000, seed 3, in helper h's Neo4j)::

    BIGFINDER_NEO4J_URI=bolt://127.0.0.1:7788 BIGFINDER_NEO4J_PASSWORD=helper-password-h \\
        .venv/bin/python bench/risk.py                    # train on the earlier 60% of inspections
    .venv/bin/python bench/risk.py --train-share 0.5

It uses the Neo4j of the settings, starts none and writes nothing. The split is by time, as in the
customs-fraud literature: the registry of risk models (:mod:`risk.registry`) and the baseline learn from
the declarations lodged before the cut day (the day before which ``--train-share`` of the inspected
declarations fall) and are judged on the inspected declarations lodged from that day on. For n = 1, 2, 5
and 10, the n% of test declarations each ranks highest are "inspected": precision@n% (share of them
illicit), recall@n% (share of all illicit test declarations among them) and revenue@n% (share of the test
declarations' revenue they recover). Every cell is judged win, tie or loss; a tie where both sides reach
the best any ranking could (the "ceiling": precision 1, recall k / illicit) is marked as such, and is
never counted as a win.

The fused side ranks by inspection priority, the calibrated ``risk_score`` raised to a power times the
value an inspection would recover duty on (the price model's undeclared value, at least 5% of the
declared value), one ranking for all three figures (as DATE, Kim et al. 2020, ranks by one score). Power
1 is the expected recovered value; a higher power favours certain cases over valuable ones. The power is
chosen before the test window is looked at, on two expanding validation windows inside the training
period (models fitted on the inspections before the 50th percentile of training days and judged on those
up to the 75th; then fitted before the 75th and judged on the rest): precision summed over n and windows
first; among powers tied on precision, the highest (not the most revenue). One window alone was too
small: 4 to 41 declarations per n, so a power that lets low-probability, high-value declarations in
(0.5) tied there and lost on the larger test window; with two windows, powers 1 to 3 still tied on
precision and the revenue tie-break (power 1) lost precision at 5% on a second world (seed 4), which
is why ties now go to the highest power. The rule was then checked on two worlds nobody had looked at
(seeds 5 and 6): no cell lost.

The baseline is XGBoost on the declaration's own columns (values, quantity, weight, HS code, origin,
office, importer, supplier, broker as codes, month). A label audit line says, for the training period
only, how often inspections of declarations priced under 0.6 x the market found fraud and how often the
others did: where the first is 100% and the second the generator's rate of chance findings, both rankers
reach the ceiling and precision@n% cannot tell them apart. Nothing is asserted.
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
from collections.abc import Callable, Sequence
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
from risk.registry import FitReport, RiskRegistry, RiskScores, default_models
from risk.tables import day_numbers, illicit_labels, read_tables

__all__ = ["at_top", "baseline_columns", "ceiling", "choose_power", "inspection_priority", "main", "verdict"]

_SHARES = (1, 2, 5, 10)
#: Powers tried on the validation windows.
_POWERS = (0.0, 0.5, 1.0, 2.0, 3.0)
#: Validation windows as (start, end) quantiles of the inspected training days; each window's models
#: are fitted on everything before its start (expanding windows, as in time-series cross-validation).
_WINDOWS = ((0.5, 0.75), (0.75, 1.0))
#: Declared unit price under this share of the market price: the label audit's "undervalued".
_UNDERVALUED_RATIO = 0.6
console = Console()

Ranking = Callable[[float], F64]


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


def ceiling(illicit: npt.NDArray[np.bool_], revenue: F64, percent: float) -> tuple[float, float, float]:
    """The best precision, recall and revenue share any ranking could reach at ``percent`` %.

    >>> ceiling(np.array([True, False, False, True]), np.array([5.0, 0, 0, 1.0]), 25)
    (1.0, 0.5, 0.8333333333333334)
    """
    k = max(1, math.ceil(len(illicit) * percent / 100))
    bad = int(illicit.sum())
    total_revenue = float(revenue.sum())
    best_revenue = float(np.sort(revenue)[::-1][:k].sum())
    return (
        min(1.0, bad / k),
        min(k, bad) / max(bad, 1),
        best_revenue / total_revenue if total_revenue else 0.0,
    )


def verdict(mine: float, theirs: float, best: float) -> str:
    """``win``, ``loss``, ``tie`` or ``tie at ceiling`` (both at the best possible: nothing can win there).

    >>> verdict(1.0, 1.0, 1.0), verdict(0.9, 0.9, 1.0), verdict(0.95, 0.9, 1.0), verdict(0.5, 0.6, 1.0)
    ('tie at ceiling', 'tie', 'win', 'loss')
    """
    if math.isclose(mine, theirs, abs_tol=1e-12):
        return "tie at ceiling" if mine >= best - 1e-12 else "tie"
    return "win" if mine > theirs else "loss"


def inspection_priority(
    probability: F64, undeclared_value: F64, declared_value: F64, power: float = 1.0
) -> F64:
    """Probability of fraud, raised to ``power``, times the value duty would be recovered on.

    At power 1 it is the expected recovered value; above 1 near-certain cases stay ahead of merely
    valuable ones (the probability alone ranks for precision, times the value for revenue).

    >>> priority = inspection_priority(np.array([0.9, 0.5]), np.array([0.0, 1e3]), np.array([100.0, 100.0]))
    >>> priority.round(2).tolist()
    [4.5, 500.0]
    """
    return np.asarray(probability**power * np.maximum(undeclared_value, 0.05 * declared_value))


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


def choose_power(
    windows: Sequence[tuple[Ranking, npt.NDArray[np.bool_]]],
    illicit: npt.NDArray[np.bool_],
    revenue: F64,
    powers: Sequence[float] = _POWERS,
) -> tuple[float, dict[float, tuple[float, float]]]:
    """The power that ranks the validation windows best, and each power's (precision, revenue) sums.

    Precision summed over n and windows first: an inspection that finds nothing costs an officer's day.
    Among powers with equal precision the highest wins, not the one with most revenue: the windows hold
    a few dozen declarations per n, too few to tell those powers apart, and a higher power is the one
    that keeps uncertain, valuable declarations out of the top on a larger window (revenue differs by
    about 1% between them and is won by a wide margin at any of them).

    >>> illicit = np.array([True, False, True, False])
    >>> value = np.array([1.0, 3.0, 2.0, 1.0])
    >>> p = np.array([0.9, 0.2, 0.8, 0.1])
    >>> window = np.ones(4, dtype=bool)
    >>> choose_power([(lambda a: p**a * value, window)], illicit, value * illicit, (0.0, 1.0))[0]
    1.0
    """
    quality: dict[float, tuple[float, float]] = {}
    for power in powers:
        figures = [
            at_top(ranking(power)[valid], illicit[valid], revenue[valid], n)
            for ranking, valid in windows
            for n in _SHARES
        ]
        quality[power] = (sum(f[0] for f in figures), sum(f[2] for f in figures))
    return max(powers, key=lambda power: (quality[power][0], power)), quality


def _cut_day(tables: RiskTables, share: float) -> int:
    labelled, _ = illicit_labels(tables.declarations)
    days = day_numbers(tables.declarations["declared_on"])[labelled]
    return int(np.quantile(days, share))


def _fit_and_score(tables: RiskTables, fit_before: int, seed: int) -> tuple[RiskScores, FitReport]:
    """Fit the registry on the declarations before ``fit_before`` and score every declaration."""
    registry = RiskRegistry(default_models(seed), seed=seed)
    day = day_numbers(tables.declarations["declared_on"])
    report = registry.fit(tables.declarations_where(day < fit_before))
    return registry.score(tables), report


def _declaration_column(scores: RiskScores, model: str, feature: str, ids: list[str]) -> F64:
    return scores.blocks[model][0].column(feature, ids, np.nan)


def _ranking(scores: RiskScores, decl: dict[str, npt.NDArray[Any]]) -> Ranking:
    """The fused side's inspection priority at any power."""
    fused = {s.label: s for s in scores.fused}["Declaration"]
    where = {k: at for at, k in enumerate(fused.keys)}
    ids = decl["declaration_id"].tolist()
    probability = fused.probability[[where[k] for k in ids]]
    undeclared = np.expm1(np.nan_to_num(_declaration_column(scores, "price", "undeclared_value", ids)))
    declared = np.nan_to_num(decl["declared_value"].astype(np.float64))
    return lambda power: inspection_priority(probability, undeclared, declared, power)


def _label_audit(scores: RiskScores, decl: dict[str, npt.NDArray[Any]], train: npt.NDArray[np.bool_]) -> str:
    """How inspections of the training period came out, for declarations priced far under the market
    and for the rest: shows whether the labels leave anything for a ranker to win on."""
    ratio = _declaration_column(scores, "price", "log_market_ratio", decl["declaration_id"].tolist())
    _, illicit = illicit_labels(decl)
    cargo = ~decl["is_parcel"].astype(bool)
    low = train & cargo & (ratio < math.log(_UNDERVALUED_RATIO))
    rest = train & cargo & ~low
    return (
        f"label audit (training period, cargo): priced under {_UNDERVALUED_RATIO:g} x market "
        f"{int(illicit[low].sum())}/{int(low.sum())} illicit; the rest "
        f"{int(illicit[rest].sum())}/{int(rest.sum())} ({illicit[rest].mean() if rest.any() else 0.0:.1%})"
    )


def _print_table(fused_score: F64, baseline_score: F64, illicit: npt.NDArray[np.bool_], revenue: F64) -> None:
    table = Table(title="Inspected test declarations ranked: fused risk score vs XGBoost on raw columns")
    for column in ("n%", "k", "precision fused/xgb/best", "recall fused/xgb/best", "revenue fused/xgb/best"):
        table.add_column(column, justify="right")
    for column in ("precision", "recall", "revenue"):
        table.add_column(column)
    tally: dict[str, int] = {}
    for percent in _SHARES:
        mine = at_top(fused_score, illicit, revenue, percent)
        theirs = at_top(baseline_score, illicit, revenue, percent)
        best = ceiling(illicit, revenue, percent)
        verdicts = [verdict(m, t, b) for m, t, b in zip(mine, theirs, best, strict=True)]
        for v in verdicts:
            tally[v] = tally.get(v, 0) + 1
        table.add_row(
            f"{percent}",
            f"{max(1, math.ceil(len(illicit) * percent / 100))}",
            *(f"{m:.3f}/{t:.3f}/{b:.3f}" for m, t, b in zip(mine, theirs, best, strict=True)),
            *verdicts,
        )
    console.print(table)
    console.print(
        "fused vs xgb over the 12 cells: "
        + ", ".join(f"{tally.get(v, 0)} {v}" for v in ("win", "tie at ceiling", "tie", "loss"))
    )


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

    started = time.perf_counter()
    windows: list[tuple[Ranking, npt.NDArray[np.bool_]]] = []
    for start_q, end_q in _WINDOWS:
        start, end = (int(np.quantile(day[train], q)) for q in (start_q, end_q))
        valid = train & (day >= start) & ((day < end) if end_q < 1.0 else True)
        windows.append((_ranking(_fit_and_score(tables, start, seed)[0], decl), valid))
    power, quality = choose_power(windows, illicit, revenue)
    scores, report = _fit_and_score(tables, cut, seed)
    fused_score = _ranking(scores, decl)(power)
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
        f"risk fit+score ({len(_WINDOWS) + 1} times) {risk_s:.1f}s, baseline {baseline_s:.1f}s"
    )
    sizes = " + ".join(f"{int(valid.sum()):,}" for _, valid in windows)
    console.print(
        f"  power chosen on {len(windows)} validation windows ({sizes} declarations): {power}; "
        + ", ".join(f"{a:g}: precision {q[0]:.3f} revenue {q[1]:.3f}" for a, q in quality.items())
    )
    console.print("  " + _label_audit(scores, decl, train))
    for name, figures in {**report.models, **report.fused}.items():
        console.print(f"  {name}: " + ", ".join(f"{k} {v:.3g}" for k, v in figures.items()))
    for name, reason in report.skipped.items():
        console.print(f"  [yellow]skipped[/] {name}: {reason}")
    _print_table(fused_score[test], baseline_score[test], illicit[test], revenue[test])


if __name__ == "__main__":
    typer.run(main)
