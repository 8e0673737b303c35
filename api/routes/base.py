"""The version prefix every data route is declared with."""

from __future__ import annotations

from fastapi import APIRouter

__all__ = ["API_PREFIX", "versioned_router"]

API_PREFIX = "/v1"


def versioned_router(tag: str) -> APIRouter:
    """A router whose routes carry the ``/v1`` prefix in their own path (metrics label routes by it)."""
    return APIRouter(prefix=API_PREFIX, tags=[tag])
