"""Cases end to end: open, pin entities and relationships, notes, evidence, assign, the workflow, the file."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from api.access import Role
from api.app import create_app
from bigfinder.settings import Settings
from tests.conftest import _delete_everything
from tests.integration.api.conftest import PURPOSE, SHARED_PHONE_RING, auth, seed_api_world
from tests.integration.seeding import SHARED_PHONE

pytestmark = pytest.mark.neo4j

P1 = {"label": "Person", "key": "P1"}
P2 = {"label": "Person", "key": "P2"}
PHONE = {"label": "Phone", "key": SHARED_PHONE}
ACC1 = {"label": "Account", "key": "ACC001"}
ACC2 = {"label": "Account", "key": "ACC002"}


@pytest.fixture
def case_client(
    driver: Driver, settings: Settings, api_settings: Settings, keys: dict[Role, str]
) -> Iterator[TestClient]:
    seed_api_world(driver, settings)
    with TestClient(create_app(api_settings), raise_server_exceptions=False) as client:
        yield client
    _delete_everything(driver, settings)


def test_a_case_from_opening_to_reopening(case_client: TestClient, keys: dict[Role, str]) -> None:
    client = case_client
    investigator = auth(keys[Role.INVESTIGATOR], **PURPOSE)
    analyst = auth(keys[Role.ANALYST], **PURPOSE)

    opened = client.post(
        "/v1/cases", json={"title": "Shared phone", "entities": [P1, P2]}, headers=investigator
    )
    assert opened.status_code == 201, opened.text
    case = opened.json()
    assert (case["status"], case["entity_count"], case["created_by"]) == ("open", 2, "investigator@test")
    path = f"/v1/cases/{case['case_id']}"

    pinned = client.post(
        f"{path}/entities",
        json={
            "entities": [P1],
            "relationships": [
                {"type": "HAS_PHONE", "source": P1, "target": PHONE},
                {"type": "TRANSFER", "source": ACC1, "target": ACC2},
            ],
            "note": "money follows the phone",
        },
        headers=analyst,
    )
    assert pinned.status_code == 200, pinned.text
    assert pinned.json()["entity_count"] == 5
    # All or nothing: one unknown entity, or a relationship that is not there, pins nothing.
    unknown = client.post(
        f"{path}/entities", json={"entities": [P1, {"label": "Person", "key": "P404"}]}, headers=analyst
    )
    assert unknown.status_code == 404 and "Person:P404" in unknown.json()["detail"]
    no_link = client.post(
        f"{path}/entities",
        json={
            "relationships": [
                {"type": "TRANSFER", "source": ACC2, "target": {"label": "Account", "key": "ACC404"}}
            ]
        },
        headers=analyst,
    )
    assert no_link.status_code == 404
    p3_link = client.post(
        f"{path}/entities",
        json={
            "relationships": [
                {"type": "HAS_PHONE", "source": {"label": "Person", "key": "P3"}, "target": PHONE}
            ]
        },
        headers=analyst,
    )
    assert p3_link.status_code == 404 and "no HAS_PHONE relationship" in p3_link.json()["detail"]

    assert (
        client.post(f"{path}/notes", json={"text": "P2 denies knowing P1"}, headers=analyst).status_code
        == 200
    )
    evidence = {"description": "SIM registration", "reference": "telco letter 2024-88", "about": [P1]}
    assert client.post(f"{path}/evidence", json=evidence, headers=investigator).status_code == 200
    outside = {**evidence, "about": [{"label": "Person", "key": "P3"}]}
    assert client.post(f"{path}/evidence", json=outside, headers=investigator).status_code == 409

    assert (
        client.post(f"{path}/assignment", json={"assignee": "nobody@x"}, headers=investigator).status_code
        == 422
    )
    assigned = client.post(f"{path}/assignment", json={"assignee": "analyst@test"}, headers=investigator)
    assert assigned.json()["assignee"] == "analyst@test"

    def move(status: str) -> int:
        return client.post(
            f"{path}/status", json={"status": status, "note": status}, headers=investigator
        ).status_code

    assert move("closed") == 409
    assert move("in_progress") == 200
    assert move("closed") == 200
    closed_note = client.post(f"{path}/notes", json={"text": "late"}, headers=analyst)
    assert closed_note.status_code == 409 and closed_note.json()["title"] == "Case is closed"
    assert move("in_progress") == 409
    assert move("open") == 200

    body = client.get(path, headers=analyst).json()
    assert body["status"] == "open" and body["assignee"] == "analyst@test"
    entities = {e["id"]: e for e in body["entities"]}
    assert set(entities) == {
        "Person:P1",
        "Person:P2",
        f"Phone:{SHARED_PHONE}",
        "Account:ACC001",
        "Account:ACC002",
    }
    assert entities["Person:P1"]["pinned_by"] == "investigator@test"
    assert entities["Account:ACC001"]["note"] == "money follows the phone"
    assert {s["name"]: s["value"] for s in entities["Person:P1"]["scores"]} == {
        "pagerank": 0.25,
        "wcc_id": 7.0,
    }
    links = {(r["type"], r["source"], r["target"]): r["pinned"] for r in body["relationships"]}
    assert links[("HAS_PHONE", "Person:P1", f"Phone:{SHARED_PHONE}")] is True
    assert links[("HAS_PHONE", "Person:P2", f"Phone:{SHARED_PHONE}")] is False
    assert links[("TRANSFER", "Account:ACC001", "Account:ACC002")] is True
    assert ("OWNS_ACCOUNT", "Person:P1", "Account:ACC001") in links
    assert [n["text"] for n in body["notes"]] == ["P2 denies knowing P1"]
    [item] = body["evidence"]
    assert item["reference"] == "telco letter 2024-88" and item["about"] == ["Person:P1"]
    [alert] = body["alerts"]
    assert alert["ring_id"] == SHARED_PHONE_RING.ring_id
    assert set(alert["case_members"]) == {"Person:P1", "Person:P2", f"Phone:{SHARED_PHONE}"}
    transfers = [
        (e["at"][:10], e["entity"], e["outgoing"]) for e in body["timeline"] if e["type"] == "TRANSFER"
    ]
    assert transfers[:2] == [("2023-01-10", "Account:ACC001", True), ("2023-01-10", "Account:ACC002", False)]
    assert body["timeline_total"] == len(body["timeline"]) == 4
    assert [h["action"] for h in body["history"]] == [
        "created",
        "entities_added",
        "note_added",
        "evidence_added",
        "assigned",
        "status",
        "status",
        "status",
    ]
    assert body["history"][-1]["detail"].startswith("closed -> open")


def test_case_reads_need_a_purpose_are_paged_and_audited(
    case_client: TestClient, keys: dict[Role, str]
) -> None:
    client = case_client
    analyst = auth(keys[Role.ANALYST], **PURPOSE)
    ids = [
        client.post("/v1/cases", json={"title": f"case {i}", "entities": [P1]}, headers=analyst).json()[
            "case_id"
        ]
        for i in range(3)
    ]
    assert client.get("/v1/cases", headers=auth(keys[Role.ANALYST])).status_code == 400
    first = client.get("/v1/cases", params={"limit": 2}, headers=analyst).json()
    second = client.get("/v1/cases", params={"limit": 2, "offset": 2}, headers=analyst).json()
    assert first["next_offset"] == 2 and second["next_offset"] is None
    assert {c["case_id"] for c in first["items"] + second["items"]} == set(ids)
    assert client.get("/v1/cases", params={"status": "closed"}, headers=analyst).json()["items"] == []
    assert client.get("/v1/cases/CASE-NOPE", headers=analyst).status_code == 404

    def reads_of(subject: str) -> int:
        params = {"subject": subject, "action": "case.read"}
        return len(client.get("/v1/audit", params=params, headers=auth(keys[Role.ADMIN])).json()["items"])

    p1_reads = reads_of("Person:P1")
    client.get(f"/v1/cases/{ids[0]}", headers=analyst)
    # The case and every entity shown in it are audited, with the reader's purpose.
    assert reads_of("Person:P1") == p1_reads + 1
    [entry] = client.get(
        "/v1/audit",
        params={"subject": f"Case:{ids[0]}", "action": "case.read"},
        headers=auth(keys[Role.ADMIN]),
    ).json()["items"]
    assert (entry["owner"], entry["purpose"]) == ("analyst@test", PURPOSE["X-Purpose"])
