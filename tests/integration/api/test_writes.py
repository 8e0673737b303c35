"""Routes that write: the alert workflow and model features (each test on a freshly seeded world)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from api.access import Role
from bigfinder.settings import Settings
from tests.conftest import _delete_everything
from tests.integration.api.conftest import PURPOSE, SHARED_PHONE_RING, auth, seed_api_world

pytestmark = pytest.mark.neo4j

RING = SHARED_PHONE_RING.ring_id


@pytest.fixture
def fresh(driver: Driver, settings: Settings) -> Iterator[None]:
    seed_api_world(driver, settings)
    yield
    _delete_everything(driver, settings)


@pytest.fixture
def write_client(api_settings: Settings, keys: dict[Role, str]) -> Iterator[TestClient]:
    from api.app import create_app

    with TestClient(create_app(api_settings), raise_server_exceptions=False) as test_client:
        yield test_client


def test_alert_workflow_records_who_and_refuses_skipped_steps(
    fresh: None, write_client: TestClient, keys: dict[Role, str]
) -> None:
    investigator = auth(keys[Role.INVESTIGATOR], **PURPOSE)
    path = f"/v1/alerts/{RING}/status"
    skipped = write_client.post(path, json={"status": "escalated"}, headers=investigator)
    assert skipped.status_code == 409 and "new cannot become escalated" in skipped.json()["detail"]
    taken = write_client.post(path, json={"status": "in_review", "note": "looks real"}, headers=investigator)
    assert taken.status_code == 200, taken.text
    assert taken.json()["status"] == "in_review" and taken.json()["status_changed_by"] == "investigator@test"
    closed = write_client.post(
        path, json={"status": "dismissed", "note": "family phone"}, headers=investigator
    )
    assert closed.json()["status"] == "dismissed"
    history = write_client.get(f"/v1/alerts/{RING}", headers=investigator).json()["status_history"]
    assert [(h["from"], h["to"], h["note"]) for h in history] == [
        ("new", "in_review", "looks real"),
        ("in_review", "dismissed", "family phone"),
    ]
    reopened = write_client.post(path, json={"status": "in_review"}, headers=investigator)
    assert reopened.status_code == 409
    assert (
        write_client.post(
            "/v1/alerts/nope:1/status", json={"status": "in_review"}, headers=investigator
        ).status_code
        == 404
    )
    audit = write_client.get(
        "/v1/audit", params={"subject": f"Ring:{RING}"}, headers=auth(keys[Role.ADMIN])
    ).json()
    assert {"alert.in_review", "alert.dismissed"} <= {e["action"] for e in audit["items"]}


def test_features_are_written_under_the_model_and_shown_on_the_entity(
    fresh: None, write_client: TestClient, keys: dict[Role, str]
) -> None:
    model = auth(keys[Role.MODEL_SERVICE])
    body = {
        "model": "price_model",
        "version": "2.1",
        "rows": [
            {"label": "Company", "key": "C1", "features": {"undervaluation": 0.7, "hs_spread": 3}},
            {"label": "Person", "key": "P1", "features": {"undervaluation": 0.1}},
            {"label": "Person", "key": "P404", "features": {"undervaluation": 0.1}},
        ],
    }
    written = write_client.post("/v1/features", json=body, headers=model)
    assert written.status_code == 200, written.text
    assert written.json()["written"] == 2 and written.json()["missing"] == [
        {"label": "Person", "key": "P404"}
    ]
    entity = write_client.get("/v1/entities/Company/C1", headers=auth(keys[Role.ANALYST], **PURPOSE)).json()
    [features] = entity["features"]
    assert features["model"] == "price_model" and features["version"] == "2.1" and features["written_at"]
    assert features["values"] == {"undervaluation": 0.7, "hs_spread": 3.0}
    assert not any(name.startswith("feature") for name in entity["properties"])
    for bad in ({"model": "Price-Model"}, {"model": "a__b"}):
        refused = write_client.post("/v1/features", json={**body, **bad}, headers=model)
        assert refused.status_code == 422
    not_finite = {**body, "rows": [{"label": "Person", "key": "P1", "features": {"x": "NaN"}}]}
    assert write_client.post("/v1/features", json=not_finite, headers=model).status_code == 422


def test_a_key_over_its_rate_limit_gets_429_with_retry_after(
    api_settings: Settings, keys: dict[Role, str], fresh: None
) -> None:
    from api.app import create_app

    limited = api_settings.model_copy(update={"api_rate_limit_per_minute": 3})
    with TestClient(create_app(limited)) as client:
        answers = [client.get("/v1/health", headers=auth(keys[Role.ANALYST])).status_code for _ in range(4)]
        assert answers == [200, 200, 200, 429]
        last = client.get("/v1/health", headers=auth(keys[Role.ANALYST]))
        assert int(last.headers["Retry-After"]) >= 1 and last.json()["title"] == "Too many requests"
        # Buckets are per key: another key is unaffected.
        assert client.get("/v1/health", headers=auth(keys[Role.INVESTIGATOR])).status_code == 200
