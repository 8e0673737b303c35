"""The dashboard's callbacks as plain functions, over fake graph services and a real access store.

The fakes answer like :class:`api.investigation.Investigation` and :class:`api.cases.Cases` (same
schemas); the workbench, its role checks and its audit rows are the real ones.
"""

from __future__ import annotations

import base64
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from api.access import AccessStore, Role
from api.case_export import CaseBundle
from api.ratelimit import RateLimiter
from api.schemas import (
    AlertStatus,
    CasePublic,
    CaseSummaryPublic,
    EntityPublic,
    EntityRef,
    EntityScoresPublic,
    EntitySummaryPublic,
    IdentifierPublic,
    NetworkLinkPublic,
    NetworkNodePublic,
    NetworkPublic,
    Page,
    PathNodePublic,
    PathPublic,
    PathsPublic,
    RingMemberPublic,
    RingPublic,
    ScoreBatchPublic,
)
from dashboard import callbacks, graphview
from dashboard.services import Workbench

PHONE = "Phone:+8210"


def _node(node_id: str, hop: int, more: int | None = None) -> NetworkNodePublic:
    label, _, key = node_id.partition(":")
    return NetworkNodePublic(id=node_id, label=label, key=key, name=f"name of {key}", hop=hop, more=more)


class FakeInvestigation:
    """Two people share a phone; P1 has an account that sends money to a stranger's account."""

    def __init__(self) -> None:
        self.network_calls: list[dict[str, Any]] = []
        self.status = "new"

    def search(self, text: str, by: str, offset: int, limit: int) -> Page[EntitySummaryPublic]:
        hit = EntitySummaryPublic(label="Person", key="P1", name="Kim Min-su", matched_by="name", score=1.0)
        return Page[EntitySummaryPublic](items=[hit], offset=offset, limit=limit, next_offset=None)

    def entity(self, ref: EntityRef) -> EntityPublic:
        explanation = json.dumps({"probability": 0.9, "models": {"fraudnet": 1.2}, "features": {"x": 0.5}})
        # As the API answers: a party's identifiers; for an account its holder, and its transfers too.
        held: dict[str, list[tuple[str, str, str, str | None]]] = {
            "Person:P1": [("HAS_PHONE", "Phone", "+8210", None), ("OWNS_ACCOUNT", "Account", "A1", None)],
            "Account:A1": [
                ("OWNS_ACCOUNT", "Person", "P1", "Kim Min-su"),
                ("TRANSFER", "Account", "A2", None),
            ],
        }
        identifiers = held.get(ref.node_id, [])
        return EntityPublic(
            label=ref.label,
            key=ref.key,
            labels=[ref.label],
            name="Kim Min-su",
            properties={"risk_explanation": explanation},
            identifiers=[
                IdentifierPublic(relationship=kind, label=label, key=key, name=name)
                for kind, label, key, name in identifiers
            ],
            scores=[],
            features=[],
            rings=[],
        )

    def network(self, ref: EntityRef, **kwargs: Any) -> NetworkPublic:
        self.network_calls.append({"ref": ref, **kwargs})
        center = ref.node_id
        if center == "Person:P1":
            nodes = [_node(center, 0, more=7), _node(PHONE, 1), _node("Person:P2", 1), _node("Account:A1", 1)]
            links = [
                NetworkLinkPublic(type="HAS_PHONE", source=center, target=PHONE, at=None),
                NetworkLinkPublic(type="HAS_PHONE", source="Person:P2", target=PHONE, at=None),
                NetworkLinkPublic(type="OWNS_ACCOUNT", source=center, target="Account:A1", at=None),
            ]
            if kwargs.get("hops") == 2:
                nodes += [_node("Account:A2", 2)]
                links += [
                    NetworkLinkPublic(
                        type="TRANSFER", source="Account:A1", target="Account:A2", at="2023-03-01T10:00:00Z"
                    ),
                    NetworkLinkPublic(
                        type="TRANSFER", source="Account:A2", target="Account:A9", at="2023-04-01T10:00:00Z"
                    ),
                ]
            return NetworkPublic(
                center=center, hops=kwargs["hops"], nodes=nodes, links=links, truncated=False
            )
        return NetworkPublic(
            center=center, hops=1, nodes=[_node(center, 0, more=0)], links=[], truncated=False
        )

    def paths(self, source: EntityRef, target: EntityRef, **kwargs: Any) -> PathsPublic:
        nodes = [PathNodePublic(id=r.node_id, label=r.label, key=r.key, name=None) for r in (source, target)]
        nodes.insert(1, PathNodePublic(id=PHONE, label="Phone", key="+8210", name=None))
        links = [
            NetworkLinkPublic(type="HAS_PHONE", source=source.node_id, target=PHONE, at=None),
            NetworkLinkPublic(type="HAS_PHONE", source=target.node_id, target=PHONE, at=None),
        ]
        return PathsPublic(
            source=source.node_id, target=target.node_id, paths=[PathPublic(nodes=nodes, links=links)]
        )

    def scores(self, refs: list[EntityRef]) -> ScoreBatchPublic:
        results = [
            EntityScoresPublic(
                label=r.label, key=r.key, scores={"risk_score": 0.8, "pagerank": 0.01}, runs={}
            )
            for r in refs
            if r.label == "Person"
        ]
        return ScoreBatchPublic(results=results, missing=[])

    def rings(self, **kwargs: Any) -> Page[Any]:
        return Page[Any](items=[self.ring("ring-1")], offset=0, limit=kwargs["limit"], next_offset=None)

    def ring(self, ring_id: str) -> RingPublic:
        return RingPublic(
            ring_id=ring_id,
            scheme="shared_identifier",
            score=0.9,
            rank=1,
            member_count=2,
            status=self.status,
            stale=False,
            first_found_at=None,
            last_found_at=None,
            status_changed_by=None,
            status_changed_at=None,
            members=[
                RingMemberPublic(label="Person", key="P1", name="Kim", role="holder", score=0.9),
                RingMemberPublic(label="Person", key="P2", name="Lee", role="holder", score=0.8),
            ],
            evidence=[
                {
                    "nodes": [
                        {"label": "Person", "key": "P1"},
                        {"label": "Phone", "key": "+8210"},
                        {"label": "Person", "key": "P2"},
                    ],
                    "relationships": ["HAS_PHONE", "HAS_PHONE"],
                    "reason": "two people use one phone",
                }
            ],
            runs=[],
            status_history=[],
        )

    def change_alert_status(self, ring_id: str, wanted: AlertStatus, by: str, note: str) -> RingPublic:
        self.status = wanted.value
        return self.ring(ring_id)


class FakeCases:
    def __init__(self) -> None:
        self.created: list[tuple[str, list[EntityRef]]] = []
        self.added: list[Any] = []
        self.notes: list[str] = []

    def _summary(self, case_id: str) -> CaseSummaryPublic:
        return CaseSummaryPublic(
            case_id=case_id,
            title="ring",
            description="",
            status="open",
            created_by="kim",
            created_at="2024-01-01",
            updated_at="2024-01-01T00:00:00",
            assignee=None,
            entity_count=2,
        )

    def create(self, title: str, description: str, entities: list[EntityRef], by: str) -> CaseSummaryPublic:
        self.created.append((title, entities))
        return self._summary("CASE-1")

    def add_entities(self, case_id: str, request: Any, by: str) -> CaseSummaryPublic:
        self.added.append(request)
        return self._summary(case_id)

    def add_note(self, case_id: str, text: str, by: str) -> CaseSummaryPublic:
        self.notes.append(text)
        return self._summary(case_id)

    def case_file(self, case_id: str) -> CasePublic:
        return CasePublic(
            **self._summary(case_id).model_dump(),
            entities=[],
            relationships=[],
            relationships_truncated=False,
            notes=[],
            evidence=[],
            alerts=[],
            timeline=[],
            timeline_total=0,
            history=[],
        )


class FakeCaseExport:
    def bundle(self, case_id: str, exported_by: str) -> CaseBundle:
        files = {"case.json": json.dumps({"case_id": case_id, "exported_by": exported_by}).encode()}
        return CaseBundle(case_id=case_id, entities=["Person:P1"], files=files)


@pytest.fixture
def access() -> AccessStore:
    return AccessStore(Path(":memory:"))


@pytest.fixture
def investigation() -> FakeInvestigation:
    return FakeInvestigation()


@pytest.fixture
def cases() -> FakeCases:
    return FakeCases()


@pytest.fixture
def bench(investigation: FakeInvestigation, cases: FakeCases, access: AccessStore) -> Workbench:
    return Workbench(
        investigation, cases, access, RateLimiter(10_000), case_export=FakeCaseExport(), session_minutes=60
    )  # type: ignore[arg-type]


def _login(bench: Workbench, access: AccessStore, role: Role, purpose: str = "case 17: phone ring") -> str:
    key = access.create_key(role, f"{role.value}@test").secret
    token, error = callbacks.log_in(bench, key, purpose)
    assert error == ""
    return str(token)


def test_login_needs_an_active_key_and_a_purpose(bench: Workbench, access: AccessStore) -> None:
    key = access.create_key(Role.INVESTIGATOR, "kim").secret
    assert "unknown" in callbacks.log_in(bench, "bf_wrong", "why")[1]
    assert "purpose" in callbacks.log_in(bench, key, " ")[1]
    token, _ = callbacks.log_in(bench, key, "case 17")
    login_style, app_style, line, *_ = callbacks.show_session(bench, str(token))
    assert login_style == {"display": "none"} and app_style == {}
    assert "kim (investigator)" in line and "case 17" in line
    assert [(r.action, r.purpose) for r in access.audit()] == [("dashboard.login", "case 17")]


def test_a_revoked_key_ends_the_session(bench: Workbench, access: AccessStore) -> None:
    token = _login(bench, access, Role.ANALYST)
    access.revoke_key(access.keys()[0].key_id)
    login_style, app_style, *_ = callbacks.show_session(bench, token)
    assert login_style == {} and app_style == {"display": "none"}
    _, message, shown = callbacks.search(bench, token, "Kim", "name")
    assert shown and "log in again" in message


def test_controls_follow_the_role(bench: Workbench, access: AccessStore) -> None:
    *_, alert_disabled, case_disabled = callbacks.show_session(bench, _login(bench, access, Role.ANALYST))
    assert alert_disabled and not case_disabled
    *_, alert_disabled, case_disabled = callbacks.show_session(
        bench, _login(bench, access, Role.INVESTIGATOR)
    )
    assert not alert_disabled and not case_disabled


def test_search_is_audited_with_the_session_purpose(bench: Workbench, access: AccessStore) -> None:
    token = _login(bench, access, Role.INVESTIGATOR, purpose="case 17: phone ring")
    hits, _, shown = callbacks.search(bench, token, "Kim", "name")
    assert not shown and "Person:P1" in str(hits)
    record = access.audit(action="entity.search")[0]
    assert (record.subject, record.purpose) == ("Person:P1", "case 17: phone ring")


def test_a_model_service_key_may_not_read_entities(bench: Workbench, access: AccessStore) -> None:
    token = _login(bench, access, Role.MODEL_SERVICE)
    _, message, shown = callbacks.search(bench, token, "Kim", "name")
    assert shown and "model_service key may not" in message
    assert not access.audit(action="entity.search")


def test_opening_an_entity_draws_its_network_with_caps_scores_and_shared_identifiers(
    bench: Workbench, access: AccessStore
) -> None:
    token = _login(bench, access, Role.ANALYST)
    canvas, selection, _, shown = callbacks.open_entity(bench, token, "Person:P1", None, None, None)
    assert not shown and selection == "Person:P1"
    drawn, layout, status, _ = callbacks.render(canvas, None, None, None, "risk_score")
    by_id = {e["data"]["id"]: e for e in drawn}
    assert by_id["more:Person:P1"]["data"]["caption"] == "and 7 more"
    assert "shared" in by_id[PHONE]["classes"]
    assert by_id["Person:P1"]["data"]["heat"] == 0.8
    assert "heat" not in by_id[PHONE]["data"]
    assert layout["name"] == "preset" and "1 shared identifiers" in status
    network_audit = access.audit(action="entity.network")
    assert {r.subject for r in network_audit} == {"Person:P1", PHONE, "Person:P2", "Account:A1"}


def test_and_n_more_asks_for_a_bigger_cap_and_a_second_tap_does_not_ask_again(
    bench: Workbench, access: AccessStore, investigation: FakeInvestigation
) -> None:
    token = _login(bench, access, Role.ANALYST)
    canvas, *_ = callbacks.open_entity(bench, token, "Person:P1", None, None, None)
    _, selection, *_ = callbacks.expand(bench, token, canvas, "more:Person:P1", None, None, None)
    assert selection == "Person:P1"
    assert investigation.network_calls[-1]["per_node_limit"] == callbacks.DEFAULT_CAP * 4
    calls = len(investigation.network_calls)
    assert callbacks.expand(bench, token, canvas, "Person:P1", None, None, None)[0] is callbacks.no_update
    assert len(investigation.network_calls) == calls
    callbacks.expand(bench, token, canvas, "Person:P2", ["HAS_PHONE"], "2023-01-01", "2023-12-31")
    last = investigation.network_calls[-1]
    assert last["types"] == ["HAS_PHONE"] and str(last["since"]) == "2023-01-01"


def test_filters_hide_relationships_by_type_and_time(bench: Workbench, access: AccessStore) -> None:
    token = _login(bench, access, Role.ANALYST)
    canvas, *_ = callbacks.open_entity(bench, token, "Person:P1", None, None, None)
    canvas["edges"]["t"] = {
        "id": "t",
        "type": "TRANSFER",
        "source": "Person:P1",
        "target": PHONE,
        "at": "2022-05-01",
    }
    edges = lambda drawn: {e["data"]["type"] for e in drawn if "type" in e["data"]}  # noqa: E731
    assert edges(callbacks.render(canvas, ["HAS_PHONE"], None, None, "pagerank")[0]) == {"HAS_PHONE"}
    assert "TRANSFER" not in edges(callbacks.render(canvas, None, "2023-01-01", None, "pagerank")[0])
    assert "TRANSFER" in edges(callbacks.render(canvas, None, "2022-01-01", "2022-12-31", "pagerank")[0])


def test_side_panel_explains_the_score_and_the_timeline_keeps_the_selection_s_own_events(
    bench: Workbench, access: AccessStore
) -> None:
    token = _login(bench, access, Role.ANALYST)
    canvas, *_ = callbacks.open_entity(bench, token, "Person:P1", None, None, None)
    panel, timeline, _, _, shown = callbacks.show_selection(bench, token, "Person:P1", canvas)
    assert not shown
    assert "Why this risk score" in str(panel) and "fraudnet" in str(panel)
    assert "2023-03-01" in str(timeline) and "2023-04-01" not in str(timeline)
    assert access.audit(action="entity.read")[0].subject == "Person:P1"


def test_paths_are_drawn_highlighted(bench: Workbench, access: AccessStore) -> None:
    token = _login(bench, access, Role.ANALYST)
    canvas, summary, _, shown = callbacks.find_paths(bench, token, "Person:P1", "Person:P2", None)
    assert not shown and "1 shortest path(s), 2 step(s)" in str(summary)
    drawn, *_ = callbacks.render(canvas, None, None, None, "risk_score")
    assert sum("highlight" in e["classes"] for e in drawn) == 5
    assert callbacks.find_paths(bench, token, "P1", "", None)[3]


def test_a_ring_is_drawn_with_its_members_and_evidence(bench: Workbench, access: AccessStore) -> None:
    token = _login(bench, access, Role.ANALYST)
    rows, *_ = callbacks.load_rings(bench, token, alerts=False, status=None)
    canvas, panel, selection, _, shown = callbacks.show_ring(bench, token, rows)
    assert not shown and selection == "Person:P1" and "two people use one phone" in str(panel)
    drawn, *_ = callbacks.render(canvas, None, None, None, "ring")
    members = [e for e in drawn if "ring-fill" in e["classes"]]
    assert {e["data"]["id"] for e in members} == {"Person:P1", "Person:P2"}
    assert {r.subject for r in access.audit(action="ring.read")} == {"Ring:ring-1", "Person:P1", "Person:P2"}


def test_only_investigators_change_alert_status(bench: Workbench, access: AccessStore) -> None:
    rows = [{"ring_id": "ring-1"}]
    _, message, shown = callbacks.change_alert(
        bench, _login(bench, access, Role.ANALYST), rows, "in_review", ""
    )
    assert shown and "may not" in message
    panel, _, shown = callbacks.change_alert(
        bench, _login(bench, access, Role.INVESTIGATOR), rows, "in_review", "look"
    )
    assert not shown and panel == "ring-1 is now in_review"
    assert access.audit(action="alert.in_review")[0].purpose == "look"


def test_case_builder_pins_saves_and_exports(bench: Workbench, access: AccessStore, cases: FakeCases) -> None:
    token = _login(bench, access, Role.INVESTIGATOR)
    pins = callbacks.pin_entity("Person:P1", None)
    pins = callbacks.pin_entity("more:Person:P1", pins)
    edge, _ = callbacks.select_edge({"id": "e", "type": "HAS_PHONE", "source": "Person:P2", "target": PHONE})
    pins = callbacks.pin_edge(edge, pins)
    assert pins["entities"] == ["Person:P1"] and len(pins["relationships"]) == 1
    case_id, panel, _, shown = callbacks.save_case(bench, token, pins, None, "Phone ring", "", "first look")
    assert not shown and case_id == "CASE-1" and "CASE-1" in str(panel)
    assert cases.created == [("Phone ring", [EntityRef(label="Person", key="P1")])]
    assert cases.added[0].relationships[0].target.node_id == PHONE and cases.notes == ["first look"]
    download, _, shown = callbacks.export_case(bench, token, case_id)
    assert not shown and download["filename"] == "CASE-1.zip"
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(download["content"]))) as archive:
        exported = json.loads(archive.read("CASE-1/case.json"))
    assert exported == {"case_id": "CASE-1", "exported_by": "investigator@test"}
    assert {r.action for r in access.audit()} >= {"case.create", "case.entities", "case.note", "case.export"}
    assert access.audit(action="case.export")[0].purpose == "case 17: phone ring"


def test_the_canvas_holds_at_most_its_cap_and_counts_the_rest() -> None:
    nodes = [_node("Person:C", 0, more=0), *(_node(f"Person:N{i}", 1) for i in range(700))]
    links = [NetworkLinkPublic(type="REPRESENTS", source="Person:C", target=n.id, at=None) for n in nodes[1:]]
    network = NetworkPublic(center="Person:C", hops=1, nodes=nodes, links=links, truncated=False)
    canvas = graphview.add_network(graphview.empty_canvas(), network, 700)
    assert len(canvas["nodes"]) == graphview.MAX_CANVAS_NODES and canvas["full"]
    assert canvas["nodes"]["Person:C"]["more"] == 700 - (graphview.MAX_CANVAS_NODES - 1)
    drawn, _, status, _ = callbacks.render(canvas, None, None, None, "risk_score", "Person:N1")
    labelled_edges = [
        e["data"]["target"] for e in drawn if "source" in e["data"] and "labelled" in e["classes"]
    ]
    assert labelled_edges == ["Person:N1"]
    positions = {(e["position"]["x"], e["position"]["y"]) for e in drawn if "position" in e}
    assert len(positions) > graphview.MAX_CANVAS_NODES - 5
    assert "canvas is full" in status


def _by_id(component: Any, wanted: str) -> Any:
    """The Dash component with id ``wanted`` inside ``component``."""
    if getattr(component, "id", None) == wanted:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            found = _by_id(child, wanted)
            if found is not None:
                return found
    return None


def test_side_panel_lists_held_identifiers_not_transfers_and_counts_relationships_by_type(
    bench: Workbench, access: AccessStore
) -> None:
    token = _login(bench, access, Role.ANALYST)
    canvas, *_ = callbacks.open_entity(bench, token, "Person:P1", None, None, None)
    panel, *_ = callbacks.show_selection(bench, token, "Person:P1", canvas)
    assert str(_by_id(panel, "entity-identifiers")).count("Li(") == 2
    assert "+8210" in str(_by_id(panel, "entity-identifiers"))
    counts = str(_by_id(panel, "entity-relationships"))
    assert "has phone: 1" in counts and "owns account: 1" in counts and "and 7 more" in counts
    panel, *_ = callbacks.show_selection(bench, token, "Account:A1", canvas)
    held_by = str(_by_id(panel, "entity-identifiers"))
    assert "Held by" in str(panel) and "Kim Min-su" in held_by and "A2" not in held_by


def test_parties_are_big_and_named_the_rest_small_and_labelled_only_when_they_matter(
    bench: Workbench, access: AccessStore
) -> None:
    token = _login(bench, access, Role.ANALYST)
    canvas, *_ = callbacks.open_entity(bench, token, "Person:P1", None, None, None)
    drawn, *_ = callbacks.render(canvas, None, None, None, "risk_score", "Person:P2")
    classes = {e["data"]["id"]: e["classes"].split() for e in drawn}
    captions = {e["data"]["id"]: e["data"].get("caption") for e in drawn}
    assert {"party", "labelled"} <= set(classes["Person:P2"]) and captions["Person:P2"] == "name of P2"
    assert "selected" in classes["Person:P2"] and "selected" not in classes["Person:P1"]
    assert {"identifier", "shared", "labelled"} <= set(classes[PHONE])
    assert "identifier" in classes["Account:A1"] and captions["Account:A1"] == "A1"
    assert "labelled" in classes["Account:A1"]  # a small canvas names everything
    crowded = {**canvas, "nodes": {**canvas["nodes"]}}
    for i in range(graphview.NODE_LABEL_LIMIT):
        crowded["nodes"][f"Trip:T{i}"] = {
            **canvas["nodes"]["Account:A1"],
            "id": f"Trip:T{i}",
            "label": "Trip",
        }
    crowded_classes = {
        e["data"]["id"]: e["classes"].split()
        for e in callbacks.render(crowded, None, None, None, "risk_score", "Person:P2")[0]
    }
    assert "labelled" not in crowded_classes["Account:A1"] and "labelled" in crowded_classes["Person:P1"]
    edges = [e for e in drawn if "source" in e["data"] and e["classes"] != "more"]
    assert edges and all("labelled" in e["classes"] for e in edges)
    assert any(e["data"]["caption"] == "has phone" for e in edges)
    hovers = {e["data"]["id"]: e["data"].get("hover") for e in drawn}
    assert "risk_score 0.8" in hovers["Person:P1"] and "name of P1" in hovers["Person:P1"]


def test_a_drawn_ring_is_spaced_for_reading_fits_the_view_and_explains_itself(
    bench: Workbench, access: AccessStore
) -> None:
    token = _login(bench, access, Role.ANALYST)
    rows, *_ = callbacks.load_rings(bench, token, alerts=False, status=None)
    canvas, *_ = callbacks.show_ring(bench, token, rows)
    _, layout, _, legend = callbacks.render(canvas, None, None, None, "ring", "Person:P1")
    assert "ring: shared_identifier" in str(legend) and "path / ring evidence" in str(legend)
    # A new selection or colour keeps the view; new nodes (another ring, an expansion) fit it again.
    assert callbacks.render(canvas, None, None, None, "ring", "Person:P2")[1] == layout
    assert callbacks.render(canvas, None, None, None, "risk_score", None)[1] == layout
    opened, *_ = callbacks.open_entity(bench, token, "Person:P1", None, None, None)
    expanded, *_ = callbacks.expand(bench, token, opened, "more:Person:P1", None, None, None)
    assert callbacks.render(expanded, None, None, None, "ring")[1] != layout


def test_the_force_layout_keeps_nodes_apart_at_the_usual_edge_length() -> None:
    # A hub with forty leaves and a second party on it: force layouts pack such leaves onto the hub.
    nodes = [
        _node("Account:HUB", 0),
        _node("Person:OWNER", 1),
        *(_node(f"Account:L{i}", 1) for i in range(40)),
    ]
    links = [
        NetworkLinkPublic(type="TRANSFER", source="Account:HUB", target=n.id, at=None) for n in nodes[2:]
    ]
    links.append(NetworkLinkPublic(type="OWNS_ACCOUNT", source="Person:OWNER", target="Account:HUB", at=None))
    network = NetworkPublic(center="Account:HUB", hops=1, nodes=nodes, links=links, truncated=False)
    canvas = graphview.add_network(graphview.empty_canvas(), network, 100)
    points = [(n["x"], n["y"]) for n in canvas["nodes"].values()]
    closest = min(
        ((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5
        for i, a in enumerate(points)
        for b in points[i + 1 :]
    )
    assert closest > 50
    hub = canvas["nodes"]["Account:HUB"]
    lengths = sorted(
        ((n["x"] - hub["x"]) ** 2 + (n["y"] - hub["y"]) ** 2) ** 0.5
        for n in canvas["nodes"].values()
        if n is not hub
    )
    assert 60 < lengths[len(lengths) // 2] < 300
