from pathlib import Path

import pytest
from pydantic import ValidationError

from bigfinder.settings import DEFAULT_NEO4J_PASSWORD, PROJECT_ROOT, Mode, Settings, parse_size


def test_defaults_describe_a_local_development_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BIGFINDER_NEO4J_URI", raising=False)
    settings = Settings()
    assert settings.mode is Mode.DEVELOPMENT
    assert not settings.external_neo4j
    assert settings.bolt_uri == "bolt://127.0.0.1:7687"
    assert settings.neo4j_home == PROJECT_ROOT / "var" / "neo4j"
    # Heap and page cache together stay within 2 GB by default.
    assert parse_size(settings.neo4j_heap) + parse_size(settings.neo4j_pagecache) <= 2 * 1024**3


def test_environment_variables_use_the_bigfinder_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BIGFINDER_NEO4J_BOLT_PORT", "7799")
    monkeypatch.setenv("BIGFINDER_NEO4J_HEAP", "2G")
    monkeypatch.setenv("BIGFINDER_NEO4J_HOME", "/tmp/elsewhere")
    settings = Settings()
    assert settings.bolt_uri == "bolt://127.0.0.1:7799"
    assert settings.neo4j_heap == "2g"
    assert settings.neo4j_home == Path("/tmp/elsewhere")


def test_an_external_uri_means_nothing_local(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BIGFINDER_NEO4J_URI", "neo4j+s://abc.databases.neo4j.io")
    settings = Settings()
    assert settings.external_neo4j
    assert settings.bolt_uri == "neo4j+s://abc.databases.neo4j.io"


def test_production_refuses_the_default_password() -> None:
    with pytest.raises(ValidationError, match="still the built-in default"):
        Settings(mode=Mode.PRODUCTION, neo4j_password=DEFAULT_NEO4J_PASSWORD)


def test_production_accepts_a_real_password() -> None:
    settings = Settings(mode=Mode.PRODUCTION, neo4j_password="a-long-real-secret")
    assert settings.neo4j_password.get_secret_value() == "a-long-real-secret"
    # The password never shows in a repr or a log line.
    assert "a-long-real-secret" not in repr(settings)


@pytest.mark.parametrize("bad", ["lots", "1.5g", "-1g", "12t"])
def test_memory_sizes_are_validated(bad: str) -> None:
    with pytest.raises(ValidationError, match="is not a size"):
        Settings(neo4j_pagecache=bad)


def test_parse_size_units() -> None:
    assert parse_size("512m") == 512 * 1024**2
    assert parse_size("1G") == 1024**3
    assert parse_size("64k") == 64 * 1024
    assert parse_size("100") == 100


def test_port_must_be_a_port() -> None:
    with pytest.raises(ValidationError):
        Settings(neo4j_bolt_port=70000)
