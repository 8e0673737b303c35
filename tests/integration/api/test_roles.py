"""The role matrix: each role on each route is let in or gets 403; no key or a wrong one gets 401."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.access import Role
from tests.integration.api.conftest import PURPOSE, SHARED_PHONE_RING, auth
from tests.unit.api.test_api_logic import ROUTE_ROLES

pytestmark = pytest.mark.neo4j

RING = SHARED_PHONE_RING.ring_id
NO_CASE = "CASE-NOPE"
NO_JOB = "JOB-NOPE"
NO_PAIR = "Person:NOPE1|NOPE2"
#: (method, route) -> a call of it (path, request arguments) that changes nothing when let in. The roles
#: let in are those of tests/unit/api's ROUTE_ROLES, which the route guards are checked against.
CALLS: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {
    ("GET", "/v1/health"): ("/v1/health", {}),
    ("GET", "/v1/ready"): ("/v1/ready", {}),
    ("GET", "/metrics"): ("/metrics", {}),
    ("GET", "/v1/audit"): ("/v1/audit", {}),
    ("GET", "/v1/entities"): ("/v1/entities", {"params": {"q": "kim"}}),
    ("GET", "/v1/entities/{label}/{key}"): ("/v1/entities/Person/P1", {}),
    ("GET", "/v1/entities/{label}/{key}/network"): ("/v1/entities/Person/P1/network", {}),
    ("GET", "/v1/paths"): (
        "/v1/paths",
        {"params": {"from_label": "Person", "from_key": "P1", "to_label": "Person", "to_key": "P2"}},
    ),
    ("GET", "/v1/rings"): ("/v1/rings", {}),
    ("GET", "/v1/rings/{ring_id}"): (f"/v1/rings/{RING}", {}),
    ("GET", "/v1/alerts"): ("/v1/alerts", {}),
    ("GET", "/v1/alerts/{ring_id}"): (f"/v1/alerts/{RING}", {}),
    # An invalid transition (new -> escalated) so that an allowed call changes nothing: 409, not 403.
    ("POST", "/v1/alerts/{ring_id}/status"): (f"/v1/alerts/{RING}/status", {"json": {"status": "escalated"}}),
    ("GET", "/v1/scores/{label}/{key}"): ("/v1/scores/Person/P1", {}),
    ("POST", "/v1/scores/batch"): (
        "/v1/scores/batch",
        {"json": {"refs": [{"label": "Person", "key": "P1"}]}},
    ),
    # Cases: an unknown case id, so that an allowed call changes nothing (404); creating one is harmless.
    ("POST", "/v1/cases"): ("/v1/cases", {"json": {"title": "role matrix"}}),
    ("GET", "/v1/cases"): ("/v1/cases", {}),
    ("GET", "/v1/cases/{case_id}"): (f"/v1/cases/{NO_CASE}", {}),
    ("GET", "/v1/cases/{case_id}/export"): (f"/v1/cases/{NO_CASE}/export", {}),
    ("POST", "/v1/cases/{case_id}/entities"): (
        f"/v1/cases/{NO_CASE}/entities",
        {"json": {"entities": [{"label": "Person", "key": "P1"}]}},
    ),
    ("POST", "/v1/cases/{case_id}/notes"): (f"/v1/cases/{NO_CASE}/notes", {"json": {"text": "x"}}),
    ("POST", "/v1/cases/{case_id}/evidence"): (
        f"/v1/cases/{NO_CASE}/evidence",
        {"json": {"description": "x", "reference": "y"}},
    ),
    ("POST", "/v1/cases/{case_id}/assignment"): (
        f"/v1/cases/{NO_CASE}/assignment",
        {"json": {"assignee": "analyst@test"}},
    ),
    ("POST", "/v1/cases/{case_id}/status"): (
        f"/v1/cases/{NO_CASE}/status",
        {"json": {"status": "in_progress"}},
    ),
    # Ingest: no body, so an allowed call is refused as an upload (415) and starts nothing.
    ("POST", "/v1/ingest"): ("/v1/ingest", {}),
    ("GET", "/v1/ingest"): ("/v1/ingest", {}),
    ("GET", "/v1/ingest/{job_id}"): (f"/v1/ingest/{NO_JOB}", {}),
    ("GET", "/v1/ingest/{job_id}/quarantine/{name}"): (
        f"/v1/ingest/{NO_JOB}/quarantine/persons.invalid.jsonl",
        {},
    ),
    ("POST", "/v1/features"): (
        "/v1/features",
        {
            "json": {
                "model": "m",
                "version": "1",
                "rows": [{"label": "Person", "key": "NOPE", "features": {"x": 1}}],
            }
        },
    ),
    # Entity resolution: a pair of records not in the graph, so an allowed decision finds nothing (404).
    ("GET", "/v1/resolution/reviews"): ("/v1/resolution/reviews", {}),
    ("POST", "/v1/resolution/reviews/{pair_id}/decision"): (
        f"/v1/resolution/reviews/{NO_PAIR}/decision",
        {"json": {"decision": "rejected"}},
    ),
    # An invalid hit so that an allowed call spools nothing: 422, not 403.
    ("POST", "/v1/xray/hits"): ("/v1/xray/hits", {"json": {"scan_id": "S1"}}),
    ("GET", "/v1/xray/spool"): ("/v1/xray/spool", {}),
}


def test_the_matrix_covers_every_route(client: TestClient) -> None:
    schema = client.get("/v1/openapi.json").json()
    routes = {(method.upper(), path) for path, item in schema["paths"].items() for method in item}
    assert routes == set(CALLS) == set(ROUTE_ROLES)


@pytest.mark.parametrize(("method", "route"), list(CALLS), ids=[f"{m} {r}" for m, r in CALLS])
def test_each_role_on_each_route(client: TestClient, keys: dict[Role, str], method: str, route: str) -> None:
    path, kwargs = CALLS[(method, route)]
    allowed = ROUTE_ROLES[(method, route)]
    for role in Role:
        answer = client.request(method, path, headers=auth(keys[role], **PURPOSE), **kwargs)
        if role in allowed:
            assert answer.status_code not in (401, 403), (role, answer.text)
            assert answer.status_code < 500, (role, answer.text)
        else:
            assert answer.status_code == 403, (role, answer.text)
            assert answer.json()["title"] == "Forbidden"
    anonymous = client.request(method, path, headers=PURPOSE, **kwargs)
    assert anonymous.status_code == 401 and anonymous.headers["WWW-Authenticate"] == "Bearer"
    wrong = client.request(method, path, headers=auth("bf_not-a-key", **PURPOSE), **kwargs)
    assert wrong.status_code == 401
