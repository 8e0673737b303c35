"""Case export end to end: a case on a generated world, exported from the API and the CLI, then read back.

A small generated world (companies, persons, declarations, transfers) is ingested; its planted
bypass-import ring is written as a ring with evidence paths, a score and an API feature write on its
members; an investigator opens a case on the ring's members and the identifiers they share, an analyst
adds a note and evidence. The export is then checked as an investigator receiving it would: the zip
verifies, the PDF renders page by page and says what the case holds and where each fact came from, the
GraphML re-imports with networkx as the case's network, two exports are identical but for the manifest's
times, and a changed byte or a missing file fails ``bigfinder case verify`` naming the file.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from fastapi.testclient import TestClient
from neo4j import Driver
from typer.testing import CliRunner

from api.access import AccessStore, Role
from api.app import create_app
from api.case_export import CaseExport
from api.cases import Cases
from api.investigation import Investigation
from bigfinder import cli
from bigfinder.settings import Settings
from casefile.bundle import MANIFEST, verify_bundle
from graph.admin import init_schema
from graph.findings import EvidencePath, RingCandidate, RingMember
from graph.loader import GraphWriter
from graph.results import ResultWriter
from ingest.generate import generate_world
from ingest.pipeline import Ingestor
from tests.conftest import _delete_everything
from tests.integration.api.conftest import PURPOSE, auth

pytestmark = pytest.mark.neo4j

#: The sources the case needs: parties and their identifiers, and dated events for the timeline.
SOURCES = ("companies.csv", "persons.csv", "declarations.csv", "transfers.csv")
BUNDLE_FILES = {
    "alerts.csv", "case.graphml", "case.json", "entities.csv", "evidence.csv", "history.csv",
    "manifest.json", "network.png", "notes.csv", "relationships.csv", "report.pdf", "timeline.csv",
}  # fmt: skip
FEATURES = {"model": "price", "version": "2", "features": {"market_ratio": 0.4}}


@dataclass(frozen=True)
class ExportedCase:
    case_id: str
    members: list[str]
    run_id: str
    zip_bytes: bytes
    case_file: dict[str, Any]


def _read(driver: Driver, settings: Settings, query: str, **params: Any) -> list[dict[str, Any]]:
    records = driver.execute_query(query, params, database_=settings.neo4j_database).records
    return [r.data() for r in records]


def _ingest_world(driver: Driver, settings: Settings, folder: Path) -> list[dict[str, str]]:
    """A generated world's case-relevant sources in the graph; its planted bypass-import ring's rows."""
    world = folder / "world"
    generate_world(world, scale=1_000, seed=11)
    wanted = folder / "sources"
    wanted.mkdir()
    for name in SOURCES:
        shutil.copy(world / name, wanted / name)
    _delete_everything(driver, settings)
    init_schema(driver, settings)
    ingestor = Ingestor(GraphWriter(driver, settings), folder / "state", today=date(2100, 1, 1))
    assert not ingestor.ingest_directory(wanted).failed
    with (world / "ground_truth.csv").open(encoding="utf-8") as truth:
        return [row for row in csv.DictReader(truth) if row["scheme"] == "bypass_import"]


def _shared_identifiers(driver: Driver, settings: Settings, members: list[str]) -> list[dict[str, Any]]:
    """Each link from a ring member to an identifier another member holds too."""
    return _read(
        driver,
        settings,
        "MATCH (c:Company)-[r]->(x)<-[]-(other:Company) "
        "WHERE c.company_id IN $members AND other.company_id IN $members AND c <> other "
        "  AND (x:Phone OR x:Address OR x:Account) "
        "RETURN DISTINCT c.company_id AS company, type(r) AS type, labels(x)[0] AS label, "
        "       coalesce(x.number, x.address_key, x.account_id) AS key "
        "ORDER BY company, type, key",
        members=members,
    )


def _write_ring(
    driver: Driver, settings: Settings, truth: list[dict[str, str]], shared: list[dict[str, Any]]
) -> str:
    """The planted ring as the detector would write it, and a score on its members, stamped by one run."""
    members = tuple(RingMember("Company", row["entity_id"], row["role"], 1.0) for row in truth)
    evidence = tuple(
        EvidencePath(
            nodes=(("Company", link["company"]), (link["label"], link["key"])),
            relationships=(link["type"],),
            reason=f"{link['company']} holds a {link['label'].lower()} another member holds",
        )
        for link in shared
    )
    writer = ResultWriter(driver, settings)
    run = writer.start_run("detector:bypass_import", "1", {"seed": 11})
    writer.write_rings(run, [RingCandidate("bypass_import", 0.87, members, evidence)])
    # A named seeding statement, as in the API's conftest: the properties ResultWriter writes.
    driver.execute_query(
        "MATCH (c:Company) WHERE c.company_id IN $members SET c.pagerank = 0.125, c.pagerank_run = $run_id",
        members=[m.key for m in members],
        run_id=run.run_id,
        database_=settings.neo4j_database,
    )
    writer.finish_run(run, {"rings": 1})
    return run.run_id


def _open_case(
    client: TestClient, keys: dict[Role, str], members: list[str], shared: list[dict[str, Any]], person: str
) -> str:
    investigator = auth(keys[Role.INVESTIGATOR], **PURPOSE)
    analyst = auth(keys[Role.ANALYST], **PURPOSE)
    refs = [{"label": "Company", "key": m} for m in members] + [{"label": "Person", "key": person}]
    opened = client.post(
        "/v1/cases",
        json={"title": "Bypass imports: front companies", "description": "Planted ring", "entities": refs},
        headers=investigator,
    )
    assert opened.status_code == 201, opened.text
    case_id: str = opened.json()["case_id"]
    relationships = [
        {
            "type": link["type"],
            "source": {"label": "Company", "key": link["company"]},
            "target": {"label": link["label"], "key": link["key"]},
        }
        for link in shared
    ]
    pinned = client.post(
        f"/v1/cases/{case_id}/entities",
        json={"relationships": relationships, "note": "the identifiers they share"},
        headers=investigator,
    )
    assert pinned.status_code == 200, pinned.text
    note = client.post(
        f"/v1/cases/{case_id}/notes", json={"text": "Fronts reuse the delinquent's phone"}, headers=analyst
    )
    assert note.status_code == 200
    evidence = {"description": "Registry extract", "reference": "REG-2024-17", "about": [refs[0]]}
    assert client.post(f"/v1/cases/{case_id}/evidence", json=evidence, headers=analyst).status_code == 200
    return case_id


@pytest.fixture(scope="module")
def exported(
    driver: Driver,
    settings: Settings,
    api_settings: Settings,
    keys: dict[Role, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[ExportedCase]:
    truth = _ingest_world(driver, settings, tmp_path_factory.mktemp("case-export"))
    members = [row["entity_id"] for row in truth if row["entity_kind"] == "company"]
    shared = _shared_identifiers(driver, settings, members)
    assert shared, "the planted ring's members share identifiers"
    run_id = _write_ring(driver, settings, truth, shared)
    [person] = _read(
        driver,
        settings,
        "MATCH (p:Person) WHERE p.name =~ '.*[가-힣].*' RETURN p.person_id AS id ORDER BY id LIMIT 1",
    )
    with TestClient(create_app(api_settings), raise_server_exceptions=False) as client:
        writer = auth(keys[Role.MODEL_SERVICE])
        row = {"label": "Company", "key": members[0], "features": FEATURES["features"]}
        written = client.post(
            "/v1/features",
            json={"model": FEATURES["model"], "version": FEATURES["version"], "rows": [row]},
            headers=writer,
        )
        assert written.status_code == 200, written.text
        case_id = _open_case(client, keys, members, shared, person["id"])
        analyst = auth(keys[Role.ANALYST], **PURPOSE)
        answer = client.get(f"/v1/cases/{case_id}/export", headers=analyst)
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == "application/zip"
        assert f'filename="{case_id}.zip"' in answer.headers["content-disposition"]
        case_file = client.get(f"/v1/cases/{case_id}", headers=analyst).json()
    yield ExportedCase(case_id, members, run_id, answer.content, case_file)
    _delete_everything(driver, settings)


def _unzip(data: bytes, folder: Path) -> Path:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        archive.extractall(folder)
    [bundle] = list(folder.iterdir())
    return bundle


def test_the_api_export_is_a_complete_bundle_that_verifies(exported: ExportedCase, tmp_path: Path) -> None:
    zipped = tmp_path / f"{exported.case_id}.zip"
    zipped.write_bytes(exported.zip_bytes)
    check = verify_bundle(zipped)
    assert check.ok and check.case_id == exported.case_id
    bundle = _unzip(exported.zip_bytes, tmp_path / "unzipped")
    assert bundle.name == exported.case_id
    assert {p.name for p in bundle.iterdir()} == BUNDLE_FILES
    manifest = json.loads((bundle / MANIFEST).read_text(encoding="utf-8"))
    assert set(manifest["files"]) == BUNDLE_FILES - {MANIFEST}
    assert manifest["software"]["version"] and manifest["graph_snapshot_at"] <= manifest["exported_at"]
    assert manifest["exported_by"] == "analyst@test"


def test_case_json_holds_the_case_with_the_provenance_of_every_fact(
    exported: ExportedCase, driver: Driver, settings: Settings
) -> None:
    with zipfile.ZipFile(io.BytesIO(exported.zip_bytes)) as archive:
        doc = json.loads(archive.read(f"{exported.case_id}/case.json"))
    case = exported.case_file
    assert sorted(e["id"] for e in doc["entities"]) == sorted(e["id"] for e in case["entities"])
    rows = {
        f"Company:{r['key']}": r
        for r in _read(
            driver,
            settings,
            "MATCH (c:Company) WHERE c.company_id IN $members "
            "RETURN c.company_id AS key, c.source_file AS file, c.source_line AS line",
            members=exported.members,
        )
    }
    entities = {e["id"]: e for e in doc["entities"]}
    for entity_id, row in rows.items():
        assert entities[entity_id]["provenance"]["rows"] == [{"file": row["file"], "line": row["line"]}]
        [score] = entities[entity_id]["scores"]
        assert (score["name"], score["provenance"]["run_id"]) == ("pagerank", exported.run_id)
    identifiers = [e for e in doc["entities"] if e["label"] in ("Phone", "Address", "Account")]
    assert identifiers and all(e["provenance"]["kind"] == "named_by" for e in identifiers)
    [features] = entities[f"Company:{exported.members[0]}"]["features"]
    assert features["values"] == FEATURES["features"]
    assert (features["provenance"]["kind"], features["provenance"]["by"]) == (
        "api_write",
        "model_service@test",
    )
    # Identifier links were loaded with the party's row: their provenance is their ends' rows.
    assert len(doc["relationships"]) == len(case["relationships"]) > 0
    assert all(r["provenance"]["kind"] == "with_ends" for r in doc["relationships"])
    assert all(t["provenance"]["kind"] == "source_row" for t in doc["timeline"])
    assert len(doc["timeline"]) == len(case["timeline"]) > 0
    [alert] = doc["alerts"]
    assert alert["scheme"] == "bypass_import" and alert["provenance"]["run_id"] == exported.run_id
    assert len(alert["evidence"]) == len(doc["relationships"])
    assert [n["text"] for n in doc["notes"]] == ["Fronts reuse the delinquent's phone"]
    assert doc["evidence"][0]["provenance"] | {"at": None} == {
        "kind": "case_edit", "by": "analyst@test", "action": "evidence added", "at": None,
        "rows": [], "row_total": None, "run_id": None, "detail": None,
    }  # fmt: skip
    assert [h["action"] for h in doc["history"]] == [h["action"] for h in case["history"]]
    assert [r["run_id"] for r in doc["runs"]] == [exported.run_id]


def test_the_report_renders_and_says_where_each_fact_came_from(
    exported: ExportedCase, tmp_path: Path
) -> None:
    bundle = _unzip(exported.zip_bytes, tmp_path)
    report = bundle / "report.pdf"
    info = subprocess.run(["pdfinfo", str(report)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages >= 3
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(report), str(tmp_path / "page")], check=True)
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == pages
    assert all(image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for image in images)

    # Words only: a table cell wraps long text onto several lines.
    text = " ".join(
        subprocess.run(
            ["pdftotext", str(report), "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    doc = json.loads((bundle / "case.json").read_text(encoding="utf-8"))
    assert f"Case file {exported.case_id}: Bypass imports: front companies" in text
    for entity in doc["entities"]:
        assert entity["id"] in text
        if entity["label"] in ("Company", "Person"):
            row = entity["provenance"]["rows"][0]
            assert f"{row['file']} line {row['line']}" in text
    hangul = next(e["name"] for e in doc["entities"] if e["label"] == "Person")
    assert hangul in text
    assert "API write: features of price 2 by model_service@test" in text
    assert doc["alerts"][0]["evidence"][0]["reason"] in text
    assert "Fronts reuse the delinquent's phone" in text and "REG-2024-17" in text
    assert f"analysis run {exported.run_id}" in text


def test_the_graphml_reimports_as_the_case_network(exported: ExportedCase, tmp_path: Path) -> None:
    bundle = _unzip(exported.zip_bytes, tmp_path)
    graph = nx.read_graphml(bundle / "case.graphml", force_multigraph=True)
    case = exported.case_file
    assert set(graph.nodes) == {e["id"] for e in case["entities"]}
    for entity in case["entities"]:
        attributes = graph.nodes[entity["id"]]
        assert (attributes["label"], attributes["key"]) == (entity["label"], entity["key"])
        assert attributes.get("name") == entity["name"]
        for score in entity["scores"]:
            assert attributes[score["name"]] == pytest.approx(score["value"])
    edges = Counter((s, t, data["type"]) for s, t, data in graph.edges(data=True))
    assert edges == Counter((r["source"], r["target"], r["type"]) for r in case["relationships"])
    assert all(data["pinned"] is True for _, _, data in graph.edges(data=True))


def test_exporting_twice_gives_the_same_files_but_the_manifest_times(
    exported: ExportedCase, driver: Driver, api_settings: Settings, tmp_path: Path
) -> None:
    investigation = Investigation(driver, api_settings)
    access = AccessStore(api_settings.api_access_db)
    try:
        export = CaseExport(investigation, Cases(investigation), access)
        first, second = (
            export.bundle(exported.case_id, "analyst@test"),
            export.bundle(exported.case_id, "analyst@test"),
        )
    finally:
        access.close()
    assert first.files.keys() == second.files.keys() == BUNDLE_FILES
    changed = [name for name in first.files if first.files[name] != second.files[name]]
    assert changed == [MANIFEST]
    times = {"exported_at", "graph_snapshot_at"}
    manifests = [json.loads(b.files[MANIFEST]) for b in (first, second)]
    assert [{k: v for k, v in m.items() if k not in times} for m in manifests] == [
        {k: v for k, v in manifests[0].items() if k not in times}
    ] * 2
    # The API's export is the same bundle: the CLI and the API share one renderer.
    with zipfile.ZipFile(io.BytesIO(exported.zip_bytes)) as archive:
        from_api = {i.filename.split("/", 1)[1]: archive.read(i) for i in archive.infolist()}
    assert [n for n in from_api if from_api[n] != first.files[n]] == [MANIFEST]


def test_the_cli_exports_and_verify_names_a_changed_or_missing_file(
    exported: ExportedCase, api_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "load_settings", lambda: api_settings)
    runner = CliRunner()
    for extra in ([], ["--zip"]):
        done = runner.invoke(cli.app, ["case", "export", exported.case_id, str(tmp_path), *extra])
        assert done.exit_code == 0, done.output
    folder, zipped = tmp_path / exported.case_id, tmp_path / f"{exported.case_id}.zip"
    for bundle in (folder, zipped):
        done = runner.invoke(cli.app, ["case", "verify", str(bundle)])
        assert done.exit_code == 0 and f"all {len(BUNDLE_FILES) - 1} files match" in done.output

    report = folder / "report.pdf"
    data = bytearray(report.read_bytes())
    data[len(data) // 2] ^= 0x01
    report.write_bytes(bytes(data))
    (folder / "alerts.csv").unlink()
    done = runner.invoke(cli.app, ["case", "verify", str(folder)])
    assert done.exit_code == 1
    assert "changed: report.pdf" in done.output and "missing: alerts.csv" in done.output
    assert "case.json" not in done.output


def test_an_export_states_its_purpose_and_is_audited(
    exported: ExportedCase, api_settings: Settings, keys: dict[Role, str]
) -> None:
    with TestClient(create_app(api_settings), raise_server_exceptions=False) as client:
        path = f"/v1/cases/{exported.case_id}/export"
        assert client.get(path, headers=auth(keys[Role.ANALYST])).status_code == 400
        assert (
            client.get("/v1/cases/CASE-NOPE/export", headers=auth(keys[Role.ANALYST], **PURPOSE)).status_code
            == 404
        )
        audit = client.get(
            "/v1/audit", params={"action": "case.export", "limit": 1000}, headers=auth(keys[Role.ADMIN])
        ).json()
    subjects = {row["subject"] for row in audit["items"]}
    assert f"Case:{exported.case_id}" in subjects
    assert {e["id"] for e in exported.case_file["entities"]} <= subjects
    assert {row["purpose"] for row in audit["items"]} == {PURPOSE["X-Purpose"]}
