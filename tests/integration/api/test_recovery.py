"""Neo4j going away and coming back: 503 with Retry-After meanwhile, then the API recovers by itself.

A server of its own (port 7796, data under test-output/), stopped and started under a running app.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.access import AccessStore, Role
from api.app import create_app
from graph.local_server import LocalNeo4j
from tests.conftest import TEST_OUTPUT, local_test_settings
from tests.integration.api.conftest import PURPOSE, auth

pytestmark = pytest.mark.neo4j

RECOVERY_PORT = 7796


def test_neo4j_down_gives_503_with_retry_after_and_the_api_recovers(tmp_path: Path) -> None:
    home = TEST_OUTPUT / "api-recovery"
    settings = local_test_settings(
        home,
        RECOVERY_PORT,
        neo4j_uri=None,
        api_access_db=tmp_path / "access.sqlite3",
        api_upload_dir=tmp_path / "uploads",
        api_retry_after_s=7,
    )
    store = AccessStore(settings.api_access_db)
    key = store.create_key(Role.INVESTIGATOR, "recovery@test").secret
    store.close()
    server = LocalNeo4j(settings)
    try:
        # The app starts while Neo4j is down, and says so.
        with TestClient(create_app(settings), raise_server_exceptions=False) as client:
            down = client.get("/v1/ready", headers=auth(key))
            assert down.status_code == 503 and down.headers["Retry-After"] == "7"
            assert down.headers["content-type"] == "application/problem+json"
            assert "not reachable" in down.json()["detail"]
            read = client.get("/v1/entities/Person/P1", headers=auth(key, **PURPOSE))
            assert read.status_code == 503 and read.headers["Retry-After"] == "7"

            server.start()
            assert client.get("/v1/ready", headers=auth(key)).status_code == 200
            assert client.get("/v1/entities/Person/P1", headers=auth(key, **PURPOSE)).status_code == 404

            server.stop()
            assert client.get("/v1/ready", headers=auth(key)).status_code == 503

            server.start()
            assert client.get("/v1/ready", headers=auth(key)).status_code == 200
    finally:
        server.stop()
