"""The X-ray service against the real Neo4j: posted hits reach the graph once, linked and assessed."""

from __future__ import annotations

import csv
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from api.access import AccessStore, Role
from api.app import create_app
from bigfinder.settings import Settings
from graph.loader import GraphWriter
from ingest.formats import format_by_name
from ingest.pipeline import Ingestor
from ingest.rows import Provenance, declaration_row, person_row, trip_row
from xray_service.app import create_xray_app
from xray_service.intake import refresh_xray_links

pytestmark = pytest.mark.neo4j

CONTAINER = "CSQU3054383"
TRIP = "T000000042"
PARCEL = "LX000000425KR"


@pytest.fixture
def xray_settings(settings: Settings, tmp_path: Path) -> Settings:
    return settings.model_copy(
        update={
            "api_access_db": tmp_path / "access.sqlite3",
            "xray_spool_dir": tmp_path / "spool",
            "xray_link_interval_s": 0.2,
            "ingest_state_dir": tmp_path / "ingest",
        }
    )


@pytest.fixture
def keys(xray_settings: Settings) -> dict[Role, str]:
    store = AccessStore(xray_settings.api_access_db)
    created = {role: store.create_key(role, f"{role.value}@test").secret for role in Role}
    store.close()
    return created


@pytest.fixture
def client(graph: Driver, xray_settings: Settings, keys: dict[Role, str]) -> Iterator[TestClient]:
    with TestClient(create_xray_app(xray_settings), raise_server_exceptions=False) as test_client:
        yield test_client


def _hit(scan_id: str, object_type: str, ref: str, *detections: tuple[str, float]) -> dict[str, Any]:
    return {
        "scan_id": scan_id,
        "object_type": object_type,
        "object_ref": ref,
        "detections": [
            {"detected_class": name, "confidence": conf, "bbox": [10 * n, 10, 40, 30]}
            for n, (name, conf) in enumerate(detections)
        ],
        "image_ref": f"xray://TEST/{scan_id}.png",
        "image_width": 640,
        "image_height": 480,
        "scanned_at": "2024-05-01T10:00:00Z",
        "operator": "OP-0001",
    }


def _seed_container_and_trip(driver: Driver, settings: Settings) -> None:
    writer = GraphWriter(driver, settings)
    source = Provenance("seed", 2)
    writer.write("merge_person", [person_row({"person_id": "P1", "name": "Kim Minsu"}, {}, source)])
    writer.write(
        "merge_trip",
        [trip_row({"trip_id": TRIP, "person_id": "P1", "carrier": "flight", "voyage": "KE0852"}, {}, source)],
    )
    declaration = {
        "declaration_id": "D000000001",
        "hs_code": "851712",
        "declared_value": 1000.0,
        "quantity": 10.0,
        "container_number": CONTAINER,
    }
    writer.write("merge_declaration", [declaration_row(declaration, {}, source)])


def _wait_drained(client: TestClient, key: str, timeout_s: float = 30.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        status: dict[str, Any] = client.get("/v1/xray/spool", headers=_auth(key)).json()
        if status["pending"] == 0:
            return status
        time.sleep(0.05)
    raise AssertionError(f"the spool did not drain: {status}")


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _one(driver: Driver, settings: Settings, query: str, **params: Any) -> dict[str, Any]:
    records = driver.execute_query(query, params, database_=settings.neo4j_database).records
    assert len(records) == 1, records
    return dict(records[0])


def test_posted_hits_reach_the_graph_linked_and_assessed(
    client: TestClient, graph: Driver, xray_settings: Settings, keys: dict[Role, str]
) -> None:
    _seed_container_and_trip(graph, xray_settings)
    batch = {
        "hits": [
            _hit("S1", "container", CONTAINER, ("electronics", 0.97), ("cigarettes", 0.88)),
            _hit("S2", "baggage", TRIP, ("electronics", 0.9)),
            _hit("S3", "parcel", PARCEL, ("toys", 0.8)),
        ]
    }
    answer = client.post("/v1/xray/hits", json=batch, headers=_auth(keys[Role.SCANNER]))
    assert answer.status_code == 202 and answer.json()["accepted"] == 3
    _wait_drained(client, keys[Role.SCANNER])

    container = _one(
        graph,
        xray_settings,
        "MATCH (h:XRayHit {scan_id: 'S1'})-[:SCANNED]->(d:Declaration) RETURN h{.*} AS h, d{.*} AS d",
    )
    assert container["h"]["discrepancy"] is True and container["h"]["discrepancy_score"] == 0.88
    assert "cigarettes" in container["h"]["discrepancy_reason"] and container["h"]["class_map_version"]
    assert container["h"]["detected_classes"] == ["electronics", "cigarettes"]
    assert container["d"]["xray_discrepancy"] is True and container["d"]["xray_discrepancy_score"] == 0.88
    baggage = _one(
        graph, xray_settings, "MATCH (h:XRayHit {scan_id: 'S2'})-[:SCANNED]->(t:Trip) RETURN h{.*} AS h"
    )
    assert baggage["h"]["discrepancy"] is False
    pending = _one(graph, xray_settings, "MATCH (h:XRayHit {scan_id: 'S3'}) RETURN h{.*} AS h")
    assert pending["h"]["link_pending"] is True and "discrepancy" not in pending["h"]


def test_a_repeated_scan_is_acknowledged_once_and_a_changed_one_is_refused(
    client: TestClient, graph: Driver, xray_settings: Settings, keys: dict[Role, str]
) -> None:
    headers = _auth(keys[Role.SCANNER])
    hit = _hit("S9", "parcel", PARCEL, ("toys", 0.8))
    assert client.post("/v1/xray/hits", json=hit, headers=headers).status_code == 202
    again = client.post("/v1/xray/hits", json=hit, headers=headers)
    assert again.status_code == 200 and again.json()["receipts"] == [{"scan_id": "S9", "status": "duplicate"}]
    _wait_drained(client, keys[Role.SCANNER])
    assert client.post("/v1/xray/hits", json=hit, headers=headers).status_code == 200
    changed = client.post("/v1/xray/hits", json={**hit, "operator": "OP-9999"}, headers=headers)
    assert changed.status_code == 409 and changed.json()["type"] == "urn:bigfinder:problem:scan-conflict"
    stored = _one(graph, xray_settings, "MATCH (h:XRayHit) RETURN count(h) AS n, collect(h.operator) AS ops")
    assert stored == {"n": 1, "ops": ["OP-0001"]}


def test_bad_payloads_get_problem_documents_naming_the_field(
    client: TestClient, keys: dict[Role, str]
) -> None:
    bad = _hit("S1", "parcel", PARCEL, ("toys", 0.8))
    bad["detections"][0]["bbox"] = [630, 0, 40, 30]
    answer = client.post("/v1/xray/hits", json=bad, headers=_auth(keys[Role.SCANNER]))
    assert answer.status_code == 422 and answer.headers["content-type"] == "application/problem+json"
    assert "outside the 640x480 image" in answer.json()["detail"]
    assert (
        client.post("/v1/xray/hits", content=b"{not json", headers=_auth(keys[Role.SCANNER])).status_code
        == 422
    )


def _write_csv(path: Path, source: str, rows: list[dict[str, Any]]) -> None:
    columns = format_by_name(source).column_names
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})


def test_a_hit_on_an_unknown_parcel_is_linked_when_the_parcel_arrives_by_file_ingest(
    client: TestClient, graph: Driver, xray_settings: Settings, keys: dict[Role, str], tmp_path: Path
) -> None:
    hit = _hit("S5", "parcel", PARCEL, ("cigarettes", 0.93))
    assert client.post("/v1/xray/hits", json=hit, headers=_auth(keys[Role.SCANNER])).status_code == 202
    _wait_drained(client, keys[Role.SCANNER])
    world = tmp_path / "world"
    world.mkdir()
    _write_csv(
        world / "companies.csv",
        "companies",
        [
            {
                "company_id": "C1",
                "registration_number": "X-1",
                "name": "Seller Ltd",
                "roles": "supplier",
                "country": "CN",
            }
        ],
    )
    declaration = format_by_name("declarations").example_row() | {
        "declaration_id": "D000000005",
        "importer_id": "",
        "supplier_id": "C1",
        "broker_id": "",
        "hs_code": "950300",
        "tracking_number": PARCEL,
        "container_number": "",
        "inspected": "false",
        "inspection_outcome": "",
    }
    _write_csv(world / "declarations.csv", "declarations", [declaration])
    # What `bigfinder ingest` does: load the files, then link and assess the waiting hits.
    report = Ingestor(GraphWriter(graph, xray_settings), xray_settings.ingest_state_dir).ingest_directory(
        world
    )
    assert report.quarantined == 0 and not report.failed, report
    # The service's own periodic linking may get there first; either way the hit ends up linked.
    _linked, assessed = refresh_xray_links(graph, xray_settings)
    assert assessed == 1
    found = _one(
        graph,
        xray_settings,
        "MATCH (h:XRayHit {scan_id: 'S5'})-[:SCANNED]->(p:Parcel)-[:DECLARED_IN]->(d:Declaration) "
        "RETURN h.link_pending AS pending, h.discrepancy AS flagged, p.xray_discrepancy AS parcel_flagged, "
        "h.discrepancy_reason AS reason",
    )
    assert found["pending"] is False and found["flagged"] is True and found["parcel_flagged"] is True
    assert "950300" in found["reason"]


def test_only_scanners_and_admins_may_post(client: TestClient, keys: dict[Role, str]) -> None:
    for role in Role:
        answer = client.post(
            "/v1/xray/hits",
            json=_hit(f"R-{role.value}", "parcel", PARCEL, ("toys", 0.8)),
            headers=_auth(keys[role]),
        )
        if role in (Role.SCANNER, Role.ADMIN):
            assert answer.status_code == 202, (role, answer.text)
        else:
            assert answer.status_code == 403 and answer.json()["title"] == "Forbidden", role
    anonymous = client.post("/v1/xray/hits", json=_hit("R-anon", "parcel", PARCEL, ("toys", 0.8)))
    assert anonymous.status_code == 401 and anonymous.headers["WWW-Authenticate"] == "Bearer"
    assert client.post("/v1/xray/hits", json={}, headers=_auth("bf_not-a-key")).status_code == 401


def test_the_api_serves_the_same_intake_under_v1_xray(
    graph: Driver, xray_settings: Settings, keys: dict[Role, str]
) -> None:
    with TestClient(create_app(xray_settings), raise_server_exceptions=False) as api:
        answer = api.post(
            "/v1/xray/hits",
            json=_hit("A1", "parcel", PARCEL, ("toys", 0.8)),
            headers=_auth(keys[Role.SCANNER]),
        )
        assert answer.status_code == 202
        assert _wait_drained(api, keys[Role.SCANNER])["mode"] == "mounted"
        assert (
            api.get("/v1/entities", params={"q": "x"}, headers=_auth(keys[Role.SCANNER])).status_code == 403
        )
    assert _one(graph, xray_settings, "MATCH (h:XRayHit) RETURN h.scan_id AS s") == {"s": "A1"}


def test_every_acknowledged_hit_is_in_the_graph_once_after_a_sigkill(
    graph: Driver, settings: Settings
) -> None:
    from bench.xray import run_fault

    outcome = run_fault(settings, hits=400, kill_after=150, rate=300.0)
    assert outcome.lost_in_crash > 0, "the kill came after the stream ended"
    assert outcome.acknowledged == outcome.sent
    assert outcome.missing == 0 and outcome.duplicated == 0 and outcome.unknown_in_graph == 0
    assert outcome.in_graph == outcome.sent
