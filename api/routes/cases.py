"""Cases: investigators and analysts work them; investigators assign them and move them along.

Every read of a case (list and detail) states its purpose and is audited with the case and every entity
shown; every change is audited too, with its note (or the case title) as the stated reason.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query, Response

from api.access import Role
from api.case_export import CaseExport
from api.deps import AccessDep, CasesDep, InvestigationDep
from api.routes.base import versioned_router
from api.schemas import (
    CaseAssignment,
    CaseCreate,
    CaseEntitiesAdd,
    CaseEvidenceCreate,
    CaseNoteCreate,
    CasePublic,
    CaseStatus,
    CaseStatusUpdate,
    CaseSummaryPublic,
    Page,
)
from api.security import CaseLead, CaseWorker, Purpose
from bigfinder.errors import UnknownAssignee
from casefile.bundle import zip_bytes

__all__ = ["ASSIGNABLE_ROLES", "router"]

router = versioned_router("cases")

#: Who may hold a case: the owner of an active key of one of these roles.
ASSIGNABLE_ROLES = frozenset({Role.INVESTIGATOR, Role.ANALYST})

CaseIdPath = Annotated[str, Path(min_length=1, max_length=100, description="The case id (CASE-...).")]


def _subject(case_id: str) -> str:
    return f"Case:{case_id}"


@router.post("/cases", status_code=201, summary="Open a case, optionally with its first entities")
def create_case(
    principal: CaseWorker, cases: CasesDep, access: AccessDep, request: CaseCreate
) -> CaseSummaryPublic:
    case = cases.create(request.title, request.description, request.entities, principal.owner)
    subjects = [_subject(case.case_id), *(r.node_id for r in request.entities)]
    access.record(principal, "case.create", subjects, f"case opened: {request.title}")
    return case


@router.get("/cases", summary="Cases, most recently changed first")
def list_cases(
    principal: CaseWorker,
    purpose: Purpose,
    cases: CasesDep,
    access: AccessDep,
    status: CaseStatus | None = None,
    assignee: Annotated[str | None, Query(max_length=200)] = None,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[CaseSummaryPublic]:
    page = cases.list_cases(status, assignee, offset, limit)
    access.record(principal, "case.list", [_subject(c.case_id) for c in page.items], purpose)
    return page


@router.get(
    "/cases/{case_id}",
    summary="The case file: entities with scores, relationships, notes, evidence, alerts, timeline, history",
)
def get_case(
    principal: CaseWorker, purpose: Purpose, cases: CasesDep, access: AccessDep, case_id: CaseIdPath
) -> CasePublic:
    case = cases.case_file(case_id)
    access.record(principal, "case.read", [_subject(case_id), *(e.id for e in case.entities)], purpose)
    return case


@router.get(
    "/cases/{case_id}/export",
    summary="The case file as a zip: report.pdf, case.json, case.graphml, CSV tables, manifest.json",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}, "description": "The case bundle."}},
)
def export_case(
    principal: CaseWorker,
    purpose: Purpose,
    investigation: InvestigationDep,
    cases: CasesDep,
    access: AccessDep,
    case_id: CaseIdPath,
) -> Response:
    bundle = CaseExport(investigation, cases, access).bundle(case_id, principal.owner)
    access.record(principal, "case.export", [_subject(bundle.case_id), *bundle.entities], purpose)
    return Response(
        zip_bytes(bundle.case_id, bundle.files),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{bundle.case_id}.zip"'},
    )


@router.post("/cases/{case_id}/entities", summary="Pin entities and relationships to a case")
def add_entities(
    principal: CaseWorker, cases: CasesDep, access: AccessDep, case_id: CaseIdPath, request: CaseEntitiesAdd
) -> CaseSummaryPublic:
    case = cases.add_entities(case_id, request, principal.owner)
    pinned = [r.node_id for r in request.entities]
    pinned += [ref.node_id for rel in request.relationships for ref in (rel.source, rel.target)]
    access.record(principal, "case.entities", [_subject(case_id), *dict.fromkeys(pinned)], _why(request.note))
    return case


@router.post("/cases/{case_id}/notes", summary="Add a note to a case")
def add_note(
    principal: CaseWorker, cases: CasesDep, access: AccessDep, case_id: CaseIdPath, request: CaseNoteCreate
) -> CaseSummaryPublic:
    case = cases.add_note(case_id, request.text, principal.owner)
    access.record(principal, "case.note", [_subject(case_id)], "note added")
    return case


@router.post("/cases/{case_id}/evidence", summary="Add an item of evidence about the case's entities")
def add_evidence(
    principal: CaseWorker,
    cases: CasesDep,
    access: AccessDep,
    case_id: CaseIdPath,
    request: CaseEvidenceCreate,
) -> CaseSummaryPublic:
    case = cases.add_evidence(case_id, request, principal.owner)
    access.record(principal, "case.evidence", [_subject(case_id)], f"evidence: {request.reference}")
    return case


@router.post("/cases/{case_id}/assignment", summary="Assign a case to an investigator or analyst")
def assign_case(
    principal: CaseLead, cases: CasesDep, access: AccessDep, case_id: CaseIdPath, request: CaseAssignment
) -> CaseSummaryPublic:
    _check_assignee(access, request.assignee)
    case = cases.assign(case_id, request.assignee, request.note, principal.owner)
    access.record(principal, "case.assign", [_subject(case_id)], _why(request.note))
    return case


@router.post(
    "/cases/{case_id}/status",
    summary="Move a case: open -> in_progress -> closed, back to open from either (409 otherwise)",
)
def change_case_status(
    principal: CaseLead, cases: CasesDep, access: AccessDep, case_id: CaseIdPath, request: CaseStatusUpdate
) -> CaseSummaryPublic:
    case = cases.change_status(case_id, request.status, request.note, principal.owner)
    access.record(principal, f"case.{request.status.value}", [_subject(case_id)], _why(request.note))
    return case


def _why(note: str) -> str:
    return note or "case change"


def _check_assignee(access: AccessDep, assignee: str) -> None:
    if not access.holds_active_key(assignee, ASSIGNABLE_ROLES):
        raise UnknownAssignee(
            f"{assignee!r} holds no active investigator or analyst key; assign the case to a key's owner"
        )
