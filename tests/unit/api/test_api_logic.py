"""The API's pure logic without Neo4j: schemas, guards on every route, problems, limits, keys, workflow."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import ValidationError
from starlette.routing import BaseRoute

from api.access import AccessStore, Role
from api.app import create_app
from api.investigation import check_transition, feature_properties, identifier_candidates, name_query
from api.ratelimit import RateLimiter
from api.schemas import AlertStatus, EntityRef, FeatureWriteRequest, ScoreBatchRequest
from api.security import RoleGuard
from bigfinder.errors import InvalidTransition
from bigfinder.settings import Settings

INV, A, M, ADMIN = Role.INVESTIGATOR, Role.ANALYST, Role.MODEL_SERVICE, Role.ADMIN
S = Role.SCANNER


def _guards(dependant: Dependant) -> list[RoleGuard]:
    found = [dependant.call] if isinstance(dependant.call, RoleGuard) else []
    for sub in dependant.dependencies:
        found += _guards(sub)
    return found


def _api_routes(routes: Iterable[BaseRoute]) -> Iterator[APIRoute]:
    """Every route of the app, through included routers (which FastAPI keeps whole, not copied)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif (included := getattr(route, "original_router", None)) is not None:
            yield from _api_routes(included.routes)


#: (method, path) -> the roles each route's one guard admits; the role matrix of tests/integration/api
#: calls each of them with a key of every role.
ROUTE_ROLES: dict[tuple[str, str], set[Role]] = {
    ("GET", "/v1/health"): {INV, A, M, S, ADMIN},
    ("GET", "/v1/ready"): {INV, A, M, S, ADMIN},
    ("GET", "/metrics"): {ADMIN},
    ("GET", "/v1/audit"): {ADMIN},
    ("GET", "/v1/entities"): {INV, A, ADMIN},
    ("GET", "/v1/entities/{label}/{key}"): {INV, A, ADMIN},
    ("GET", "/v1/entities/{label}/{key}/network"): {INV, A, ADMIN},
    ("GET", "/v1/paths"): {INV, A, ADMIN},
    ("GET", "/v1/rings"): {INV, A, ADMIN},
    ("GET", "/v1/rings/{ring_id}"): {INV, A, ADMIN},
    ("GET", "/v1/alerts"): {INV, A, ADMIN},
    ("GET", "/v1/alerts/{ring_id}"): {INV, A, ADMIN},
    ("POST", "/v1/alerts/{ring_id}/status"): {INV, ADMIN},
    ("GET", "/v1/scores/{label}/{key}"): {M, A, ADMIN},
    ("POST", "/v1/scores/batch"): {M, A, ADMIN},
    ("POST", "/v1/features"): {M, ADMIN},
    ("POST", "/v1/cases"): {INV, A, ADMIN},
    ("GET", "/v1/cases"): {INV, A, ADMIN},
    ("GET", "/v1/cases/{case_id}"): {INV, A, ADMIN},
    ("GET", "/v1/cases/{case_id}/export"): {INV, A, ADMIN},
    ("POST", "/v1/cases/{case_id}/entities"): {INV, A, ADMIN},
    ("POST", "/v1/cases/{case_id}/notes"): {INV, A, ADMIN},
    ("POST", "/v1/cases/{case_id}/evidence"): {INV, A, ADMIN},
    ("POST", "/v1/cases/{case_id}/assignment"): {INV, ADMIN},
    ("POST", "/v1/cases/{case_id}/status"): {INV, ADMIN},
    ("POST", "/v1/ingest"): {ADMIN},
    ("GET", "/v1/ingest"): {ADMIN},
    ("GET", "/v1/ingest/{job_id}"): {ADMIN},
    ("GET", "/v1/ingest/{job_id}/quarantine/{name}"): {ADMIN},
    ("GET", "/v1/resolution/reviews"): {INV, A, ADMIN},
    ("POST", "/v1/resolution/reviews/{pair_id}/decision"): {INV, A, ADMIN},
    ("POST", "/v1/xray/hits"): {S, ADMIN},
    ("GET", "/v1/xray/spool"): {S, ADMIN},
}


def test_every_route_has_exactly_one_role_guard() -> None:
    app = create_app(Settings(neo4j_uri="bolt://127.0.0.1:9"))
    seen = {}
    for route in _api_routes(app.routes):
        [guard] = _guards(route.dependant)
        for method in route.methods or ():
            seen[(method, route.path)] = set(guard.roles)
    assert seen == ROUTE_ROLES
    # ... and every route the OpenAPI schema shows is one of them.
    schema = app.openapi()["paths"]
    assert {(method.upper(), path) for path, item in schema.items() for method in item} == set(seen)


def test_entity_refs_and_batches_are_checked_against_the_schema() -> None:
    assert EntityRef(label="Phone", key="+821011112222").node_id == "Phone:+821011112222"
    with pytest.raises(ValidationError, match="not an entity label"):
        EntityRef(label="Ring", key="x")
    with pytest.raises(ValidationError):
        EntityRef(label="Person", key="")
    refs = [{"label": "Person", "key": str(i)} for i in range(1_001)]
    with pytest.raises(ValidationError, match="at most 1000"):
        ScoreBatchRequest.model_validate({"refs": refs})


@pytest.mark.parametrize("name", ["Price", "a__b", "a-b", "_a", "a_", "1a", "a b", "n.x", "a`b"])
def test_model_and_feature_names_must_be_plain_identifiers(name: str) -> None:
    row = {"label": "Person", "key": "P1", "features": {"ok": 1.0}}
    with pytest.raises(ValidationError):
        FeatureWriteRequest.model_validate({"model": name, "version": "1", "rows": [row]})
    with pytest.raises(ValidationError):
        FeatureWriteRequest.model_validate(
            {"model": "m", "version": "1", "rows": [{**row, "features": {name: 1.0}}]}
        )


def test_feature_properties_live_under_the_model_prefix() -> None:
    props = feature_properties("risk_v", "3", {"a": 1, "b_2": 0.5}, "t")
    assert set(props) == {
        "feature__risk_v__a",
        "feature__risk_v__b_2",
        "featuremeta__risk_v__version",
        "featuremeta__risk_v__written_at",
    }


def test_name_queries_keep_only_words() -> None:
    assert name_query('}) DETACH DELETE n // "x" OR *:*') == "detach~2 delete~2 n x or"
    assert name_query("'\"()") == ""
    assert name_query("김민수") == "김민수~1"


def test_identifier_candidates_normalise_each_kind() -> None:
    found = identifier_candidates("KIM@Example.com ")
    assert {"label": "Email", "key": "kim@example.com"} in found
    assert {"label": "Person", "key": "KIM@Example.com"} in found
    assert {"label": "Passport", "key": "KR:M1234567"} in identifier_candidates("kr m1234567")


@pytest.mark.parametrize(
    ("current", "wanted", "ok"),
    [
        ("new", AlertStatus.IN_REVIEW, True),
        ("new", AlertStatus.ESCALATED, False),
        ("new", AlertStatus.DISMISSED, False),
        ("in_review", AlertStatus.ESCALATED, True),
        ("in_review", AlertStatus.DISMISSED, True),
        ("in_review", AlertStatus.NEW, False),
        ("dismissed", AlertStatus.IN_REVIEW, False),
        ("escalated", AlertStatus.DISMISSED, False),
        (None, AlertStatus.IN_REVIEW, True),
        ("reviewing", AlertStatus.IN_REVIEW, False),
    ],
)
def test_alert_workflow(current: str | None, wanted: AlertStatus, ok: bool) -> None:
    if ok:
        check_transition(current, wanted)
    else:
        with pytest.raises(InvalidTransition):
            check_transition(current, wanted)


def test_rate_limiter_refills_over_a_minute_per_key() -> None:
    now = [0.0]
    limiter = RateLimiter(per_minute=60, clock=lambda: now[0])
    assert all(limiter.take("a") == 0.0 for _ in range(60))
    assert limiter.take("a") == pytest.approx(1.0)
    assert limiter.take("b") == 0.0
    now[0] = 10.0
    assert sum(limiter.take("a") == 0.0 for _ in range(20)) == 10


def test_access_store_keeps_only_hashes_and_revokes(tmp_path: Path) -> None:
    path = tmp_path / "access.sqlite3"
    store = AccessStore(path)
    created = store.create_key(Role.MODEL_SERVICE, "scorer")
    assert created.secret.encode() not in path.read_bytes() + Path(f"{path}-wal").read_bytes()
    assert store.principal_for(created.secret) == created.principal
    assert store.revoke_key(created.principal.key_id)
    assert store.principal_for(created.secret) is None
    assert not store.revoke_key(created.principal.key_id)
    with pytest.raises(ValueError, match="owner"):
        store.create_key(Role.ADMIN, "  ")


def test_audit_is_durable_and_filtered(tmp_path: Path) -> None:
    store = AccessStore(tmp_path / "a.sqlite3")
    who = store.create_key(Role.ANALYST, "lee").principal
    store.record(who, "entity.read", ["Person:P1", "Person:P2"], "case 7")
    store.close()
    reopened = AccessStore(tmp_path / "a.sqlite3")
    assert [r.subject for r in reopened.audit(owner="lee")] == ["Person:P2", "Person:P1"]
    assert [r.purpose for r in reopened.audit(subject="Person:P1")] == ["case 7"]
    assert reopened.audit(since=datetime.now(UTC) + timedelta(hours=1)) == []
    assert len(reopened.audit(limit=1)) == 1


@pytest.fixture
def offline_client(tmp_path: Path) -> Iterator[tuple[TestClient, str]]:
    """The app with nothing listening on its Neo4j port: only what needs no graph works."""
    settings = Settings(neo4j_uri="bolt://127.0.0.1:9", api_access_db=tmp_path / "a.sqlite3")
    store = AccessStore(settings.api_access_db)
    key = store.create_key(Role.ANALYST, "unit").secret
    store.close()
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client, key


def test_problems_for_401_404_422_and_503(offline_client: tuple[TestClient, str]) -> None:
    client, key = offline_client
    anonymous = client.get("/v1/health")
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"] == "application/problem+json"
    assert set(anonymous.json()) == {"type", "title", "status", "detail", "instance"}
    unknown = client.get("/v1/nothing-here", headers={"Authorization": f"Bearer {key}"})
    assert unknown.status_code == 404 and unknown.json()["type"] == "urn:bigfinder:problem:not-found"
    invalid = client.get(
        "/v1/entities", params={"limit": 0}, headers={"Authorization": f"Bearer {key}", "X-Purpose": "test"}
    )
    assert invalid.status_code == 422
    assert {tuple(e["loc"]) for e in invalid.json()["errors"]} == {("query", "q"), ("query", "limit")}
    down = client.get("/v1/ready", headers={"Authorization": f"Bearer {key}"})
    assert down.status_code == 503 and down.headers["Retry-After"] == "5"


def test_cors_is_closed_by_default_and_open_to_configured_origins(tmp_path: Path) -> None:
    preflight = {"Origin": "https://ui.example", "Access-Control-Request-Method": "GET"}
    closed = Settings(neo4j_uri="bolt://127.0.0.1:9", api_access_db=tmp_path / "a.sqlite3")
    with TestClient(create_app(closed)) as client:
        assert "access-control-allow-origin" not in client.options("/v1/health", headers=preflight).headers
    opened = closed.model_copy(update={"api_cors_origins": ["https://ui.example"]})
    with TestClient(create_app(opened)) as client:
        answer = client.options("/v1/health", headers=preflight)
        assert answer.headers["access-control-allow-origin"] == "https://ui.example"
