"""The dashboard's composition root: :func:`create_dashboard` builds the services once and the Dash app.

Like the API's lifespan, it opens the process's one driver (without waiting for Neo4j: the page loads
and says so while the server is down) and the access store the API uses, so keys, roles and the audit
log are shared. Run it with ``bigfinder dashboard serve`` (:func:`serve`: waitress, a production WSGI
server, not Flask's development one); in tests, ``create_dashboard(settings)`` and serve
``dashboard.app.server`` (a Flask app) in a thread.
"""

from __future__ import annotations

from dataclasses import dataclass

from dash import Dash
from neo4j import Driver
from waitress import serve as waitress_serve

from api.access import AccessStore
from api.case_export import CaseExport
from api.cases import Cases
from api.investigation import Investigation
from api.ratelimit import RateLimiter
from bigfinder.settings import Settings
from dashboard.callbacks import register
from dashboard.layout import page
from dashboard.services import Workbench
from graph.store import open_driver

__all__ = ["SERVER_THREADS", "Dashboard", "create_dashboard", "serve"]

#: Requests served at once. Each callback waits on Neo4j, not the CPU, so a few investigators' clicks
#: (a canvas expansion, a side panel and a timeline per click) are served side by side.
SERVER_THREADS = 8


@dataclass
class Dashboard:
    """The Dash app with the services behind it; :meth:`close` releases the driver and the access store."""

    app: Dash
    workbench: Workbench
    driver: Driver
    access: AccessStore

    def close(self) -> None:
        self.driver.close()
        self.access.close()


def create_dashboard(settings: Settings) -> Dashboard:
    """The dashboard for ``settings``: the API's services behind its role checks and audit."""
    driver = open_driver(settings, verify=False)
    access = AccessStore(settings.api_access_db)
    investigation = Investigation(driver, settings)
    cases = Cases(investigation)
    workbench = Workbench(
        investigation,
        cases,
        access,
        RateLimiter(settings.api_rate_limit_per_minute),
        case_export=CaseExport(investigation, cases, access),
        session_minutes=settings.dashboard_session_minutes,
    )
    # No external stylesheet: dashboard/assets/ styles the page, so it works without internet access.
    app = Dash(
        __name__,
        title="bigfinder investigation",
        suppress_callback_exceptions=False,
    )
    app.layout = page()
    register(app, workbench)
    return Dashboard(app, workbench, driver, access)


def serve(dashboard: Dashboard, host: str, port: int) -> None:
    """Serve ``dashboard`` on ``host:port`` until the process is stopped."""
    waitress_serve(dashboard.app.server, host=host, port=port, threads=SERVER_THREADS, ident="bigfinder")
