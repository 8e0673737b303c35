"""The risk models on small hand-made tables: each learns from data and flags what it should."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from risk.contract import NodeFeatures, RiskTables
from risk.fusion import FusedScorer, explanation_json
from risk.models.clearance import ClearanceModel
from risk.models.company_record import company_record
from risk.models.hs_code import HsCodeModel
from risk.models.price import PriceModel
from risk.models.trade_finance import TradeFinanceModel
from risk.models.xray import XRayModel


def _objects(values: list[Any]) -> npt.NDArray[Any]:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _declarations(n: int, seed: int = 0) -> tuple[dict[str, npt.NDArray[Any]], npt.NDArray[np.bool_]]:
    """Cargo declarations of two goods; a fifth are undervalued by one importer, and found illicit."""
    rng = np.random.default_rng(seed)
    undervalued = rng.random(n) < 0.2
    hs = np.where(rng.random(n) < 0.5, "851712", "610910")
    market = np.where(hs == "851712", 200.0, 8.0)
    quantity = rng.integers(10, 500, n).astype(np.float64)
    price = market * rng.lognormal(0, 0.1, n) * np.where(undervalued, 0.3, 1.0)
    inspected = rng.random(n) < 0.5
    texts = np.where(hs == "851712", "smartphone new in retail box", "cotton t-shirt for men")
    decl = {
        "declaration_id": _objects([f"D{i:05d}" for i in range(n)]),
        "declared_on": _objects([f"2023-{1 + i % 12:02d}-15" for i in range(n)]),
        "importer_id": _objects(["C_BAD" if u else f"C{i % 40:03d}" for i, u in enumerate(undervalued)]),
        "supplier_id": _objects(["S1"] * n),
        "broker_id": _objects([""] * n),
        "buyer_id": _objects([""] * n),
        "hs_code": _objects(hs.tolist()),
        "item_description": _objects(texts.tolist()),
        "quantity": quantity,
        "unit": _objects(["pcs"] * n),
        "gross_weight_kg": quantity * 0.3,
        "declared_value": np.round(quantity * price, 2),
        "origin_country": _objects(["CN"] * n),
        "office": _objects(["BUSAN_PORT"] * n),
        "is_parcel": np.zeros(n, dtype=bool),
        "ledger_price": np.full(n, np.nan),
        "xray_classes": _objects([[] for _ in range(n)]),
        "xray_confidences": _objects([[] for _ in range(n)]),
        "inspected": inspected,
        "inspection_outcome": _objects(
            [
                "illicit" if i and u else "clear" if i else ""
                for i, u in zip(inspected, undervalued, strict=True)
            ]
        ),
        "revenue": np.where(inspected & undervalued, 100.0, np.where(inspected, 0.0, np.nan)),
    }
    return decl, undervalued


def _tables(decl: dict[str, npt.NDArray[Any]]) -> RiskTables:
    persons = {
        "person_id": _objects([]),
        "baggage_classes": _objects([]),
        "baggage_confidences": _objects([]),
    }
    return RiskTables(decl, {}, persons, {})


def test_node_features_refuse_missing_values_and_wrong_lengths() -> None:
    with pytest.raises(ValueError, match="finite"):
        NodeFeatures.build("Company", ["C1"], {"x": [np.nan]}, [{"x": "?"}])
    with pytest.raises(ValueError, match="shape"):
        NodeFeatures.build("Company", ["C1", "C2"], {"x": [1.0]}, [{"x": "?"}, {"x": "?"}])


def test_price_model_puts_undervalued_declarations_far_below_the_market() -> None:
    decl, undervalued = _declarations(600)
    model = PriceModel()
    figures = model.fit(_tables(decl))
    ratio = np.exp(model.score(_tables(decl))[0].values["log_market_ratio"])
    assert np.median(ratio[undervalued]) < 0.4 < 0.9 < np.median(ratio[~undervalued])
    assert figures["auc_low_price_vs_illicit"] > 0.95


def test_price_model_flags_a_parcel_declared_duty_free_though_bought_above_the_threshold() -> None:
    decl, _ = _declarations(50)
    decl["is_parcel"][:2] = True
    decl["ledger_price"][:2] = [400.0, 90.0]
    decl["declared_value"][:2] = [120.0, 90.0]
    model = PriceModel()
    model.fit(_tables(decl))
    block = model.score(_tables(decl))[0]
    assert block.values["duty_free_split"][:2].tolist() == [1.0, 0.0]
    assert block.values["ledger_ratio"][0] == pytest.approx(0.3)
    assert "400.00 paid on the ledger" in block.explanations[0]["ledger_ratio"]


def test_hs_code_model_learns_codes_from_descriptions_and_flags_a_misdeclared_one() -> None:
    decl, _ = _declarations(300)
    model = HsCodeModel(seed=1)
    assert model.fit(_tables(decl))["held_out_accuracy"] > 0.95
    decl["hs_code"][0] = "610910" if decl["hs_code"][0] == "851712" else "851712"
    block = model.score(_tables(decl))[0]
    assert block.values["chapter_mismatch"][0] == 1.0
    assert block.values["chapter_mismatch"][1:].sum() == 0


def test_clearance_model_learns_inspection_outcomes_and_keeps_training_rows_out_of_fold() -> None:
    decl, undervalued = _declarations(800)
    model = ClearanceModel(clusters=4, seed=0)
    figures = model.fit(_tables(decl))
    assert figures["out_of_fold_auc"] > 0.8
    risk = model.score(_tables(decl))[0].values["inspection_risk"]
    assert risk[undervalued].mean() > risk[~undervalued].mean() + 0.3


def test_xray_model_learns_which_classes_go_with_which_chapters() -> None:
    decl, _ = _declarations(40)
    for at in range(40):
        decl["xray_classes"][at] = ["electronics" if decl["hs_code"][at] == "851712" else "textiles"]
        decl["xray_confidences"][at] = [0.9]
    decl["hs_code"][30:] = "240220"
    decl["xray_classes"][30:] = [["cigarettes"] for _ in range(10)]
    decl["xray_classes"][0] = ["cigarettes"]  # on a declaration of phones or T-shirts
    model = XRayModel(class_map={})
    model.fit(_tables(decl))
    discrepancy = model.score(_tables(decl))[0].values["xray_discrepancy"]
    assert discrepancy[0] > 0.7 > 0.2 > discrepancy[1:].max()


def _money_world() -> RiskTables:
    """Importer I1 pays half of what it declares; a person tops up its supplier; T1-T3 pass money round."""
    decl = {
        "importer_id": _objects(["I1", "I2"]),
        "supplier_id": _objects(["S1", "S2"]),
        "declared_value": np.array([1000.0, 1000.0]),
        "declared_on": _objects(["2023-01-10", "2023-01-10"]),
        "is_parcel": np.zeros(2, dtype=bool),
    }
    ids = ["I1", "I2", "S1", "S2", "T1", "T2", "T3"]
    companies = {"company_id": _objects(ids), "registered_on": _objects([""] * len(ids))}
    transfers = {
        "sender_owner": _objects(["I1", "P1", "I2", "T1", "T2", "T3"]),
        "receiver_owner": _objects(["S1", "S1", "S2", "T2", "T3", "T1"]),
        "amount": np.array([500.0, 500.0, 1000.0, 5000.0, 4990.0, 4980.0]),
        "currency": _objects(["USD", "USD", "USD", "KRW", "KRW", "KRW"]),
    }
    return RiskTables(decl, companies, {}, transfers)


def test_company_record_finds_third_party_payers_and_payment_cycles() -> None:
    record = company_record(_money_world())
    assert record["paid_to_declared"][:2].tolist() == [0.5, 1.0]
    assert record["supplier_third_party_share"][:2].tolist() == [0.5, 0.0]
    assert record["payment_cycle_size"].tolist() == [0, 0, 0, 0, 3, 3, 3]


def test_trade_finance_anomaly_ranks_the_odd_payer_first() -> None:
    rng = np.random.default_rng(0)
    usual = np.column_stack([rng.normal(0, 0.05, 300), np.zeros(300), rng.random(300) * 0.1, np.zeros(300)])
    odd = np.array([[-1.2, 0.6, 0.0, 3.0]])
    anomaly = TradeFinanceModel(seed=0).fit_forest(np.vstack([usual, odd]))
    assert int(np.argmax(anomaly)) == 300


def test_fused_scorer_is_calibrated_and_its_contributions_add_up_to_the_logit() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(4000, 3))
    y = rng.random(4000) < 1 / (1 + np.exp(-(2 * x[:, 0] - 1.5)))
    scorer = FusedScorer.fit(x, y, ("price.a", "clearance.b", "graph.c"), seed=0)
    probability, contributions = scorer.predict(x)
    # Calibrated: within each probability decile the observed rate matches the predicted one.
    deciles = np.quantile(probability, np.linspace(0, 1, 11))
    which = np.clip(np.searchsorted(deciles, probability, side="right") - 1, 0, 9)
    for d in range(10):
        assert abs(y[which == d].mean() - probability[which == d].mean()) < 0.08
    logit = contributions.sum(axis=1) + scorer.intercept
    expected = 1 / (1 + np.exp(-(scorer.platt_slope * logit + scorer.platt_intercept)))
    assert np.allclose(probability, expected)
    explained = explanation_json(0.7, scorer.names, contributions[0].tolist(), {"price": "1.0"})
    assert '"model_versions": {"price": "1.0"}' in explained and '"price":' in explained
