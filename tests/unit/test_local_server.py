from pathlib import Path

import pytest

from bigfinder.errors import LocalServerError
from bigfinder.settings import Settings
from graph.local_server import MAIN_CLASS, LocalNeo4j


def _server(tmp_path: Path, **overrides: object) -> LocalNeo4j:
    values: dict[str, object] = {"neo4j_home": tmp_path / "neo4j", "neo4j_password": "s3cret-pw", **overrides}
    return LocalNeo4j(Settings.model_validate(values))


def test_the_password_never_appears_on_the_command_line(tmp_path: Path) -> None:
    command = _server(tmp_path)._command()
    assert not any("s3cret-pw" in part for part in command)


def test_the_command_bounds_memory_and_binds_loopback(tmp_path: Path) -> None:
    command = _server(tmp_path, neo4j_heap="1g", neo4j_pagecache="512m", neo4j_bolt_port=7777)._command()
    assert "-Xmx1g" in command
    assert command[command.index("--pagecache") + 1] == "512m"
    assert command[command.index("--bolt-address") + 1] == "127.0.0.1"
    assert command[command.index("--bolt-port") + 1] == "7777"
    assert MAIN_CLASS in command
    assert "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED" in command


def test_no_pid_file_means_not_running(tmp_path: Path) -> None:
    server = _server(tmp_path)
    assert server.running_pid() is None
    assert server.process_info() is None
    assert server.stop().pid is None


def test_a_stale_pid_file_is_ignored_and_removed(tmp_path: Path) -> None:
    server = _server(tmp_path)
    server.home.mkdir(parents=True)
    # pid 1 is alive but is not our launcher: a recycled pid must never be signalled.
    server.pid_file.write_text("1\n")
    assert server.running_pid() is None
    assert not server.pid_file.exists()


def test_an_external_uri_refuses_a_local_start(tmp_path: Path) -> None:
    server = _server(tmp_path, neo4j_uri="bolt://db.example:7687")
    with pytest.raises(LocalServerError, match="no local Neo4j is started"):
        server.start()


def test_a_missing_java_is_one_clear_error(tmp_path: Path) -> None:
    server = _server(tmp_path, java="/nonexistent/java", neo4j_bolt_port=7796)
    with pytest.raises(LocalServerError, match="Java .* is not installed"):
        server.start()
