"""Errors that reach a user: each carries the HTTP status the API renders it with.

Raised where the fault is known (driver errors are translated at the ``graph/`` boundary), and shown
by the CLI as one line of text, by the API as a problem document.
"""

from __future__ import annotations

__all__ = [
    "AuthenticationFailed",
    "BigfinderError",
    "ConfigurationError",
    "LocalServerError",
    "StoreUnavailable",
]


class BigfinderError(Exception):
    """Base of every error bigfinder reports to a person instead of a traceback."""

    status: int = 500
    title: str = "Internal error"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class ConfigurationError(BigfinderError):
    """The settings are invalid or unsafe for this mode."""

    status = 500
    title = "Configuration error"


class StoreUnavailable(BigfinderError):
    """Neo4j cannot be reached; worth retrying once it is back."""

    status = 503
    title = "Graph store unavailable"


class AuthenticationFailed(BigfinderError):
    """Neo4j refused bigfinder's credentials."""

    status = 503
    title = "Graph store refused the credentials"


class LocalServerError(BigfinderError):
    """The local, embedded Neo4j could not be built, started or stopped."""

    status = 500
    title = "Local Neo4j error"
