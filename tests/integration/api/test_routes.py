"""Every route against the real Neo4j, on the seeded small world (read-only tests)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from api.access import Role
from tests.integration.api.conftest import PURPOSE, SHARED_PHONE_RING, auth
from tests.integration.seeding import SHARED_PHONE

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def analyst(keys: dict[Role, str]) -> dict[str, str]:
    return auth(keys[Role.ANALYST], **PURPOSE)


def test_health_and_ready(client: TestClient, keys: dict[Role, str]) -> None:
    assert client.get("/v1/health", headers=auth(keys[Role.MODEL_SERVICE])).json()["status"] == "ok"
    ready = client.get("/v1/ready", headers=auth(keys[Role.INVESTIGATOR]))
    assert ready.status_code == 200 and ready.json()["neo4j"] == "reachable"


def test_search_by_fuzzy_name_finds_a_misspelt_person(client: TestClient, analyst: dict[str, str]) -> None:
    found = client.get("/v1/entities", params={"q": "Kim Minsu"}, headers=analyst)
    assert found.status_code == 200, found.text
    hits = found.json()["items"]
    assert hits[0]["label"] == "Person" and hits[0]["key"] == "P1"
    assert hits[0]["matched_by"] == "name"


def test_search_pages(client: TestClient, analyst: dict[str, str]) -> None:
    first = client.get(
        "/v1/entities", params={"q": "kim lee park hanbit", "limit": 2}, headers=analyst
    ).json()
    assert len(first["items"]) == 2 and first["next_offset"] == 2
    second = client.get(
        "/v1/entities", params={"q": "kim lee park hanbit", "limit": 2, "offset": 2}, headers=analyst
    ).json()
    keys_seen = {h["key"] for h in first["items"]} | {h["key"] for h in second["items"]}
    assert {"P1", "P2", "P3", "C1"} <= keys_seen


def test_search_by_a_phone_written_differently_finds_both_holders(
    client: TestClient, analyst: dict[str, str]
) -> None:
    found = client.get("/v1/entities", params={"q": "010-1111-2222", "by": "identifier"}, headers=analyst)
    assert found.status_code == 200, found.text
    hits = {(h["label"], h["key"]): h["matched_by"] for h in found.json()["items"]}
    assert hits[("Phone", SHARED_PHONE)] == "key"
    assert hits[("Person", "P1")] == hits[("Person", "P2")] == "HAS_PHONE"


def test_entity_detail_has_identifiers_scores_and_rings(
    client: TestClient, analyst: dict[str, str], seeded: str
) -> None:
    entity = client.get("/v1/entities/Person/P1", headers=analyst)
    assert entity.status_code == 200, entity.text
    body = entity.json()
    assert body["name"] == "Kim Min-su"
    assert {"relationship": "HAS_PHONE", "label": "Phone", "key": SHARED_PHONE, "name": None} in body[
        "identifiers"
    ]
    scores = {s["name"]: s for s in body["scores"]}
    assert scores["pagerank"]["value"] == 0.25 and scores["pagerank"]["run_id"] == seeded
    assert "PageRank" in scores["pagerank"]["description"]
    assert "pagerank" not in body["properties"] and "pagerank_run" not in body["properties"]
    [ring] = body["rings"]
    assert (
        ring["ring_id"] == SHARED_PHONE_RING.ring_id and ring["role"] == "holder" and ring["status"] == "new"
    )


def test_an_unknown_entity_is_a_404_problem(client: TestClient, analyst: dict[str, str]) -> None:
    missing = client.get("/v1/entities/Person/P404", headers=analyst)
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    problem = missing.json()
    assert problem["type"].endswith("entity-not-found") and problem["instance"] == "/v1/entities/Person/P404"
    assert "P404" in problem["detail"]


def test_a_bad_label_is_a_422_problem_with_field_errors(client: TestClient, analyst: dict[str, str]) -> None:
    bad = client.get("/v1/entities/Smuggler/P1", headers=analyst)
    assert bad.status_code == 422
    assert bad.headers["content-type"] == "application/problem+json"
    assert bad.json()["errors"][0]["loc"] == ["path", "label"]


def test_personal_data_needs_a_purpose_and_every_read_is_audited(
    client: TestClient, keys: dict[Role, str]
) -> None:
    no_purpose = client.get("/v1/entities/Person/P2", headers=auth(keys[Role.INVESTIGATOR]))
    assert no_purpose.status_code == 400 and no_purpose.json()["title"] == "Purpose required"
    read = client.get(
        "/v1/entities/Person/P2", params={"purpose": "조사 2024-3"}, headers=auth(keys[Role.INVESTIGATOR])
    )
    assert read.status_code == 200
    audit = client.get(
        "/v1/audit", params={"subject": "Person:P2", "action": "entity.read"}, headers=auth(keys[Role.ADMIN])
    )
    assert audit.status_code == 200, audit.text
    [entry] = audit.json()["items"]
    assert entry["owner"] == "investigator@test" and entry["purpose"] == "조사 2024-3"


def test_ego_network_two_hops_with_a_cap_that_reports_the_rest(
    client: TestClient, analyst: dict[str, str]
) -> None:
    network = client.get(
        "/v1/entities/Person/P1/network",
        params={"hops": 2, "type": ["HAS_PHONE", "OWNS_ACCOUNT", "TRANSFER"], "per_node_limit": 1},
        headers=analyst,
    )
    assert network.status_code == 200, network.text
    body = network.json()
    nodes = {n["id"]: n for n in body["nodes"]}
    center = nodes["Person:P1"]
    # P1 holds a phone and an account: one shown, one reported as "and 1 more".
    assert center["hop"] == 0 and center["more"] == 1
    assert sum(1 for n in nodes.values() if n["hop"] == 1) == 1
    assert all(link["source"] in nodes and link["target"] in nodes for link in body["links"])


def test_ego_network_time_window_drops_links_outside_it(client: TestClient, analyst: dict[str, str]) -> None:
    def transfers(**window: str) -> set[str]:
        body = client.get(
            "/v1/entities/Account/ACC001/network",
            params={"type": "TRANSFER", **window},
            headers=analyst,
        ).json()
        return {link["at"][:7] for link in body["links"]}

    assert transfers() == {"2023-01", "2023-03"}
    assert transfers(since="2023-02-01") == {"2023-03"}
    assert transfers(until="2023-02-01") == {"2023-01"}


def test_paths_between_two_people_through_the_shared_phone(
    client: TestClient, analyst: dict[str, str]
) -> None:
    found = client.get(
        "/v1/paths",
        params={"from_label": "Person", "from_key": "P1", "to_label": "Person", "to_key": "P2"},
        headers=analyst,
    )
    assert found.status_code == 200, found.text
    paths = found.json()["paths"]
    assert [n["id"] for n in paths[0]["nodes"]] == ["Person:P1", f"Phone:{SHARED_PHONE}", "Person:P2"]
    without_phone = client.get(
        "/v1/paths",
        params={
            "from_label": "Person",
            "from_key": "P1",
            "to_label": "Person",
            "to_key": "P2",
            "type": ["OWNS_ACCOUNT", "TRANSFER"],
        },
        headers=analyst,
    ).json()["paths"]
    # Without phones the two are linked by money: P1's account sends to P2's.
    assert [n["id"] for n in without_phone[0]["nodes"]] == [
        "Person:P1",
        "Account:ACC001",
        "Account:ACC002",
        "Person:P2",
    ]
    too_short = client.get(
        "/v1/paths",
        params={
            "from_label": "Person",
            "from_key": "P1",
            "to_label": "Person",
            "to_key": "P3",
            "max_length": 2,
        },
        headers=analyst,
    )
    assert too_short.json()["paths"] == []


def test_rings_ranked_and_detail_with_members_and_evidence(
    client: TestClient, analyst: dict[str, str]
) -> None:
    listed = client.get("/v1/rings", params={"scheme": "shared_identifier"}, headers=analyst).json()
    [ring] = listed["items"]
    assert ring["rank"] == 1 and ring["member_count"] == 3 and ring["status"] == "new"
    detail = client.get(f"/v1/rings/{ring['ring_id']}", headers=analyst)
    assert detail.status_code == 200, detail.text
    body = detail.json()
    assert (body["members"][0]["label"], body["members"][0]["key"]) == ("Phone", SHARED_PHONE)
    assert body["evidence"][0]["reason"] == "two people use one phone"
    assert body["runs"][0]["algorithm"] == "test_detector"
    assert client.get("/v1/rings/nope:0", headers=analyst).status_code == 404


def test_alerts_list_and_detail(client: TestClient, analyst: dict[str, str]) -> None:
    alerts = client.get("/v1/alerts", params={"status": "new"}, headers=analyst).json()["items"]
    assert [a["ring_id"] for a in alerts] == [SHARED_PHONE_RING.ring_id]
    detail = client.get(f"/v1/alerts/{SHARED_PHONE_RING.ring_id}", headers=analyst).json()
    assert detail["status_history"] == []


def test_batch_scores_in_one_call_report_the_missing(client: TestClient, keys: dict[Role, str]) -> None:
    refs = [
        {"label": "Person", "key": "P1"},
        {"label": "Person", "key": "P2"},
        {"label": "Company", "key": "C9"},
    ]
    refs += [{"label": "Account", "key": f"NOPE{i}"} for i in range(997)]
    found = client.post("/v1/scores/batch", json={"refs": refs}, headers=auth(keys[Role.MODEL_SERVICE]))
    assert found.status_code == 200, found.text
    body = found.json()
    by_key = {r["key"]: r for r in body["results"]}
    assert by_key["P1"]["scores"] == {"pagerank": 0.25, "wcc_id": 7.0}
    assert by_key["P2"]["scores"] == {}
    assert len(body["missing"]) == 998
    too_many = client.post(
        "/v1/scores/batch", json={"refs": [*refs, *refs[:2]]}, headers=auth(keys[Role.MODEL_SERVICE])
    )
    assert too_many.status_code == 422


def test_a_batch_answers_each_entity_once_in_the_order_asked_and_audits_the_found(
    client: TestClient, keys: dict[Role, str]
) -> None:
    started = datetime.now(UTC).isoformat()
    refs = [
        {"label": "Person", "key": "P2"},
        {"label": "Account", "key": "NOPE"},
        {"label": "Person", "key": "P1"},
        {"label": "Person", "key": "P2"},
    ]
    headers = auth(keys[Role.ANALYST], **{"X-Purpose": "batch triage"})
    answer = client.post("/v1/scores/batch", json={"refs": refs}, headers=headers)
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
    body = answer.json()
    assert [(r["label"], r["key"]) for r in body["results"]] == [("Person", "P2"), ("Person", "P1")]
    assert body["results"][1]["runs"].keys() == body["results"][1]["scores"].keys() == {"pagerank", "wcc_id"}
    assert body["missing"] == [{"label": "Account", "key": "NOPE"}]
    admin = auth(keys[Role.ADMIN])
    params = {"owner": "analyst@test", "action": "scores.read", "since": started}
    for _ in range(100):
        rows = client.get("/v1/audit", params=params, headers=admin).json()["items"]
        if len(rows) >= 2:
            break
        time.sleep(0.05)
    assert sorted((r["subject"], r["purpose"]) for r in rows) == [
        ("Person:P1", "batch triage"),
        ("Person:P2", "batch triage"),
    ]


def test_single_score_lookups_at_once_answer_each_and_are_audited(
    client: TestClient, keys: dict[Role, str]
) -> None:
    model = auth(keys[Role.MODEL_SERVICE])
    started = datetime.now(UTC).isoformat()
    wanted = ["Person/P1", "Person/P2", "Company/C9"] * 4
    with ThreadPoolExecutor(max_workers=len(wanted)) as pool:
        answers = list(pool.map(lambda path: client.get(f"/v1/scores/{path}", headers=model), wanted))
    for path, answer in zip(wanted, answers, strict=True):
        if path == "Company/C9":
            assert answer.status_code == 404 and answer.headers["content-type"] == "application/problem+json"
        else:
            assert answer.status_code == 200, answer.text
    p1 = answers[0].json()
    assert p1["scores"] == {"pagerank": 0.25, "wcc_id": 7.0} and set(p1["runs"]) == {"pagerank", "wcc_id"}
    assert answers[1].json()["scores"] == {}
    # Audit rows of score lookups are queued, committed moments later: 8 found, the 4 missing not.
    admin = auth(keys[Role.ADMIN])
    params = {"owner": "model_service@test", "subject": "Person:P2", "since": started}
    for _ in range(100):
        rows = client.get("/v1/audit", params=params, headers=admin).json()["items"]
        if len(rows) >= 4:
            break
        time.sleep(0.05)
    assert len(rows) == 4 and {(r["action"], r["purpose"]) for r in rows} == {
        ("scores.read", "score lookup by model_service")
    }


def test_metrics_count_requests_by_route_template(client: TestClient, keys: dict[Role, str]) -> None:
    client.get("/v1/health", headers=auth(keys[Role.ANALYST]))
    metrics = client.get("/metrics", headers=auth(keys[Role.ADMIN]))
    assert metrics.status_code == 200
    assert 'bigfinder_api_requests_total{method="GET",route="/v1/health",status="200"}' in metrics.text
    assert 'route="/v1/entities/{label}/{key}"' in metrics.text
    assert "bigfinder_api_request_seconds_bucket" in metrics.text


def test_openapi_schema_lists_the_v1_routes(client: TestClient) -> None:
    schema = client.get("/v1/openapi.json").json()
    assert "/v1/entities/{label}/{key}/network" in schema["paths"]
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
