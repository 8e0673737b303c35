"""The API against the real Neo4j: a seeded small world, one app, and a key for every role.

The world is ``tests.integration.seeding``'s (seeded through the real ingest row builders and
statements), plus analytics results and one ring written by the real :class:`graph.results.ResultWriter`.
The module-scoped ``client`` is for tests that only read; tests that write reseed with ``fresh_world``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from api.access import AccessStore, Role
from api.app import create_app
from bigfinder.settings import Settings
from graph.findings import EvidencePath, RingCandidate, RingMember
from graph.results import ResultWriter
from tests.conftest import _delete_everything
from tests.integration.seeding import SHARED_PHONE, seed_small_world

SHARED_PHONE_RING = RingCandidate(
    scheme="shared_identifier",
    score=0.9,
    members=(
        RingMember("Person", "P1", "holder", 0.9),
        RingMember("Person", "P2", "holder", 0.8),
        RingMember("Phone", SHARED_PHONE, "shared phone", 1.0),
    ),
    evidence=(
        EvidencePath(
            nodes=(("Person", "P1"), ("Phone", SHARED_PHONE), ("Person", "P2")),
            relationships=("HAS_PHONE", "HAS_PHONE"),
            reason="two people use one phone",
        ),
    ),
)
PURPOSE = {"X-Purpose": "case 2024-17: smuggling ring review"}

__all__ = ["PURPOSE", "SHARED_PHONE_RING", "auth", "count_graph", "seed_api_world"]


def seed_api_world(driver: Driver, settings: Settings) -> str:
    """Wipe, seed the small world, analytics scores on P1 and the shared-phone ring; returns the run id."""
    _delete_everything(driver, settings)
    seed_small_world(driver, settings)
    writer = ResultWriter(driver, settings)
    run = writer.start_run("test_detector", "1", {"seed": 1})
    writer.write_rings(run, [SHARED_PHONE_RING])
    # A named seeding statement for scores: ResultWriter writes them from a projection, which these
    # tests do not need; the properties are the same ones it writes.
    driver.execute_query(
        "MATCH (p:Person {person_id: 'P1'}) "
        "SET p.pagerank = 0.25, p.pagerank_run = $run_id, p.wcc_id = 7, p.wcc_id_run = $run_id",
        run_id=run.run_id,
        database_=settings.neo4j_database,
    )
    writer.finish_run(run, {"rings": 1})
    return run.run_id


def count_graph(driver: Driver, settings: Settings) -> tuple[int, int, str]:
    """Nodes, relationships and a digest of every property: what an injection must not change."""
    db = settings.neo4j_database
    nodes = driver.execute_query("MATCH (n) RETURN labels(n) AS l, properties(n) AS p", database_=db).records
    rels = driver.execute_query(
        "MATCH ()-[r]->() RETURN type(r) AS t, properties(r) AS p", database_=db
    ).records
    lines = sorted(json.dumps([r[0], r[1]], sort_keys=True, default=str) for r in [*nodes, *rels])
    return len(nodes), len(rels), hashlib.sha256("\n".join(lines).encode()).hexdigest()


@pytest.fixture(scope="module")
def api_settings(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    folder: Path = tmp_path_factory.mktemp("api")
    return settings.model_copy(
        update={
            "api_access_db": folder / "access.sqlite3",
            "api_upload_dir": folder / "uploads",
            "xray_spool_dir": folder / "xray",
            "api_rate_limit_per_minute": 100_000,
        }
    )


@pytest.fixture(scope="module")
def keys(api_settings: Settings) -> dict[Role, str]:
    """One key per role, created in the app's access store before it starts."""
    store = AccessStore(api_settings.api_access_db)
    created = {role: store.create_key(role, f"{role.value}@test").secret for role in Role}
    store.close()
    return created


@pytest.fixture(scope="module")
def seeded(driver: Driver, settings: Settings) -> Iterator[str]:
    """The seeded world for a module of read-only tests; wiped afterwards."""
    run_id = seed_api_world(driver, settings)
    yield run_id
    _delete_everything(driver, settings)


@pytest.fixture(scope="module")
def client(api_settings: Settings, keys: dict[Role, str], seeded: str) -> Iterator[TestClient]:
    with TestClient(create_app(api_settings), raise_server_exceptions=False) as test_client:
        yield test_client


def auth(key: str, **headers: str) -> dict[str, str]:
    """Headers with the bearer key and any others."""
    return {"Authorization": f"Bearer {key}", **headers}
