"""Neo4j going away and coming back: 503 with Retry-After meanwhile, then the API recovers by itself.

The app reaches the session's Neo4j through a relay this test can cut: cut, new connections are refused
and the open ones (the driver's pool) are torn down, which is what a client sees of a stopped or crashed
server; restored, the port accepts again. It runs in seconds, where stopping and starting a server of
its own took minutes on a loaded machine, and it shows the same four things: the app starts while Neo4j
is away and says so, it answers once Neo4j is back, it says so again when Neo4j goes away under it
(with pooled connections now dead), and it answers again once Neo4j is back.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from api.access import AccessStore, Role
from api.app import create_app
from bigfinder.settings import Settings
from tests.integration.api.conftest import PURPOSE, auth

pytestmark = pytest.mark.neo4j


class _Relay:
    """A TCP relay on loopback to ``upstream`` that can be cut and restored on the same port."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self._upstream = upstream
        self._lock = threading.Lock()
        self._open: list[socket.socket] = []
        self._listener: socket.socket | None = None
        self._accepting = threading.Event()
        with socket.create_server(("127.0.0.1", 0)) as probe:
            self.port: int = probe.getsockname()[1]

    def restore(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._listener.settimeout(0.05)
        self._accepting.set()
        threading.Thread(target=self._accept, args=(self._listener,), daemon=True).start()

    def cut(self) -> None:
        self._accepting.clear()
        if self._listener is not None:
            self._listener.close()
        with self._lock:
            for connection in self._open:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
                connection.close()
            self._open.clear()

    def _accept(self, listener: socket.socket) -> None:
        while self._accepting.is_set():
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            server = socket.create_connection(self._upstream)
            with self._lock:
                self._open += [client, server]
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=_pump, args=(source, target), daemon=True).start()


def _pump(source: socket.socket, target: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while data := source.recv(65536):
            target.sendall(data)
    with contextlib.suppress(OSError):
        target.shutdown(socket.SHUT_WR)


@pytest.fixture
def relay(graph: Driver, settings: Settings) -> Iterator[_Relay]:
    """A relay to the session's Neo4j (with an empty graph), cut to begin with."""
    address = urlsplit(settings.bolt_uri)
    relay = _Relay((address.hostname or "127.0.0.1", address.port or 7687))
    yield relay
    relay.cut()


def test_neo4j_down_gives_503_with_retry_after_and_the_api_recovers(
    relay: _Relay, settings: Settings, tmp_path: Path
) -> None:
    app_settings = settings.model_copy(
        update={
            "neo4j_uri": f"bolt://127.0.0.1:{relay.port}",
            "api_access_db": tmp_path / "access.sqlite3",
            "api_upload_dir": tmp_path / "uploads",
            "xray_spool_dir": tmp_path / "xray",
            "api_retry_after_s": 7,
        }
    )
    store = AccessStore(app_settings.api_access_db)
    key = store.create_key(Role.INVESTIGATOR, "recovery@test").secret
    store.close()
    # The app starts while Neo4j is away, and says so.
    with TestClient(create_app(app_settings), raise_server_exceptions=False) as client:
        down = client.get("/v1/ready", headers=auth(key))
        assert down.status_code == 503 and down.headers["Retry-After"] == "7"
        assert down.headers["content-type"] == "application/problem+json"
        assert "not reachable" in down.json()["detail"]
        read = client.get("/v1/entities/Person/P1", headers=auth(key, **PURPOSE))
        assert read.status_code == 503 and read.headers["Retry-After"] == "7"

        relay.restore()
        assert client.get("/v1/ready", headers=auth(key)).status_code == 200
        assert client.get("/v1/entities/Person/P1", headers=auth(key, **PURPOSE)).status_code == 404

        relay.cut()
        gone = client.get("/v1/entities/Person/P1", headers=auth(key, **PURPOSE))
        assert gone.status_code == 503 and gone.headers["Retry-After"] == "7"
        assert client.get("/v1/ready", headers=auth(key)).status_code == 503

        relay.restore()
        assert client.get("/v1/ready", headers=auth(key)).status_code == 200
        assert client.get("/v1/entities/Person/P1", headers=auth(key, **PURPOSE)).status_code == 404
