"""Honest discounters in a generated world: cheap on their own, found clear, and planted without
disturbing any other random draw of the generator."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path
from statistics import median

import pytest

import ingest.generate as generate_module
from ingest.formats import Scheme
from ingest.generate import generate_world

SCALE = 3000
SEED = 11
#: What the undervaluation detector calls far under the market.
LOW = 0.6

Rows = list[dict[str, str]]


def _csv(folder: Path, name: str) -> Rows:
    with (folder / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The same seed with honest discounters and with none."""
    with_discounts = tmp_path_factory.mktemp("with")
    generate_world(with_discounts, SCALE, SEED)
    without = tmp_path_factory.mktemp("without")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(generate_module, "_DISCOUNTER_SHARE", 0.0)
        generate_world(without, SCALE, SEED)
    return with_discounts, without


def _cheap_honest(folder: Path) -> dict[str, list[dict[str, str]]]:
    """Cargo declarations of importers in no ring, priced at most LOW x the median of their goods."""
    cargo = [row for row in _csv(folder, "declarations.csv") if row["importer_id"]]
    unit_prices: dict[tuple[str, str], list[float]] = defaultdict(list)
    for row in cargo:
        unit_prices[(row["hs_code"], row["origin_country"])].append(
            float(row["declared_value"]) / float(row["quantity"])
        )
    market = {goods: median(prices) for goods, prices in unit_prices.items()}
    ring_members = {row["entity_id"] for row in _csv(folder, "ground_truth.csv")}
    cheap: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in cargo:
        ratio = (
            float(row["declared_value"])
            / float(row["quantity"])
            / market[(row["hs_code"], row["origin_country"])]
        )
        if ratio <= LOW and row["importer_id"] not in ring_members:
            cheap[row["importer_id"]].append(row)
    return cheap


def test_honest_importers_declare_far_under_the_market_and_are_found_clear(
    worlds: tuple[Path, Path],
) -> None:
    with_discounts, without = worlds
    cheap = _cheap_honest(with_discounts)
    discounters = [importer for importer, rows in cheap.items() if len(rows) >= 3]
    assert len(discounters) >= 5
    assert len(_cheap_honest(without)) < len(cheap) / 5
    inspected = [row for rows in cheap.values() for row in rows if row["inspected"] == "true"]
    assert len(inspected) >= 10
    clear = [row for row in inspected if row["inspection_outcome"] == "clear"]
    assert len(clear) >= 0.9 * len(inspected)
    assert all(row["revenue"] == "0.00" for row in clear)
    truth = _csv(with_discounts, "ground_truth.csv")
    assert {row["scheme"] for row in truth} <= {scheme.value for scheme in Scheme}


def test_discounts_change_only_the_prices_inspections_and_payments_of_their_declarations(
    worlds: tuple[Path, Path],
) -> None:
    with_discounts, without = worlds
    names = sorted(path.name for path in without.iterdir())
    assert names == sorted(path.name for path in with_discounts.iterdir())
    changed_files = [
        name for name in names if (with_discounts / name).read_bytes() != (without / name).read_bytes()
    ]
    assert changed_files == ["declarations.csv", "transfers.csv"]
    allowed = {
        "declarations.csv": {"declared_value", "inspected", "inspection_outcome", "revenue"},
        "transfers.csv": {"amount"},
    }
    differing: dict[str, set[str]] = {}
    for name in allowed:
        before, after = _csv(without, name), _csv(with_discounts, name)
        assert len(before) == len(after)
        differing[name] = {
            column
            for old, new in zip(before, after, strict=True)
            for column in old
            if old[column] != new[column]
        }
    assert differing["transfers.csv"] == {"amount"}
    assert {"declared_value", "inspected"} <= differing["declarations.csv"] <= allowed["declarations.csv"]
