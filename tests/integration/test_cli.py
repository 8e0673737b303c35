"""The ``bigfinder`` command as a user runs it: a real process against the real server."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bigfinder.settings import Settings
from graph.admin import schema_statements
from graph.local_server import LocalNeo4j
from tests.conftest import TEST_OUTPUT, local_test_settings

pytestmark = pytest.mark.neo4j


def run_cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m bigfinder ARGS`` with ``settings`` as BIGFINDER_* variables."""
    env = settings.as_environment() | {"PATH": "/usr/bin:/bin", "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "bigfinder", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def test_db_init_then_status_prints_version_edition_plugins_and_constraints(
    settings: Settings, neo4j_server: LocalNeo4j | None
) -> None:
    init = run_cli(settings, "db", "init")
    assert init.returncode == 0, init.stdout + init.stderr
    assert "all ONLINE" in init.stdout

    status = run_cli(settings, "neo4j", "status")
    assert status.returncode == 0, status.stdout + status.stderr
    assert "5.26" in status.stdout
    assert "community" in status.stdout
    assert "apoc 5.26" in status.stdout and "gds 2.13" in status.stdout
    constraints = sum(s.kind == "constraint" for s in schema_statements())
    assert f"constraints      {constraints}" in status.stdout


def test_start_on_a_running_server_says_so(settings: Settings, neo4j_server: LocalNeo4j | None) -> None:
    if neo4j_server is None:
        pytest.skip("an external server is in use: nothing local to start")
    done = run_cli(settings, "neo4j", "start")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "already running" in done.stdout


def test_a_wrong_password_is_one_clear_message(settings: Settings, neo4j_server: LocalNeo4j | None) -> None:
    wrong = settings.model_copy(
        update={"neo4j_password": settings.neo4j_password.__class__("not-the-password")}
    )
    done = run_cli(wrong, "db", "init")
    assert done.returncode == 1
    assert "the password is wrong" in done.stderr
    assert "Traceback" not in done.stdout + done.stderr


def test_a_stopped_server_is_one_clear_message(tmp_path: Path) -> None:
    nowhere = local_test_settings(tmp_path / "none", 7695)
    status = run_cli(nowhere, "neo4j", "status")
    assert status.returncode == 3
    assert "Neo4j is not running" in status.stdout
    init = run_cli(nowhere, "db", "init")
    assert init.returncode == 1
    assert "is not reachable" in init.stderr and "bigfinder neo4j start" in init.stderr
    assert "Traceback" not in init.stdout + init.stderr


def test_an_external_uri_starts_nothing_and_works_the_same(
    settings: Settings, neo4j_server: LocalNeo4j | None, tmp_path: Path
) -> None:
    external = settings.model_copy(
        update={
            "neo4j_uri": settings.bolt_uri,
            "neo4j_home": tmp_path / "must-stay-empty",
            "neo4j_bolt_port": 7694,
        }
    )
    start = run_cli(external, "neo4j", "start")
    assert start.returncode == 0, start.stdout + start.stderr
    assert "nothing local to start" in start.stdout
    status = run_cli(external, "neo4j", "status")
    assert status.returncode == 0, status.stdout + status.stderr
    assert "community" in status.stdout and "process" not in status.stdout
    stop = run_cli(external, "neo4j", "stop")
    assert "not managed by bigfinder" in stop.stdout
    assert not (tmp_path / "must-stay-empty").exists()


def test_production_mode_refuses_the_default_password() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bigfinder", "db", "init"],
        env={"PATH": "/usr/bin:/bin", "BIGFINDER_MODE": "production"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "still the built-in default" in done.stderr
    assert "Traceback" not in done.stdout + done.stderr


def test_launcher_lifecycle_start_status_stop_leaves_no_process(tmp_path: Path) -> None:
    """A second, private server: start, status, stop, and the Java process is gone."""
    own = local_test_settings(TEST_OUTPUT / "lifecycle", 7696)
    server = LocalNeo4j(own)
    start = run_cli(own, "neo4j", "start")
    assert start.returncode == 0, start.stdout + start.stderr
    assert "Neo4j started" in start.stdout
    pid = server.running_pid()
    assert pid is not None

    status = run_cli(own, "neo4j", "status")
    assert f"pid {pid}" in status.stdout and "resident memory" in status.stdout

    stop = run_cli(own, "neo4j", "stop")
    assert stop.returncode == 0, stop.stdout + stop.stderr
    assert f"Neo4j stopped (pid {pid})" in stop.stdout
    assert server.running_pid() is None
    assert not server.pid_file.exists()
    assert not Path(f"/proc/{pid}/cmdline").exists() or not Path(f"/proc/{pid}/cmdline").read_bytes()
    assert "BIGFINDER_NEO4J_STOPPED" in server.log_file.read_text()
    assert run_cli(own, "neo4j", "stop").stdout.strip() == "Neo4j was not running."
