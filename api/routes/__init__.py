"""The API's routers: the versioned ones (under ``/v1``) and ``metrics`` (Prometheus, at ``/metrics``).

The app includes each router itself rather than one ``/v1`` router holding them: FastAPI matches a
request against an included router's routes once to pick it and again to handle it, so every level of
nesting is another walk over the routes. The score lookups come first: they are most of the traffic.
"""

from __future__ import annotations

from fastapi import APIRouter

from api.routes import cases, entities, ingest, models, resolution, rings, system

__all__ = ["metrics_router", "v1_routers"]

v1_routers: tuple[APIRouter, ...] = tuple(
    module.router for module in (models, system, entities, rings, cases, ingest, resolution)
)
metrics_router = system.metrics_router
