"""Errors that reach a user: each carries the HTTP status the API renders it with.

Raised where the fault is known (driver errors are translated at the ``graph/`` boundary), and shown
by the CLI as one line of text, by the API as a problem document.
"""

from __future__ import annotations

__all__ = [
    "AuthenticationFailed",
    "BigfinderError",
    "CaseClosed",
    "CaseNotFound",
    "ConfigurationError",
    "EntityNotFound",
    "Forbidden",
    "IngestJobNotFound",
    "InvalidTransition",
    "InvalidUpload",
    "LocalServerError",
    "NotAuthenticated",
    "NotFound",
    "NotInCase",
    "ProjectionOutdated",
    "PurposeRequired",
    "RateLimited",
    "RingNotFound",
    "StoreUnavailable",
    "UnknownAssignee",
    "UnsupportedUpload",
    "UploadTooLarge",
]


class BigfinderError(Exception):
    """Base of every error bigfinder reports to a person instead of a traceback."""

    status: int = 500
    title: str = "Internal error"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail

    @property
    def slug(self) -> str:
        """The error's name in kebab case (``entity-not-found``): the end of its problem type URI."""
        name = type(self).__name__
        return "".join(f"-{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(name))


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


class NotAuthenticated(BigfinderError):
    """The request carries no API key, or one that is unknown or revoked."""

    status = 401
    title = "Not authenticated"


class Forbidden(BigfinderError):
    """The API key is valid but its role may not use this route."""

    status = 403
    title = "Forbidden"


class NotFound(BigfinderError):
    """Something the request names does not exist."""

    status = 404
    title = "Not found"


class EntityNotFound(NotFound):
    """No entity with that label and key in the graph."""

    title = "Entity not found"


class RingNotFound(NotFound):
    """No ring (or alert) with that id in the graph."""

    title = "Ring not found"


class PurposeRequired(BigfinderError):
    """A read of personal data states no purpose (``X-Purpose`` header or ``purpose`` parameter)."""

    status = 400
    title = "Purpose required"


class InvalidTransition(BigfinderError):
    """An alert status change the workflow does not allow from the alert's current status."""

    status = 409
    title = "Status change not allowed"


class RateLimited(BigfinderError):
    """The API key has used up its requests for now."""

    status = 429
    title = "Too many requests"

    def __init__(self, detail: str, retry_after_s: int) -> None:
        super().__init__(detail)
        self.retry_after_s = retry_after_s


# -- cases and ingest uploads (the API, issue 5) ----------------------------------------------------------


class CaseNotFound(NotFound):
    """No case with that id."""

    title = "Case not found"


class CaseClosed(BigfinderError):
    """A change to a closed case, which is read-only until it is reopened."""

    status = 409
    title = "Case is closed"


class NotInCase(BigfinderError):
    """Evidence about an entity the case does not include (pin the entity first)."""

    status = 409
    title = "Not in the case"


class UnknownAssignee(BigfinderError):
    """A case assigned to someone who holds no active investigator key."""

    status = 422
    title = "Unknown assignee"


class IngestJobNotFound(NotFound):
    """No ingest job (or no quarantine file of the job) with that id."""

    title = "Ingest job not found"


class InvalidUpload(BigfinderError):
    """An upload that cannot be read: no file, a broken multipart body or zip, a file twice."""

    status = 400
    title = "Invalid upload"


class UnsupportedUpload(BigfinderError):
    """An uploaded file that is neither a known source file nor a zip of a world folder."""

    status = 415
    title = "Unsupported upload"


class UploadTooLarge(BigfinderError):
    """An upload over the size limit (``BIGFINDER_API_UPLOAD_MAX_BYTES``)."""

    status = 413
    title = "Upload too large"


class ProjectionOutdated(BigfinderError):
    """A projection's nodes no longer match the graph it was read from (a node deleted or re-keyed)."""

    status = 409
    title = "Projection outdated"
