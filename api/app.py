"""The FastAPI application: its composition root is :func:`create_app` and the lifespan inside it.

The lifespan opens the process's one Neo4j driver (without waiting for the server: the API starts while
Neo4j is down, answers 503 with Retry-After, and recovers by itself once the driver reconnects) and the
access store (keys and audit log); both are closed when the app stops. Routes live under ``/v1``; the
OpenAPI schema is ``/v1/openapi.json``. CORS is closed unless ``BIGFINDER_API_CORS_ORIGINS`` names
origins.

Run it with ``bigfinder api serve``; in tests, ``with TestClient(create_app(settings)) as client: ...``.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from api.access import AccessStore
from api.cases import Cases
from api.ingest_jobs import IngestJobs
from api.investigation import Investigation
from api.metrics import ApiMetrics, MetricsMiddleware
from api.problems import install_problem_handlers
from api.ratelimit import RateLimiter
from api.routes import metrics_router, v1_routers
from api.schemas import ProblemPublic
from api.score_lookups import ScoreLookups
from bigfinder import __version__
from bigfinder.settings import Settings, get_settings
from graph.store import open_driver
from resolution.store import ReviewQueue
from xray_service.intake import XRayIntake
from xray_service.routes import router as xray_router

__all__ = ["create_app"]

_PROBLEM_RESPONSES: dict[int | str, dict[str, object]] = {
    status: {"model": ProblemPublic, "description": text, "content": {"application/problem+json": {}}}
    for status, text in (
        (400, "Bad request (a purpose is required)"),
        (401, "No or unknown API key"),
        (403, "The key's role may not use this route"),
        (404, "Not found"),
        (409, "Not allowed in the current state (a workflow step, a closed case)"),
        (422, "Invalid request"),
        (429, "Rate limit reached (see Retry-After)"),
        (503, "Neo4j unreachable (see Retry-After)"),
    )
}


def create_app(settings: Settings | None = None) -> FastAPI:
    """The API for ``settings`` (the environment's by default); nothing connects until it starts."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        driver = open_driver(settings, verify=False)
        access = AccessStore(settings.api_access_db)
        app.state.investigation = Investigation(driver, settings)
        app.state.score_lookups = ScoreLookups(app.state.investigation, access)
        app.state.review_queue = ReviewQueue(driver, settings)
        app.state.cases = Cases(app.state.investigation)
        app.state.ingest_jobs = IngestJobs(driver, settings)
        app.state.access = access
        # The X-ray intake (its spool and drainer) mounted under /v1/xray; it also runs on its own.
        app.state.xray = XRayIntake(driver, settings)
        # What exists now (modules, routes, schemas, services) lives as long as the app: frozen, the
        # collector's full passes skip it, and they stay short (unfrozen, one walked ~160 k objects and
        # stalled every request for up to 300 ms on a busy machine).
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            gc.unfreeze()
            app.state.xray.close()
            app.state.ingest_jobs.close()
            driver.close()
            access.close()

    app = FastAPI(
        title="bigfinder",
        summary="Graph intelligence for customs and financial-crime investigators.",
        version=__version__,
        lifespan=lifespan,
        openapi_url="/v1/openapi.json",
        docs_url="/v1/docs",
        redoc_url=None,
        responses=_PROBLEM_RESPONSES,
    )
    app.state.settings = settings
    app.state.limiter = RateLimiter(settings.api_rate_limit_per_minute)
    app.state.metrics = ApiMetrics()
    install_problem_handlers(app)
    for router in v1_routers:
        app.include_router(router)
    app.include_router(xray_router)
    app.include_router(metrics_router)
    if settings.api_cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.api_cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "X-Purpose"],
        )
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)
    return app
