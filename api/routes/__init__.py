"""The API's routes: ``v1`` (versioned, under ``/v1``) and ``metrics`` (Prometheus, at ``/metrics``)."""

from __future__ import annotations

from fastapi import APIRouter

from api.routes import cases, entities, ingest, models, resolution, rings, system

__all__ = ["metrics_router", "v1_router"]

v1_router = APIRouter()
for _module in (system, entities, rings, cases, models, ingest, resolution):
    v1_router.include_router(_module.router)
metrics_router = system.metrics_router
