"""The services a route needs, as ``Annotated`` dependencies built once in the app's lifespan."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.access import AccessStore
from api.investigation import Investigation
from bigfinder.settings import Settings

__all__ = ["AccessDep", "InvestigationDep", "SettingsDep"]


def _investigation(request: Request) -> Investigation:
    investigation: Investigation = request.app.state.investigation
    return investigation


def _access(request: Request) -> AccessStore:
    access: AccessStore = request.app.state.access
    return access


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


InvestigationDep = Annotated[Investigation, Depends(_investigation)]
AccessDep = Annotated[AccessStore, Depends(_access)]
SettingsDep = Annotated[Settings, Depends(_settings)]
