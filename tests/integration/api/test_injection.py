"""Hostile text in every string parameter is data, never Cypher: the graph is unchanged and no 500."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from api.access import Role
from bigfinder.settings import Settings
from tests.integration.api.conftest import SHARED_PHONE_RING, auth, count_graph

pytestmark = pytest.mark.neo4j

ATTACKS = [
    "'",
    '"',
    "P1' OR 1=1 //",
    "}) DETACH DELETE n //",
    'x"}) MATCH (m) DETACH DELETE m RETURN 1 //',
    "` DETACH DELETE n `",
    "$key",
    "kim~ OR *:* AND name:/.*/",
    "김민수 ☠ \u202e\u0000",
    "\\",
]


def _requests(bad: str) -> list[tuple[str, str, dict[str, Any]]]:
    """Every route with ``bad`` in each of its string parameters in turn."""
    ring = SHARED_PHONE_RING.ring_id
    quoted = quote(bad, safe="")
    return [
        ("GET", "/v1/entities", {"params": {"q": bad}}),
        ("GET", "/v1/entities", {"params": {"q": bad, "by": "identifier"}}),
        ("GET", f"/v1/entities/Person/{quoted}", {}),
        ("GET", f"/v1/entities/Person/{quoted}/network", {"params": {"type": bad}}),
        ("GET", "/v1/entities/Person/P1/network", {"params": {"since": bad}}),
        (
            "GET",
            "/v1/paths",
            {"params": {"from_label": "Person", "from_key": bad, "to_label": bad, "to_key": bad}},
        ),
        ("GET", "/v1/rings", {"params": {"scheme": bad, "status": bad}}),
        ("GET", f"/v1/rings/{quoted}", {}),
        ("GET", "/v1/alerts", {"params": {"scheme": bad}}),
        ("GET", f"/v1/alerts/{quoted}", {"params": {"purpose": bad}}),
        ("POST", f"/v1/alerts/{quoted}/status", {"json": {"status": "in_review", "note": bad}}),
        # new -> escalated is refused, so the note never lands.
        ("POST", f"/v1/alerts/{ring}/status", {"json": {"status": "escalated", "note": bad}}),
        (
            "POST",
            "/v1/scores/batch",
            {"json": {"refs": [{"label": "Person", "key": bad}, {"label": bad, "key": "P1"}]}},
        ),
        (
            "POST",
            "/v1/features",
            {
                "json": {
                    "model": bad,
                    "version": bad,
                    "rows": [{"label": "Person", "key": "P1", "features": {bad: 1}}],
                }
            },
        ),
        (
            "POST",
            "/v1/features",
            {
                "json": {
                    "model": "m",
                    "version": "1",
                    "rows": [{"label": "Person", "key": bad, "features": {"x": 1}}],
                }
            },
        ),
        ("GET", "/v1/audit", {"params": {"owner": bad, "subject": bad, "action": bad}}),
    ]


def test_injection_attempts_change_nothing(
    client: TestClient, keys: dict[Role, str], driver: Driver, settings: Settings
) -> None:
    before = count_graph(driver, settings)
    admin = auth(keys[Role.ADMIN], **{"X-Purpose": "security test"})
    for bad in ATTACKS:
        for method, path, kwargs in _requests(bad):
            answer = client.request(method, path, headers=admin, **kwargs)
            assert answer.status_code < 500, (method, path, bad, answer.text)
            assert answer.headers["content-type"].startswith("application/"), (path, bad)
    assert count_graph(driver, settings) == before
