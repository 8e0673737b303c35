from datetime import date

import pytest

from ingest.normalise import InvalidIdentifier
from ingest.rows import (
    Provenance,
    amlsim_node_row,
    amlsim_transaction_row,
    bacuda_declaration_row,
    company_row,
    declaration_row,
    transfer_row,
    watchlist_row,
)

SOURCE = Provenance("x.csv", 7, "20K_cycle200")


def test_company_identifiers_keep_how_they_were_written() -> None:
    typed = {
        "company_id": "C1",
        "name": "Hanbit Trading Co., Ltd.",
        "roles": ["importer", "supplier"],
        "phone": "+82234531290",
        "bank_accounts": ["110-234-567890"],
        "representative_person_id": "P9",
        "address": "Suite 1203, 511 Teheran-ro",
    }
    row = company_row(typed, {"phone": "02-3453-1290", "address": "Suite 1203, 511 Teheran-ro"}, SOURCE)
    assert row["phones"] == [{"key": "+82234531290", "as_written": "02-3453-1290"}]
    assert row["accounts"] == [{"key": "110234567890", "as_written": "110-234-567890"}]
    assert row["addresses"][0]["key"] == "suite 1203 511 teheran ro"
    assert row["representatives"] == ["P9"]
    assert row["props"]["source_line"] == 7
    assert row["props"]["name_key"] == "hanbit tradingcoltd"


def test_declarations_carry_the_unit_price_and_their_parties() -> None:
    typed = {"declaration_id": "D1", "declared_value": 1000.0, "quantity": 400.0, "supplier_id": "S1"}
    row = declaration_row(typed, {}, SOURCE)
    assert row["props"]["declared_unit_price"] == 2.5
    assert (row["importers"], row["suppliers"], row["brokers"]) == ([], ["S1"], [])


def test_transfer_accounts_are_normalised_and_owners_optional() -> None:
    typed = {"transfer_id": "T1", "sender_account": "110-234 567890", "receiver_account": "9876543210"}
    row = transfer_row(typed, {}, SOURCE)
    assert (row["sender_account"], row["receiver_account"]) == ("110234567890", "9876543210")
    assert row["sender_owner_id"] is None
    with pytest.raises(InvalidIdentifier):
        transfer_row({**typed, "sender_account": "12"}, {}, SOURCE)


def test_watchlist_rows_name_the_listed_party_for_the_reference_check() -> None:
    row = watchlist_row(
        {"entry_id": "W1", "entity_id": "C1", "entity_kind": "company", "kind": "x"}, {}, SOURCE
    )
    assert row["listed"] == {"kind": "company", "id": "C1"}


def test_amlsim_ids_are_namespaced_by_data_set_and_labels_kept_as_truth() -> None:
    node = amlsim_node_row({"nodeid": 5, "isFraud": 1, "init_balance": 10.0, "fraudStep": 12}, {}, SOURCE)
    assert node["account_id"] == "amlsim:20K_cycle200:5"
    assert node["props"]["truth_is_fraud"] is True and node["props"]["truth_fraud_step"] == 12
    assert not any(key in node["props"] for key in ("isFraud", "fraudStep"))
    tx = amlsim_transaction_row({"sourceNodeId": 5, "targetNodeId": 6, "value": 3.5, "time": 2}, {}, SOURCE)
    assert (tx["transfer_id"], tx["receiver_account"]) == (
        "amlsim:20K_cycle200:line7",
        "amlsim:20K_cycle200:6",
    )


def test_bacuda_dates_and_parties() -> None:
    typed = {
        "sgd.id": "SGD1",
        "sgd.date": "23-05-04",
        "importer.id": "IMP1",
        "declarant.id": "DEC1",
        "country": "CN",
        "office.id": "OFFICE03",
        "tariff.code": "8517120000",
        "quantity": 1.0,
        "gross.weight": 1.0,
        "fob.value": 1.0,
        "cif.value": 1.0,
        "total.taxes": 1.0,
        "illicit": 1,
        "revenue": 2.0,
    }
    row = bacuda_declaration_row(typed, {}, SOURCE)
    assert row["props"]["declared_on"] == date(2023, 5, 4)
    assert row["props"]["hs_code"] == "851712"
    assert row["props"]["inspection_outcome"] == "illicit"
    assert (row["importer_id"], row["broker_id"]) == ("bacuda:IMP1", "bacuda:DEC1")
    with pytest.raises(InvalidIdentifier, match="YY-MM-DD"):
        bacuda_declaration_row({**typed, "sgd.date": "May 4th"}, {}, SOURCE)
