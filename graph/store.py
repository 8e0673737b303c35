"""The boundary between bigfinder and the Neo4j driver.

The composition root (CLI entry point, API lifespan) calls :func:`open_driver` once per process and
passes the driver on; nothing else creates one. Driver exceptions are translated here into
:mod:`bigfinder.errors` so a person sees one clear sentence, never a driver traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import neo4j
from neo4j import Driver, GraphDatabase
from neo4j.exceptions import AuthError, DriverError, Neo4jError, ServiceUnavailable, SessionExpired

from bigfinder.errors import AuthenticationFailed, BigfinderError, StoreUnavailable
from bigfinder.settings import Settings

__all__ = ["open_driver", "translate_driver_errors"]


@contextmanager
def translate_driver_errors(settings: Settings) -> Iterator[None]:
    """Turn the driver's connection and authentication failures into bigfinder errors."""
    try:
        yield
    except AuthError as exc:
        raise AuthenticationFailed(
            f"Neo4j at {settings.bolt_uri} refused user {settings.neo4j_user!r}: the password is wrong. "
            "Check BIGFINDER_NEO4J_PASSWORD."
        ) from exc
    except (ServiceUnavailable, SessionExpired) as exc:
        hint = "" if settings.external_neo4j else " Start it with `bigfinder neo4j start`."
        raise StoreUnavailable(f"Neo4j at {settings.bolt_uri} is not reachable.{hint}") from exc
    except (Neo4jError, DriverError) as exc:
        if isinstance(exc, BigfinderError):
            raise
        raise StoreUnavailable(f"Neo4j at {settings.bolt_uri} failed: {exc}") from exc


def open_driver(settings: Settings, *, verify: bool = True) -> Driver:
    """The process's one driver; with ``verify`` it proves the server answers and accepts the password."""
    driver = GraphDatabase.driver(
        settings.bolt_uri,
        auth=neo4j.basic_auth(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
        # Fail fast on a dead server: a person is waiting at a prompt.
        connection_timeout=5.0,
        connection_acquisition_timeout=10.0,
        max_transaction_retry_time=10.0,
        # Optional properties (a service hit's detection lists, scores before the first run) are missing
        # from many graphs by design; the server's "unknown property key" notice would be logged per read.
        notifications_disabled_categories=["UNRECOGNIZED"],
    )
    if verify:
        try:
            with translate_driver_errors(settings):
                driver.verify_connectivity()
        except BigfinderError:
            driver.close()
            raise
    return driver
