"""Shared fixtures: one real Neo4j for the whole test session, an empty graph for each test.

The server is the project's own embedded Neo4j, started on a test port with its own data folder under
``test-output/``, so a developer's server on 7687 is left alone. When ``BIGFINDER_NEO4J_URI`` is set the
tests use that external server instead and start nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from neo4j import Driver

import cypher
from bigfinder.settings import PROJECT_ROOT, Settings
from graph.local_server import LocalNeo4j
from graph.store import open_driver

TEST_OUTPUT = PROJECT_ROOT / "test-output"
TEST_BOLT_PORT = 7697
TEST_PASSWORD = "bigfinder-test-password"


def local_test_settings(home: Path, port: int, **overrides: object) -> Settings:
    """Settings for a throw-away local server (never the developer's own data folder or port)."""
    values: dict[str, object] = {
        "neo4j_home": home,
        "neo4j_bolt_port": port,
        "neo4j_password": TEST_PASSWORD,
        "neo4j_heap": "768m",
        "neo4j_pagecache": "256m",
    }
    values.update(overrides)
    return Settings.model_validate(values)


@pytest.fixture(scope="session")
def settings() -> Settings:
    """The settings every test that needs Neo4j runs with."""
    from_env = Settings()
    if from_env.external_neo4j:
        return from_env
    return local_test_settings(TEST_OUTPUT / "neo4j", TEST_BOLT_PORT)


@pytest.fixture(scope="session")
def neo4j_server(settings: Settings) -> Iterator[LocalNeo4j | None]:
    """Starts the local server once per session (None when an external server is used)."""
    if settings.external_neo4j:
        yield None
        return
    server = LocalNeo4j(settings)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def driver(settings: Settings, neo4j_server: LocalNeo4j | None) -> Iterator[Driver]:
    """The session's one driver."""
    session_driver = open_driver(settings)
    yield session_driver
    session_driver.close()


@pytest.fixture
def graph(driver: Driver, settings: Settings) -> Iterator[Driver]:
    """The driver, with an empty graph before and after the test."""
    _delete_everything(driver, settings)
    yield driver
    _delete_everything(driver, settings)


def _delete_everything(driver: Driver, settings: Settings) -> None:
    with driver.session(database=settings.neo4j_database) as session:
        session.run(cypher.load("admin", "delete_relationships_batched")).consume()
        session.run(cypher.load("admin", "delete_nodes_batched")).consume()
