"""The services a route needs, as ``Annotated`` dependencies built once in the app's lifespan.

They are ``async``: FastAPI runs a plain ``def`` dependency in the thread pool, a hop per dependency per
request that costs more than these attribute reads.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.access import AccessStore
from api.cases import Cases
from api.ingest_jobs import IngestJobs
from api.investigation import Investigation
from api.score_lookups import ScoreLookups
from bigfinder.settings import Settings

__all__ = ["AccessDep", "CasesDep", "IngestJobsDep", "InvestigationDep", "ScoreLookupsDep", "SettingsDep"]


async def _investigation(request: Request) -> Investigation:
    investigation: Investigation = request.app.state.investigation
    return investigation


async def _score_lookups(request: Request) -> ScoreLookups:
    lookups: ScoreLookups = request.app.state.score_lookups
    return lookups


async def _cases(request: Request) -> Cases:
    cases: Cases = request.app.state.cases
    return cases


async def _ingest_jobs(request: Request) -> IngestJobs:
    jobs: IngestJobs = request.app.state.ingest_jobs
    return jobs


async def _access(request: Request) -> AccessStore:
    access: AccessStore = request.app.state.access
    return access


async def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


InvestigationDep = Annotated[Investigation, Depends(_investigation)]
ScoreLookupsDep = Annotated[ScoreLookups, Depends(_score_lookups)]
AccessDep = Annotated[AccessStore, Depends(_access)]
CasesDep = Annotated[Cases, Depends(_cases)]
IngestJobsDep = Annotated[IngestJobs, Depends(_ingest_jobs)]
SettingsDep = Annotated[Settings, Depends(_settings)]
