"""The dashboard's one door to the graph: the API's own services, behind the API's own role checks and audit.

The dashboard is a client of :class:`api.investigation.Investigation` and :class:`api.cases.Cases`, the
services the HTTP API's routes call; it sends no Cypher of its own. :class:`Workbench` stands where the
routes stand: every call names the API guard (``Reader``, ``AlertWorker``, ``CaseWorker`` ...) whose
roles it admits, spends a token of the key's rate limit, and writes the same audit records (same action
names, every entity shown) with the purpose the investigator stated when logging in.

Logging in takes an API key and a purpose and issues a session token; the key itself stays in this
process and is checked again on every call, so revoking it ends the session at once.

>>> from pathlib import Path
>>> access = AccessStore(Path(":memory:"))
>>> limiter = RateLimiter(100)
>>> bench = Workbench(None, None, access, limiter, case_export=None, session_minutes=60)  # type: ignore
>>> key = access.create_key(Role.ANALYST, "kim@customs").secret
>>> session = bench.log_in(key, "case 2024-17")
>>> bench.session(session.token).principal.owner
'kim@customs'
>>> bench.log_in(key, "  ")
Traceback (most recent call last):
...
bigfinder.errors.PurposeRequired: state why you are investigating: the purpose is written to the audit log
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Protocol, get_args

from api.access import AccessStore, Principal, Role
from api.case_export import CaseBundle
from api.cases import Cases
from api.investigation import Investigation
from api.ratelimit import RateLimiter
from api.schemas import (
    NETWORK_TYPES,
    AlertStatus,
    CaseEntitiesAdd,
    CasePublic,
    CaseSummaryPublic,
    EntityPublic,
    EntityRef,
    EntitySummaryPublic,
    NetworkPublic,
    Page,
    PathsPublic,
    RelationshipRef,
    RingPublic,
    RingSummaryPublic,
    ScoreBatchPublic,
)
from api.security import AlertWorker, CaseWorker, Reader, RoleGuard
from bigfinder.errors import Forbidden, NotAuthenticated, PurposeRequired, RateLimited
from casefile.bundle import zip_bytes

__all__ = [
    "CASE_EXPORT_MEDIA_TYPE",
    "CaseBundler",
    "CaseExport",
    "DashboardSession",
    "Workbench",
    "guard_roles",
]

#: What the case export button downloads: the case bundle of :mod:`api.case_export` as a zip.
CASE_EXPORT_MEDIA_TYPE = "application/zip"
#: Most entities whose scores one canvas colouring reads (the API's batch limit).
_MAX_SCORED = 1_000


def guard_roles(guard: object) -> frozenset[Role]:
    """The roles an API guard (``Reader``, ``CaseWorker`` ...) admits, read from the guard itself so the
    dashboard can never drift from the API's rules."""
    for meta in get_args(guard)[1:]:
        dependency = getattr(meta, "dependency", None)
        if isinstance(dependency, RoleGuard):
            return dependency.roles
    raise TypeError(f"{guard!r} is not an API role guard")


READER = guard_roles(Reader)
ALERT_WORKER = guard_roles(AlertWorker)
CASE_WORKER = guard_roles(CaseWorker)


class CaseBundler(Protocol):
    """What renders a case for export: :class:`api.case_export.CaseExport`."""

    def bundle(self, case_id: str, exported_by: str) -> CaseBundle: ...


@dataclass(frozen=True)
class DashboardSession:
    """A logged-in investigator: who (the key's holder) and why (the purpose written to the audit log)."""

    token: str
    principal: Principal
    purpose: str


@dataclass(frozen=True)
class CaseExport:
    """A downloadable case file."""

    filename: str
    media_type: str
    content: bytes


@dataclass
class _Held:
    secret: str
    purpose: str
    expires_at: float


class Workbench:
    """The services the dashboard's callbacks call, each behind its API guard and audited."""

    def __init__(
        self,
        investigation: Investigation,
        cases: Cases,
        access: AccessStore,
        limiter: RateLimiter,
        *,
        case_export: CaseBundler,
        session_minutes: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._investigation = investigation
        self._cases = cases
        self._case_export = case_export
        self._access = access
        self._limiter = limiter
        self._session_s = session_minutes * 60.0
        self._clock = clock
        self._sessions: dict[str, _Held] = {}
        self._lock = threading.Lock()

    # -- sessions --------------------------------------------------------------------------------------

    def log_in(self, key: str, purpose: str) -> DashboardSession:
        """A session for an active API key and a stated purpose (the login is audited)."""
        purpose = purpose.strip()
        if not purpose:
            raise PurposeRequired("state why you are investigating: the purpose is written to the audit log")
        principal = self._access.principal_for(key.strip())
        if principal is None:
            raise NotAuthenticated("the API key is unknown or has been revoked")
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._sessions[token] = _Held(key.strip(), purpose, self._clock() + self._session_s)
        self._access.record(principal, "dashboard.login", [f"Key:{principal.key_id}"], purpose)
        return DashboardSession(token, principal, purpose)

    def log_out(self, token: str | None) -> None:
        """End the session (nothing happens for an unknown token)."""
        with self._lock:
            self._sessions.pop(token or "", None)

    def session(self, token: str | None) -> DashboardSession:
        """The live session of ``token``; its key is checked again, so a revoked key ends it."""
        now = self._clock()
        with self._lock:
            held = self._sessions.get(token or "")
            if held is not None and held.expires_at < now:
                del self._sessions[token or ""]
                held = None
            if held is not None:
                held.expires_at = now + self._session_s
        principal = None if held is None else self._access.principal_for(held.secret)
        if held is None or principal is None:
            self.log_out(token)
            raise NotAuthenticated("your session has ended; log in again")
        return DashboardSession(token or "", principal, held.purpose)

    def _admit(self, token: str | None, roles: frozenset[Role]) -> DashboardSession:
        """The route guard's checks in its order: who (401), the rate limit (429), the role (403)."""
        session = self.session(token)
        wait_s = self._limiter.take(session.principal.key_id)
        if wait_s > 0:
            raise RateLimited(
                f"key {session.principal.key_id} is over its request limit; wait {wait_s:.0f} s",
                retry_after_s=max(1, round(wait_s)),
            )
        if session.principal.role not in roles:
            allowed = ", ".join(sorted(roles))
            raise Forbidden(f"a {session.principal.role} key may not do this; it needs one of: {allowed}")
        return session

    def may(self, token: str | None, roles: frozenset[Role]) -> bool:
        """Whether the session's role is admitted (to show or hide a control, never to enforce)."""
        return self.session(token).principal.role in roles

    def _record(self, session: DashboardSession, action: str, subjects: list[str]) -> None:
        self._access.record(session.principal, action, subjects, session.purpose)

    # -- entities (Reader) -----------------------------------------------------------------------------

    def search(self, token: str | None, text: str, by: str, limit: int = 20) -> Page[EntitySummaryPublic]:
        """Entities by fuzzy name or by key / identifier; every hit shown is audited."""
        session = self._admit(token, READER)
        page = self._investigation.search(text, by, 0, limit)
        self._record(session, "entity.search", [f"{h.label}:{h.key}" for h in page.items])
        return page

    def entity(self, token: str | None, ref: EntityRef) -> EntityPublic:
        """One entity with identifiers, explained scores, features and rings."""
        session = self._admit(token, READER)
        entity = self._investigation.entity(ref)
        self._record(session, "entity.read", [ref.node_id])
        return entity

    def network(
        self,
        token: str | None,
        ref: EntityRef,
        *,
        hops: int = 1,
        types: list[str] | None = None,
        since: date | None = None,
        until: date | None = None,
        per_node_limit: int = 25,
        max_nodes: int = 500,
    ) -> NetworkPublic:
        """The ego network around ``ref`` (the API's caps); every node shown is audited."""
        session = self._admit(token, READER)
        network = self._investigation.network(
            ref,
            hops=hops,
            types=list(types or NETWORK_TYPES),
            since=since,
            until=until,
            per_node_limit=per_node_limit,
            max_nodes=max_nodes,
        )
        self._record(session, "entity.network", [n.id for n in network.nodes])
        return network

    def paths(
        self, token: str | None, source: EntityRef, target: EntityRef, *, max_length: int = 4, limit: int = 10
    ) -> PathsPublic:
        """The shortest paths between two entities; every node on them is audited."""
        session = self._admit(token, READER)
        found = self._investigation.paths(
            source, target, types=list(NETWORK_TYPES), max_length=max_length, limit=limit
        )
        shown = dict.fromkeys(n.id for p in found.paths for n in p.nodes) or {
            source.node_id: None,
            target.node_id: None,
        }
        self._record(session, "entity.paths", list(shown))
        return found

    def scores(self, token: str | None, refs: list[EntityRef]) -> ScoreBatchPublic:
        """The analytics results of entities already on the canvas, for its risk colours.

        Readers see these scores on each entity's detail; the canvas reads them in one batch. They are
        not audited again: the network read that put the entities on the canvas was.
        """
        self._admit(token, READER)
        return self._investigation.scores(refs[:_MAX_SCORED])

    # -- rings and alerts ------------------------------------------------------------------------------

    def rings(
        self, token: str | None, *, alerts: bool, status: AlertStatus | None = None, limit: int = 200
    ) -> Page[RingSummaryPublic]:
        """Rings ranked per scheme, or the alerts strongest first (no personal data: not audited)."""
        self._admit(token, READER)
        return self._investigation.rings(
            alerts=alerts, scheme=None, status=status, include_stale=False, offset=0, limit=limit
        )

    def ring(self, token: str | None, ring_id: str, *, as_alert: bool = False) -> RingPublic:
        """A ring with members and evidence; the ring and every member are audited."""
        session = self._admit(token, READER)
        ring = self._investigation.ring(ring_id)
        members = [f"{m.label}:{m.key}" for m in ring.members]
        self._record(session, "alert.read" if as_alert else "ring.read", [f"Ring:{ring_id}", *members])
        return ring

    def change_alert_status(
        self, token: str | None, ring_id: str, status: AlertStatus, note: str
    ) -> RingPublic:
        """Move an alert along its workflow (investigators; 409 for a step it does not allow)."""
        session = self._admit(token, ALERT_WORKER)
        ring = self._investigation.change_alert_status(ring_id, status, session.principal.owner, note)
        self._access.record(
            session.principal, f"alert.{status.value}", [f"Ring:{ring_id}"], note or "status change"
        )
        return ring

    # -- cases (CaseWorker) ----------------------------------------------------------------------------

    def create_case(
        self, token: str | None, title: str, description: str, entities: list[EntityRef]
    ) -> CaseSummaryPublic:
        """Open a case with its first entities."""
        session = self._admit(token, CASE_WORKER)
        case = self._cases.create(title, description, entities, session.principal.owner)
        subjects = [f"Case:{case.case_id}", *(r.node_id for r in entities)]
        self._access.record(session.principal, "case.create", subjects, f"case opened: {title}")
        return case

    def add_to_case(
        self,
        token: str | None,
        case_id: str,
        entities: list[EntityRef],
        relationships: list[RelationshipRef],
        note: str,
    ) -> CaseSummaryPublic:
        """Pin entities and relationships (with both their ends) to a case."""
        session = self._admit(token, CASE_WORKER)
        request = CaseEntitiesAdd(entities=entities, relationships=relationships, note=note)
        case = self._cases.add_entities(case_id, request, session.principal.owner)
        pinned = [r.node_id for r in entities]
        pinned += [ref.node_id for rel in relationships for ref in (rel.source, rel.target)]
        self._access.record(
            session.principal,
            "case.entities",
            [f"Case:{case_id}", *dict.fromkeys(pinned)],
            note or "case change",
        )
        return case

    def add_case_note(self, token: str | None, case_id: str, text: str) -> CaseSummaryPublic:
        """A note on the case."""
        session = self._admit(token, CASE_WORKER)
        case = self._cases.add_note(case_id, text, session.principal.owner)
        self._access.record(session.principal, "case.note", [f"Case:{case_id}"], "note added")
        return case

    def case_file(self, token: str | None, case_id: str) -> CasePublic:
        """Everything the case holds; the case and every entity in it are audited."""
        session = self._admit(token, CASE_WORKER)
        case = self._cases.case_file(case_id)
        self._record(session, "case.read", [f"Case:{case_id}", *(e.id for e in case.entities)])
        return case

    def export_case_file(self, token: str | None, case_id: str) -> CaseExport:
        """The case bundle (report.pdf, case.json, case.graphml, CSV tables, manifest) as one zip, read and
        audited as ``GET /v1/cases/{case_id}/export`` does."""
        session = self._admit(token, CASE_WORKER)
        bundle = self._case_export.bundle(case_id, session.principal.owner)
        self._record(session, "case.export", [f"Case:{bundle.case_id}", *bundle.entities])
        return CaseExport(
            f"{bundle.case_id}.zip", CASE_EXPORT_MEDIA_TYPE, zip_bytes(bundle.case_id, bundle.files)
        )
