"""The X-ray service as its own process: :func:`create_xray_app`, served by ``bigfinder xray serve``.

It shares the API's access store (keys with the ``scanner`` role), its problem documents and its role
guards, and uses its own rate limit (``BIGFINDER_XRAY_RATE_LIMIT_PER_MINUTE``: scanners post every bag).
The lifespan opens the process's one driver without waiting for Neo4j (hits are spooled and acknowledged
while the graph is down, and drained once it is back), the access store, and the intake.
The API mounts the same router under ``/v1/xray`` (see ``api/app.py``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.access import AccessStore
from api.problems import install_problem_handlers
from api.ratelimit import RateLimiter
from bigfinder import __version__
from bigfinder.settings import Settings, get_settings
from graph.store import open_driver
from xray_service.intake import XRayIntake
from xray_service.routes import XRAY_PREFIX, router

__all__ = ["create_xray_app"]


def create_xray_app(settings: Settings | None = None) -> FastAPI:
    """The X-ray intake for ``settings`` (the environment's by default); nothing opens until it starts."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        driver = open_driver(settings, verify=False)
        access = AccessStore(settings.api_access_db)
        intake = XRayIntake(driver, settings)
        app.state.access = access
        app.state.xray = intake
        try:
            yield
        finally:
            intake.close()
            access.close()
            driver.close()

    app = FastAPI(
        title="bigfinder X-ray intake",
        summary="Scanner hits, spooled durably and matched against what was declared.",
        version=__version__,
        lifespan=lifespan,
        openapi_url=f"{XRAY_PREFIX}/openapi.json",
        docs_url=f"{XRAY_PREFIX}/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.limiter = RateLimiter(settings.xray_rate_limit_per_minute)
    app.state.xray_standalone = True
    install_problem_handlers(app)
    app.include_router(router)
    return app
