"""Each company's trade and payment record, from declarations and transfers: shared by the company models.

>>> import numpy as np
>>> tables = RiskTables(
...     {"importer_id": np.array(["I"], dtype=object), "supplier_id": np.array(["S"], dtype=object),
...      "declared_value": np.array([100.0]), "declared_on": np.array(["2023-01-01"], dtype=object),
...      "is_parcel": np.array([False])},
...     {"company_id": np.array(["I", "S"], dtype=object),
...      "registered_on": np.array(["2022-12-01", ""], dtype=object)},
...     {},
...     {"sender_owner": np.array(["I", "P9"], dtype=object),
...      "receiver_owner": np.array(["S", "S"], dtype=object),
...      "amount": np.array([40.0, 60.0]), "currency": np.array(["USD", "USD"], dtype=object)})
>>> record = company_record(tables)
>>> record["paid_to_declared"].tolist(), record["third_party_received_share"].tolist()
([0.4, 1.0], [0.0, 0.6])
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from risk.contract import F64, RiskTables
from risk.tables import day_numbers

__all__ = ["company_record"]


def company_record(tables: RiskTables) -> dict[str, F64]:
    """Per company of ``tables.companies`` (same order): import and export record, payments, cycles."""
    companies = tables.companies["company_id"].tolist()
    at = {c: i for i, c in enumerate(companies)}
    n = len(companies)
    decl, transfers = tables.declarations, tables.transfers
    cargo = ~decl["is_parcel"].astype(bool)
    importer, supplier = decl["importer_id"][cargo], decl["supplier_id"][cargo]
    value = np.nan_to_num(decl["declared_value"][cargo].astype(np.float64))
    days = day_numbers(decl["declared_on"][cargo])
    record = {
        name: np.zeros(n)
        for name in (
            "declarations",
            "declared_value",
            "exports",
            "active_months",
            "days_to_first_import",
            "paid_to_suppliers",
            "paid_to_declared",
            "received",
            "third_party_received_share",
            "supplier_third_party_share",
            "round_amount_share",
            "payment_cycle_size",
        )
    }
    suppliers_of: dict[str, set[str]] = defaultdict(set)
    importers_of: dict[str, set[str]] = defaultdict(set)
    first_day: dict[str, int] = {}
    months: dict[str, set[int]] = defaultdict(set)
    for imp, sup, v, d in zip(
        importer.tolist(), supplier.tolist(), value.tolist(), days.tolist(), strict=True
    ):
        suppliers_of[imp].add(sup)
        importers_of[sup].add(imp)
        if imp in at:
            record["declarations"][at[imp]] += 1
            record["declared_value"][at[imp]] += v
            first_day[imp] = min(first_day.get(imp, d), d)
            months[imp].add(d // 30)
        if sup in at:
            record["exports"][at[sup]] += 1
    registered = day_numbers(tables.companies["registered_on"])
    for company, first in first_day.items():
        i = at[company]
        record["active_months"][i] = len(months[company])
        record["days_to_first_import"][i] = first - registered[i] if registered[i] >= 0 else 3650
    _payments(record, at, suppliers_of, importers_of, transfers)
    # Paying suppliers for goods nobody declared is the loudest case: capped at 5, like a fivefold overpay.
    declared, paid = record["declared_value"], record["paid_to_suppliers"]
    record["paid_to_declared"] = np.where(
        declared > 0, np.minimum(paid / np.maximum(declared, 1e-9), 5.0), np.where(paid > 0, 5.0, 1.0)
    )
    for company, sups in suppliers_of.items():
        if company in at:
            shares = [record["third_party_received_share"][at[s]] for s in sups if s in at]
            record["supplier_third_party_share"][at[company]] = max(shares, default=0.0)
    record["payment_cycle_size"] = _cycle_sizes(at, transfers)
    return record


def _payments(
    record: dict[str, F64],
    at: dict[str, int],
    suppliers_of: dict[str, set[str]],
    importers_of: dict[str, set[str]],
    transfers: dict[str, np.ndarray],
) -> None:
    third_party = np.zeros(len(at))
    touched, round_count = np.zeros(len(at)), np.zeros(len(at))
    for sender, receiver, amount, currency in zip(
        transfers["sender_owner"].tolist(),
        transfers["receiver_owner"].tolist(),
        np.nan_to_num(transfers["amount"].astype(np.float64)).tolist(),
        transfers["currency"].tolist(),
        strict=True,
    ):
        is_round = amount >= 1000 and amount % 1000 == 0
        for party in (sender, receiver):
            if party in at:
                touched[at[party]] += 1
                round_count[at[party]] += is_round
        if currency != "USD" or receiver not in importers_of or receiver not in at:
            continue
        record["received"][at[receiver]] += amount
        if receiver in suppliers_of.get(sender, ()):
            if sender in at:
                record["paid_to_suppliers"][at[sender]] += amount
        else:
            third_party[at[receiver]] += amount
    record["third_party_received_share"] = np.where(
        record["received"] > 0, third_party / np.maximum(record["received"], 1e-9), 0.0
    )
    record["round_amount_share"] = np.where(touched > 0, round_count / np.maximum(touched, 1), 0.0)


def _cycle_sizes(at: dict[str, int], transfers: dict[str, np.ndarray]) -> F64:
    """Companies that money flows around in a directed cycle: the size of their cycle group, else 0."""
    pairs = [
        (at[s], at[r])
        for s, r in zip(transfers["sender_owner"].tolist(), transfers["receiver_owner"].tolist(), strict=True)
        if s in at and r in at and s != r
    ]
    sizes = np.zeros(len(at))
    if not pairs:
        return sizes
    src, dst = np.array(pairs).T
    graph = coo_matrix((np.ones(len(src)), (src, dst)), shape=(len(at), len(at))).tocsr()
    _, group = connected_components(graph, directed=True, connection="strong")
    counts = np.bincount(group)
    return np.where(counts[group] > 1, counts[group], 0).astype(np.float64)
