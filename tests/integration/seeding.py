"""A small graph with known answers, seeded through the real ingest row builders and statements.

Two people share a phone; three accounts pass money round in a circle (one transfer a month in early
2023); an importer and a supplier meet on one declaration; a traveller takes one trip. Tests of the
projection and of the result writer read it back and check what they see against these facts.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from neo4j import Driver

from bigfinder.settings import Settings
from graph.admin import init_schema
from graph.loader import GraphWriter
from ingest.rows import (
    Provenance,
    account_owners,
    company_row,
    declaration_row,
    person_row,
    transfer_accounts,
    transfer_row,
    trip_row,
)

__all__ = ["DECLARED_ON", "SHARED_PHONE", "TRANSFERS", "seed_small_world"]

SHARED_PHONE = "+821011112222"
DECLARED_ON = date(2023, 2, 1)
#: (transfer_id, sender account, receiver account, sender owner, amount, sent_at)
TRANSFERS = (
    ("T1", "ACC001", "ACC002", "P1", 100.0, datetime(2023, 1, 10, 9, 30, tzinfo=UTC)),
    ("T2", "ACC002", "ACC003", "P2", 50.0, datetime(2023, 2, 10, 12, 0, 0, 500_000, tzinfo=UTC)),
    ("T3", "ACC003", "ACC001", None, 25.0, datetime(2023, 3, 10, 18, 45, tzinfo=UTC)),
)


def _source(line: int) -> Provenance:
    return Provenance("seed.csv", line)


def seed_small_world(driver: Driver, settings: Settings) -> None:
    """Create the schema and the small world (see the module docstring)."""
    init_schema(driver, settings)
    writer = GraphWriter(driver, settings)
    people: list[dict[str, Any]] = [
        {"person_id": "P1", "name": "Kim Min-su", "phone": SHARED_PHONE},
        {"person_id": "P2", "name": "Lee Ji-woo", "phone": SHARED_PHONE},
        {"person_id": "P3", "name": "Park Seo-yeon"},
    ]
    writer.write("merge_person", [person_row(p, p, _source(i)) for i, p in enumerate(people, 2)])
    companies: list[dict[str, Any]] = [
        {"company_id": "C1", "name": "Hanbit Trading", "roles": ["importer"], "phone": "+8225550000"},
        {"company_id": "C2", "name": "Shenzhen Bright", "roles": ["supplier"]},
    ]
    writer.write("merge_company", [company_row(c, c, _source(i)) for i, c in enumerate(companies, 2)])
    declaration = {
        "declaration_id": "D1",
        "declared_on": DECLARED_ON,
        "importer_id": "C1",
        "supplier_id": "C2",
        "declared_value": 1000.0,
        "quantity": 10,
    }
    writer.write("merge_declaration", [declaration_row(declaration, declaration, _source(2))])
    trip = {"trip_id": "TR1", "person_id": "P3", "departs_on": date(2023, 5, 4), "carrier": "KE"}
    writer.write("merge_trip", [trip_row(trip, trip, _source(2))])
    rows = [
        transfer_row(
            {
                "transfer_id": transfer_id,
                "sender_account": sender,
                "receiver_account": receiver,
                "sender_owner_id": owner,
                "receiver_owner_id": None,
                "amount": amount,
                "currency": "KRW",
                "sent_at": sent_at,
            },
            {},
            _source(line),
        )
        for line, (transfer_id, sender, receiver, owner, amount, sent_at) in enumerate(TRANSFERS, 2)
    ]
    writer.write("merge_accounts", transfer_accounts(rows))
    writer.write("merge_transfer", rows)
    writer.write("merge_account_owners", account_owners(rows))
