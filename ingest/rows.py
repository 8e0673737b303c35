"""Pure functions from a validated source row to the parameters of its ``cypher/ingest.cypher`` write.

Each builder takes the typed values (from :mod:`ingest.validate`), the values as written in the file and
the provenance, and returns one map of the ``$rows`` batch: the keys the statement MERGEs on, ``props``
to set, and lists of shared identifiers ``{key, as_written}``. A derived key that cannot be formed (an
address of punctuation only) raises :class:`~ingest.normalise.InvalidIdentifier`, which quarantines the
row like any other validation problem.

>>> row = person_row({"person_id": "P1", "name": "Kim Minsu", "phone": "+821048213390"},
...                  {"phone": "010-4821-3390"}, Provenance("persons.csv", 2))
>>> row["phones"]
[{'key': '+821048213390', 'as_written': '010-4821-3390'}]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ingest.normalise import InvalidIdentifier, account_key, address_key, name_key, passport_key

__all__ = [
    "BUILDERS",
    "Provenance",
    "RowBuilder",
    "account_owners",
    "amlsim_account_row",
    "amlsim_alert_row",
    "amlsim_node_row",
    "amlsim_transaction_row",
    "amlsim_tx_row",
    "bacuda_declaration_row",
    "company_row",
    "declaration_row",
    "document_row",
    "person_row",
    "purchase_record_row",
    "transfer_accounts",
    "transfer_row",
    "trip_row",
    "watchlist_row",
    "xray_hit_row",
]

Params = dict[str, Any]


@dataclass(frozen=True)
class Provenance:
    """Where a fact came from: the source file, its line, and the data set (the folder's name)."""

    file: str
    line: int
    dataset: str = ""

    def props(self) -> Params:
        """The provenance properties every loaded node or event carries."""
        return {"source_file": self.file, "source_line": self.line}


RowBuilder = Callable[[Params, Params, Provenance], Params]


def _present(values: Params, *names: str) -> Params:
    return {name: values[name] for name in names if values.get(name) not in (None, [])}


def _identifier(typed: Any, written: Any) -> list[Params]:
    """A shared identifier as ``[{key, as_written}]``, or ``[]`` when the source left it empty."""
    return [] if typed is None else [{"key": typed, "as_written": str(written).strip()}]


def _address(written: Any) -> list[Params]:
    if written is None or not str(written).strip():
        return []
    return [{"key": address_key(str(written)), "as_written": str(written).strip()}]


def _single(value: Any) -> list[Any]:
    return [] if value is None else [value]


def person_row(typed: Params, written: Params, source: Provenance) -> Params:
    """A traveler or a person from another register, with their phones, e-mails, address, passport."""
    passports = []
    if typed.get("passport_number"):
        key = passport_key(typed["passport_country"], typed["passport_number"])
        passports.append({"key": key, "number": key.split(":")[1], "country": typed["passport_country"]})
    props = _present(typed, "name", "name_latin", "nationality", "date_of_birth") | source.props()
    props["name_key"] = name_key(typed["name"])
    return {
        "line": source.line,
        "person_id": typed["person_id"],
        "props": props,
        "phones": _identifier(typed.get("phone"), written.get("phone")),
        "emails": _identifier(typed.get("email"), written.get("email")),
        "addresses": _address(written.get("address")),
        "passports": passports,
    }


def company_row(typed: Params, written: Params, source: Provenance) -> Params:
    """An importer, supplier or broker with its identifiers, accounts and representative."""
    props = _present(typed, "registration_number", "name", "country", "registered_on", "representative_name")
    props |= {"roles": typed.get("roles") or [], "name_key": name_key(typed["name"])} | source.props()
    return {
        "line": source.line,
        "company_id": typed["company_id"],
        "representative_person_id": typed.get("representative_person_id"),
        "roles": typed.get("roles") or [],
        "props": props,
        "phones": _identifier(typed.get("phone"), written.get("phone")),
        "emails": _identifier(typed.get("email"), written.get("email")),
        "addresses": _address(written.get("address")),
        "accounts": [{"key": account_key(a), "as_written": a} for a in typed.get("bank_accounts") or []],
        "representatives": _single(typed.get("representative_person_id")),
    }


def trip_row(typed: Params, _written: Params, source: Provenance) -> Params:
    """One traveler's trip."""
    props = _present(typed, "carrier", "voyage", "departs_on", "origin", "destination", "booking_reference")
    return {
        "line": source.line,
        "trip_id": typed["trip_id"],
        "person_id": typed["person_id"],
        "props": props | source.props(),
    }


_DECLARATION_PROPS = (
    "declared_on",
    "hs_code",
    "item_description",
    "quantity",
    "unit",
    "gross_weight_kg",
    "declared_value",
    "currency",
    "origin_country",
    "office",
    "inspected",
    "inspection_outcome",
    "revenue",
    "tracking_number",
    "container_number",
)


def declaration_row(typed: Params, _written: Params, source: Provenance) -> Params:
    """An import declaration with its importer, supplier, broker and parcel."""
    props = _present(typed, *_DECLARATION_PROPS) | source.props()
    if typed.get("quantity"):
        props["declared_unit_price"] = typed["declared_value"] / typed["quantity"]
    return {
        "line": source.line,
        "declaration_id": typed["declaration_id"],
        "importer_id": typed.get("importer_id"),
        "supplier_id": typed.get("supplier_id"),
        "broker_id": typed.get("broker_id"),
        "props": props,
        "importers": _single(typed.get("importer_id")),
        "suppliers": _single(typed.get("supplier_id")),
        "brokers": _single(typed.get("broker_id")),
        "parcels": _single(typed.get("tracking_number")),
    }


def transfer_row(typed: Params, _written: Params, source: Provenance) -> Params:
    """A transfer between two accounts, with their owners when the source names them."""
    return {
        "line": source.line,
        "transfer_id": typed["transfer_id"],
        "sender_account": account_key(typed["sender_account"]),
        "receiver_account": account_key(typed["receiver_account"]),
        "sender_owner_id": typed.get("sender_owner_id"),
        "receiver_owner_id": typed.get("receiver_owner_id"),
        "props": _present(typed, "amount", "currency", "sent_at", "purpose") | source.props(),
    }


_LEDGER_PROPS = (
    "seq",
    "event",
    "order_id",
    "marketplace",
    "item",
    "hs_code",
    "price",
    "currency",
    "tracking_number",
    "consignee_name",
    "consignee_address",
    "recorded_at",
    "prev_hash",
    "hash",
)


def purchase_record_row(typed: Params, _written: Params, source: Provenance) -> Params:
    """A ledger record: seller, buyer and, for shipments, the parcel and its delivery address."""
    parcels = []
    if typed.get("tracking_number"):
        parcels.append(
            {
                "tracking_number": typed["tracking_number"],
                "consignee_name": typed["consignee_name"],
                "address_key": address_key(typed["consignee_address"]),
                "address_as_written": typed["consignee_address"],
            }
        )
    return {
        "line": source.line,
        "record_id": typed["record_id"],
        "seller_id": typed["seller_id"],
        "buyer_id": typed["buyer_id"],
        "props": _present(typed, *_LEDGER_PROPS) | source.props(),
        "parcels": parcels,
    }


def xray_hit_row(typed: Params, _written: Params, source: Provenance) -> Params:
    """An X-ray detection and the object it was made on."""
    props = _present(
        typed,
        "object_type",
        "object_ref",
        "detected_class",
        "confidence",
        "bbox",
        "image_ref",
        "scanned_at",
        "operator",
    )
    return {
        "line": source.line,
        "scan_id": typed["scan_id"],
        "object_type": typed["object_type"],
        "object_ref": typed["object_ref"],
        "props": props | source.props(),
    }


def watchlist_row(typed: Params, _written: Params, source: Provenance) -> Params:
    """A watchlist entry and the listed party."""
    return {
        "line": source.line,
        "entry_id": typed["entry_id"],
        "entity_id": typed["entity_id"],
        "entity_kind": typed["entity_kind"],
        "listed": {"kind": typed["entity_kind"], "id": typed["entity_id"]},
        "props": _present(typed, "entity_id", "entity_kind", "kind", "source", "listed_on") | source.props(),
    }


def document_row(typed: Params, _written: Params, source: Provenance) -> Params:
    """An investigation report, stored whole for later text analysis."""
    return {
        "line": source.line,
        "document_id": typed["document_id"],
        "props": _present(typed, "written_on", "author", "title", "text") | source.props(),
    }


def bacuda_declaration_row(typed: Params, _written: Params, source: Provenance) -> Params:
    """A WCO BACUDA declaration; its bare party ids become companies of their own namespace."""
    declared_on = _bacuda_date(typed["sgd.date"])
    props = {
        "declared_on": declared_on,
        "hs_code": typed["tariff.code"][:6],
        "tariff_code": typed["tariff.code"],
        "origin_country": typed["country"],
        "office": typed["office.id"],
        "quantity": typed["quantity"],
        "gross_weight_kg": typed["gross.weight"],
        "fob_value": typed["fob.value"],
        "cif_value": typed["cif.value"],
        "total_taxes": typed["total.taxes"],
        "inspected": True,
        "inspection_outcome": "illicit" if typed["illicit"] else "clear",
        "revenue": typed["revenue"],
    } | source.props()
    return {
        "line": source.line,
        "declaration_id": f"bacuda:{typed['sgd.id']}",
        "importer_id": f"bacuda:{typed['importer.id']}",
        "broker_id": f"bacuda:{typed['declarant.id']}",
        "props": props,
    }


def _bacuda_date(text: str) -> date:
    """BACUDA writes ``YY-MM-DD``; ISO dates are accepted as well."""
    try:
        if len(text) == 8:
            return datetime.strptime(text, "%y-%m-%d").date()
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidIdentifier(f"sgd.date: {text!r} is not a YY-MM-DD date") from None


def _amlsim_account(source: Provenance, number: Any) -> str:
    # AMLSim numbers accounts from 0 in every data set: the folder name keeps two sets apart.
    return f"amlsim:{source.dataset}:{number}"


def amlsim_node_row(typed: Params, _written: Params, source: Provenance) -> Params:
    """An AMLSim account (``nodes.csv``); the fraud label is stored as truth, never as a feature."""
    props = {
        "init_balance": typed["init_balance"],
        "dataset": source.dataset,
        "truth_is_fraud": bool(typed["isFraud"]),
        "truth_fraud_step": typed["fraudStep"],
    }
    return {
        "line": source.line,
        "account_id": _amlsim_account(source, typed["nodeid"]),
        "props": props | source.props(),
    }


def amlsim_account_row(typed: Params, _written: Params, source: Provenance) -> Params:
    """An AMLSim account from its full output (``accounts.csv``)."""
    props = {
        "customer_id": typed["PRIMARY_CUSTOMER_ID"],
        "init_balance": typed["init_balance"],
        "country": typed["country"],
        "business": typed["business"],
        "dataset": source.dataset,
        "truth_suspicious": typed["suspicious"].lower() == "true",
        "truth_is_fraud": typed["isFraud"].lower() == "true",
    }
    return {
        "line": source.line,
        "account_id": _amlsim_account(source, typed["ACCOUNT_ID"]),
        "props": props | source.props(),
    }


def _amlsim_transfer(
    source: Provenance, transfer_id: str, sender: Any, receiver: Any, props: Params
) -> Params:
    return {
        "line": source.line,
        "transfer_id": f"amlsim:{source.dataset}:{transfer_id}",
        "sender_account": _amlsim_account(source, sender),
        "receiver_account": _amlsim_account(source, receiver),
        "sender_owner_id": None,
        "receiver_owner_id": None,
        "props": props | {"dataset": source.dataset} | source.props(),
    }


def amlsim_transaction_row(typed: Params, _written: Params, source: Provenance) -> Params:
    """An AMLSim transfer (``transactions.csv``, no id column: the line is its id)."""
    props = {"amount": typed["value"], "time_step": typed["time"]}
    return _amlsim_transfer(source, f"line{source.line}", typed["sourceNodeId"], typed["targetNodeId"], props)


def amlsim_tx_row(typed: Params, _written: Params, source: Provenance) -> Params:
    """An AMLSim transfer from its full output (``tx.csv``)."""
    props = {
        "amount": typed["TXN_AMOUNT_ORIG"],
        "channel": typed["TXN_SOURCE_TYPE_CODE"],
        "time_step": typed["start"],
        "tx_count": typed["tx_count"],
    }
    return _amlsim_transfer(
        source, str(typed["TXN_ID"]), typed["ACCOUNT_ID"], typed["COUNTER_PARTY_ACCOUNT_NUM"], props
    )


def amlsim_alert_row(typed: Params, _written: Params, source: Provenance) -> Params:
    """An AMLSim alert: a truth label on its account (pattern name and date)."""
    return {
        "line": source.line,
        "account_id": _amlsim_account(source, typed["ACCOUNT_ID"]),
        "props": {
            "truth_alert_id": typed["ALERT_KEY"],
            "truth_alert_pattern": typed["CHECK_NAME"],
            "truth_alert_date": typed["EVENT_DATE"],
        },
    }


def transfer_accounts(rows: list[Params]) -> list[Params]:
    """The distinct accounts a batch of transfers touches, each once.

    >>> transfer_accounts([{"sender_account": "A", "receiver_account": "B"}] * 2)
    [{'account_id': 'A'}, {'account_id': 'B'}]
    """
    accounts = {row[f"{side}_account"] for row in rows for side in ("sender", "receiver")}
    return [{"account_id": account} for account in sorted(accounts)]


def account_owners(rows: list[Params]) -> list[Params]:
    """The distinct ``{account, owner}`` pairs a batch of transfers names, for one link each.

    >>> account_owners([{"sender_account": "A", "sender_owner_id": "P1", "receiver_account": "B",
    ...                  "receiver_owner_id": None}] * 2)
    [{'account': 'A', 'owner': 'P1'}]
    """
    pairs = {
        (row[f"{side}_account"], row[f"{side}_owner_id"])
        for row in rows
        for side in ("sender", "receiver")
        if row[f"{side}_owner_id"] is not None
    }
    return [{"account": account, "owner": owner} for account, owner in sorted(pairs)]


#: The builder of each source format, by format name.
BUILDERS: dict[str, RowBuilder] = {
    "declarations_bacuda": bacuda_declaration_row,
    "travelers": person_row,
    "persons": person_row,
    "companies": company_row,
    "trips": trip_row,
    "declarations": declaration_row,
    "transfers": transfer_row,
    "ledger": purchase_record_row,
    "xray_hits": xray_hit_row,
    "watchlist": watchlist_row,
    "documents": document_row,
    "nodes": amlsim_node_row,
    "transactions": amlsim_transaction_row,
    "accounts": amlsim_account_row,
    "tx": amlsim_tx_row,
    "alerts": amlsim_alert_row,
}
