"""The one typed configuration object of bigfinder.

Every value can be set through an environment variable with the ``BIGFINDER_`` prefix (or a ``.env``
file in the working directory): ``BIGFINDER_NEO4J_PASSWORD``, ``BIGFINDER_NEO4J_URI``, ... Nothing else
in the code base reads the environment.
"""

from __future__ import annotations

import json
import re
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["DEFAULT_NEO4J_PASSWORD", "PROJECT_ROOT", "Mode", "Settings", "get_settings", "parse_size"]

#: The repository root: the launcher module and the default ``var/`` folder live there.
PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: Good enough for a laptop, refused anywhere else (see :class:`Settings`).
DEFAULT_NEO4J_PASSWORD = "bigfinder-dev-password"  # noqa: S105 - a known default that is refused outside development

_SIZE = re.compile(r"^\s*(\d+)\s*([kmg]?)b?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def parse_size(text: str) -> int:
    """Bytes in a JVM-style size such as ``512m`` or ``1g``.

    >>> parse_size("1g") + parse_size("512m")
    1610612736
    """
    match = _SIZE.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a size like 512m or 1g")
    return int(match.group(1)) * _UNITS[match.group(2).lower()]


def _size(text: str) -> str:
    parse_size(text)
    return text.strip().lower()


MemorySize = Annotated[str, AfterValidator(_size)]


class Mode(StrEnum):
    """Where bigfinder runs; anything but development refuses the default password."""

    DEVELOPMENT = "development"
    PRODUCTION = "production"


class Settings(BaseSettings):
    """All of bigfinder's configuration, read once from ``BIGFINDER_*`` variables."""

    model_config = SettingsConfigDict(env_prefix="BIGFINDER_", env_file=".env", extra="ignore")

    mode: Mode = Mode.DEVELOPMENT

    # An external Neo4j (Docker, Aura, a cluster). When set, bigfinder never starts a local server.
    neo4j_uri: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr = SecretStr(DEFAULT_NEO4J_PASSWORD)
    neo4j_database: str = "neo4j"

    # The local, embedded Neo4j started by `bigfinder neo4j start`.
    neo4j_bolt_port: int = Field(default=7687, ge=1, le=65535)
    neo4j_home: Path = PROJECT_ROOT / "var" / "neo4j"
    neo4j_heap: MemorySize = "1g"
    neo4j_pagecache: MemorySize = "512m"
    neo4j_tx_memory: MemorySize = "256m"
    neo4j_start_timeout_s: float = Field(default=180.0, gt=0)
    neo4j_stop_timeout_s: float = Field(default=60.0, gt=0)
    launcher_dir: Path = PROJECT_ROOT / "launcher"
    java: str = "java"
    maven: str = "mvn"

    schema_timeout_s: float = Field(default=300.0, gt=0)

    # Public reference data beside the checkout (../shared/data): AMLSim samples for tests and benchmarks.
    shared_data_dir: Path = PROJECT_ROOT.parent / "shared" / "data"

    # Ingest: checkpoints and quarantine files live here; rows per write transaction.
    ingest_state_dir: Path = PROJECT_ROOT / "var" / "ingest"
    ingest_batch_size: int = Field(default=5_000, ge=1, le=100_000)

    # The API service (`bigfinder api serve`). Loopback by default: exposing it is a deliberate choice.
    api_host: str = "127.0.0.1"
    api_port: int = Field(default=8000, ge=1, le=65535)
    # Browser origins allowed to call the API; none by default (CORS closed). JSON list in the variable.
    api_cors_origins: list[str] = Field(default_factory=list)
    # Requests per minute per API key (a token bucket: this many at once, refilled over a minute).
    api_rate_limit_per_minute: int = Field(default=1_200, ge=1)
    # API keys (hashed) and the audit log of personal-data reads: a SQLite file, see api/access.py.
    api_access_db: Path = PROJECT_ROOT / "var" / "api" / "access.sqlite3"
    # Seconds a client is told to wait (Retry-After) when Neo4j is unreachable.
    api_retry_after_s: int = Field(default=5, ge=1, le=3_600)
    # API ingest uploads (issue 5): each job's files, quarantine and checkpoints under this folder; the
    # largest upload accepted (all files of one request, a zip's unpacked size too), in bytes.
    api_upload_dir: Path = PROJECT_ROOT / "var" / "api" / "uploads"
    api_upload_max_bytes: int = Field(default=512 * 1024**2, ge=1)

    # The X-ray service (`bigfinder xray serve`, also mounted in the API under /v1/xray): scanner hits are
    # spooled durably (a SQLite WAL file in xray_spool_dir) before the reply, then drained into Neo4j.
    xray_host: str = "127.0.0.1"
    xray_port: int = Field(default=8010, ge=1, le=65535)
    xray_spool_dir: Path = PROJECT_ROOT / "var" / "xray"
    # Scanners are machines posting every bag: a larger request budget per key than people get.
    xray_rate_limit_per_minute: int = Field(default=600_000, ge=1)
    # Spooled hits per Neo4j write transaction, and how often hits on unknown objects are retried.
    xray_drain_batch_size: int = Field(default=2_000, ge=1, le=50_000)
    xray_link_interval_s: float = Field(default=30.0, gt=0)
    # Detections below this confidence do not count towards the discrepancy signal.
    xray_discrepancy_threshold: float = Field(default=0.5, ge=0.0, le=1.0)

    # The risk models (`bigfinder risk fit|score`): where the fitted models are kept between the two.
    risk_model_file: Path = PROJECT_ROOT / "var" / "risk" / "models.pickle"

    # The GNNs (`bigfinder gnn train|score|explain`, issue 9): the model registry's folder
    # (<dir>/<name>/<version>/) and the device: auto (CUDA when visible), cpu, or cuda[:n].
    gnn_model_dir: Path = PROJECT_ROOT / "var" / "models"
    gnn_device: str = "auto"

    # The investigation dashboard (`bigfinder dashboard serve`): loopback by default, like the API; a
    # login session ends after this many idle minutes.
    dashboard_host: str = "127.0.0.1"
    dashboard_port: int = Field(default=8050, ge=1, le=65535)
    dashboard_session_minutes: int = Field(default=480, ge=1, le=7 * 24 * 60)

    @model_validator(mode="after")
    def _refuse_default_password_outside_development(self) -> Settings:
        if (
            self.mode is not Mode.DEVELOPMENT
            and self.neo4j_password.get_secret_value() == DEFAULT_NEO4J_PASSWORD
        ):
            raise ValueError(
                "BIGFINDER_NEO4J_PASSWORD is still the built-in default; set a real password "
                f"(or BIGFINDER_MODE=development on a laptop). Mode is {self.mode.value}."
            )
        return self

    @property
    def external_neo4j(self) -> bool:
        """True when a server elsewhere is used and nothing local must start."""
        return self.neo4j_uri is not None

    @property
    def bolt_uri(self) -> str:
        """The URI the driver connects to: the external one, or the local server's."""
        # bolt:// because the local server is a single instance with no routing table to fetch.
        return self.neo4j_uri or f"bolt://127.0.0.1:{self.neo4j_bolt_port}"

    def as_environment(self, **overrides: object) -> dict[str, str]:
        """These settings (with ``overrides``) as ``BIGFINDER_*`` variables, for a child process.

        A server or command started by a benchmark or a test then runs with exactly these settings,
        not with whatever the parent's environment happens to hold.

        >>> env = Settings(neo4j_bolt_port=7700).as_environment(api_port=8100)
        >>> env["BIGFINDER_NEO4J_BOLT_PORT"], env["BIGFINDER_API_PORT"], "BIGFINDER_NEO4J_URI" in env
        ('7700', '8100', False)
        """
        values = self.model_dump(mode="json") | {"neo4j_password": self.neo4j_password.get_secret_value()}
        values.update(overrides)
        return {
            f"BIGFINDER_{name.upper()}": value if isinstance(value, str) else json.dumps(value)
            for name, value in values.items()
            if value is not None
        }


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read on first use."""
    return Settings()
