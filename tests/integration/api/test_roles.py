"""The role matrix: each role on each route is let in or gets 403; no key or a wrong one gets 401."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.access import Role
from tests.integration.api.conftest import PURPOSE, SHARED_PHONE_RING, auth

pytestmark = pytest.mark.neo4j

INV, A, M, ADMIN = Role.INVESTIGATOR, Role.ANALYST, Role.MODEL_SERVICE, Role.ADMIN
S = Role.SCANNER
RING = SHARED_PHONE_RING.ring_id
NO_CASE = "CASE-NOPE"
NO_JOB = "JOB-NOPE"
#: (method, path, request arguments) -> the roles let in. Admins are let in everywhere.
MATRIX: list[tuple[str, str, dict[str, Any], set[Role]]] = [
    ("GET", "/v1/health", {}, {INV, A, M, S, ADMIN}),
    ("GET", "/v1/ready", {}, {INV, A, M, S, ADMIN}),
    ("GET", "/metrics", {}, {ADMIN}),
    ("GET", "/v1/audit", {}, {ADMIN}),
    ("GET", "/v1/entities", {"params": {"q": "kim"}}, {INV, A, ADMIN}),
    ("GET", "/v1/entities/Person/P1", {}, {INV, A, ADMIN}),
    ("GET", "/v1/entities/Person/P1/network", {}, {INV, A, ADMIN}),
    (
        "GET",
        "/v1/paths",
        {"params": {"from_label": "Person", "from_key": "P1", "to_label": "Person", "to_key": "P2"}},
        {INV, A, ADMIN},
    ),
    ("GET", "/v1/rings", {}, {INV, A, ADMIN}),
    ("GET", f"/v1/rings/{RING}", {}, {INV, A, ADMIN}),
    ("GET", "/v1/alerts", {}, {INV, A, ADMIN}),
    ("GET", f"/v1/alerts/{RING}", {}, {INV, A, ADMIN}),
    # An invalid transition (new -> escalated) so that an allowed call changes nothing: 409, not 403.
    ("POST", f"/v1/alerts/{RING}/status", {"json": {"status": "escalated"}}, {INV, ADMIN}),
    ("GET", "/v1/scores/Person/P1", {}, {M, A, ADMIN}),
    ("POST", "/v1/scores/batch", {"json": {"refs": [{"label": "Person", "key": "P1"}]}}, {M, A, ADMIN}),
    # Cases: an unknown case id, so that an allowed call changes nothing (404); creating one is harmless.
    ("POST", "/v1/cases", {"json": {"title": "role matrix"}}, {INV, A, ADMIN}),
    ("GET", "/v1/cases", {}, {INV, A, ADMIN}),
    ("GET", f"/v1/cases/{NO_CASE}", {}, {INV, A, ADMIN}),
    (
        "POST",
        f"/v1/cases/{NO_CASE}/entities",
        {"json": {"entities": [{"label": "Person", "key": "P1"}]}},
        {INV, A, ADMIN},
    ),
    ("POST", f"/v1/cases/{NO_CASE}/notes", {"json": {"text": "x"}}, {INV, A, ADMIN}),
    (
        "POST",
        f"/v1/cases/{NO_CASE}/evidence",
        {"json": {"description": "x", "reference": "y"}},
        {INV, A, ADMIN},
    ),
    ("POST", f"/v1/cases/{NO_CASE}/assignment", {"json": {"assignee": "analyst@test"}}, {INV, ADMIN}),
    ("POST", f"/v1/cases/{NO_CASE}/status", {"json": {"status": "in_progress"}}, {INV, ADMIN}),
    # Ingest: no body, so an allowed call is refused as an upload (415) and starts nothing.
    ("POST", "/v1/ingest", {}, {ADMIN}),
    ("GET", "/v1/ingest", {}, {ADMIN}),
    ("GET", f"/v1/ingest/{NO_JOB}", {}, {ADMIN}),
    ("GET", f"/v1/ingest/{NO_JOB}/quarantine/persons.invalid.jsonl", {}, {ADMIN}),
    (
        "POST",
        "/v1/features",
        {
            "json": {
                "model": "m",
                "version": "1",
                "rows": [{"label": "Person", "key": "NOPE", "features": {"x": 1}}],
            }
        },
        {M, ADMIN},
    ),
    # An invalid hit so that an allowed call spools nothing: 422, not 403.
    ("POST", "/v1/xray/hits", {"json": {"scan_id": "S1"}}, {S, ADMIN}),
    ("GET", "/v1/xray/spool", {}, {S, ADMIN}),
]


def test_the_matrix_covers_every_route(client: TestClient) -> None:
    schema = client.get("/v1/openapi.json").json()
    routes = {(method.upper(), path) for path, item in schema["paths"].items() for method in item}
    covered = {
        (
            method,
            path.replace(RING, "{ring_id}")
            .replace("Person/P1", "{label}/{key}")
            .replace(NO_CASE, "{case_id}")
            .replace(NO_JOB, "{job_id}")
            .replace("persons.invalid.jsonl", "{name}"),
        )
        for method, path, _, _ in MATRIX
    }
    assert routes == covered


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "allowed"), MATRIX, ids=[f"{m} {p}" for m, p, _, _ in MATRIX]
)
def test_each_role_on_each_route(
    client: TestClient,
    keys: dict[Role, str],
    method: str,
    path: str,
    kwargs: dict[str, Any],
    allowed: set[Role],
) -> None:
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
