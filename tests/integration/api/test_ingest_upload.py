"""Ingest uploads: a zipped world and loose source files load in the background; bad uploads are refused."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from api.access import Role
from api.app import create_app
from bigfinder.settings import Settings
from graph.admin import init_schema
from ingest.generate import generate_world
from tests.integration.api.conftest import auth

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("upload-world")
    generate_world(out, scale=1_000, seed=3)
    return out


@pytest.fixture
def upload_client(
    graph: Driver, settings: Settings, api_settings: Settings, keys: dict[Role, str]
) -> Iterator[TestClient]:
    init_schema(graph, settings)
    with TestClient(create_app(api_settings), raise_server_exceptions=False) as client:
        yield client


def _wait(client: TestClient, admin: dict[str, str], job_id: str) -> dict[str, Any]:
    for _ in range(600):
        job: dict[str, Any] = client.get(f"/v1/ingest/{job_id}", headers=admin).json()
        if job["status"] not in ("queued", "running"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish")


def _count(driver: Driver, settings: Settings, label: str) -> int:
    query = f"MATCH (n:{label}) RETURN count(n) AS n"
    return int(driver.execute_query(query, database_=settings.neo4j_database).records[0]["n"])


def test_a_zipped_world_loads_in_the_background(
    upload_client: TestClient, keys: dict[Role, str], world: Path, graph: Driver, settings: Settings
) -> None:
    admin = auth(keys[Role.ADMIN])
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        # A few sources keep the test short; the answer key rides along to show it is left out.
        for name in ("persons.csv", "travelers.csv", "companies.csv", "trips.csv", "ground_truth.csv"):
            archive.write(world / name, f"world-3/{name}")
    queued = upload_client.post(
        "/v1/ingest", files=[("files", ("world-3.zip", packed.getvalue(), "application/zip"))], headers=admin
    )
    assert queued.status_code == 202, queued.text
    assert "persons.csv" in {f["name"] for f in queued.json()["files"]}
    # ground_truth.csv is no source: it is left out of the load.
    assert "ground_truth.csv" not in {f["name"] for f in queued.json()["files"]}
    job = _wait(upload_client, admin, queued.json()["job_id"])
    assert job["status"] == "done", job
    persons = {s["source"]: s for s in job["sources"]}["persons"]
    assert persons["read"] == persons["loaded"] + persons["quarantined"] > 0
    assert _count(graph, settings, "Person") > 0
    listed = upload_client.get("/v1/ingest", headers=admin).json()["items"]
    assert job["job_id"] in {j["job_id"] for j in listed}


def test_loose_files_load_and_their_bad_rows_can_be_downloaded(
    upload_client: TestClient, keys: dict[Role, str], world: Path
) -> None:
    admin = auth(keys[Role.ADMIN])
    persons = (world / "persons.csv").read_bytes().rstrip(b"\n")
    header = persons.split(b"\n", 1)[0]
    bad_row = b",".join([b""] * len(header.split(b",")))
    files = [
        ("files", ("persons.csv", persons + b"\n" + bad_row + b"\n", "text/csv")),
        ("files", ("companies.csv", (world / "companies.csv").read_bytes(), "text/csv")),
    ]
    queued = upload_client.post("/v1/ingest", files=files, headers=admin)
    assert queued.status_code == 202, queued.text
    job = _wait(upload_client, admin, queued.json()["job_id"])
    assert job["status"] == "done", job
    assert {s["source"] for s in job["sources"]} == {"persons", "companies"}
    [quarantine] = [q for q in job["quarantine"] if q["name"].startswith("persons.")]
    assert quarantine["rows"] >= 1 and quarantine["top_reasons"]
    download = upload_client.get(quarantine["url"], headers=admin)
    assert download.status_code == 200 and download.text.count("\n") == quarantine["rows"]
    missing = upload_client.get(f"/v1/ingest/{job['job_id']}/quarantine/..%2Faccess.sqlite3", headers=admin)
    assert missing.status_code == 404


def test_bad_uploads_are_refused_with_4xx(
    upload_client: TestClient, keys: dict[Role, str], api_settings: Settings
) -> None:
    admin = auth(keys[Role.ADMIN])
    csv = ("persons.csv", b"person_id,name\nP1,Kim\n", "text/csv")

    def post(files: list[tuple[str, tuple[str, bytes, str]]]) -> int:
        return upload_client.post("/v1/ingest", files=files, headers=admin).status_code

    assert post([("files", ("notes.txt", b"hello", "text/plain"))]) == 415
    assert post([("files", csv), ("files", csv)]) == 400
    assert upload_client.post("/v1/ingest", json={"files": []}, headers=admin).status_code == 415
    truncated = b'--b\r\nContent-Disposition: form-data; name="files"; filename="persons.csv"\r\n\r\nP1'
    cut = upload_client.post(
        "/v1/ingest", content=truncated, headers={**admin, "Content-Type": "multipart/form-data; boundary=b"}
    )
    assert cut.status_code == 400 and cut.headers["content-type"] == "application/problem+json"
    evil = io.BytesIO()
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("../persons.csv", "person_id,name\n")
    assert post([("files", ("evil.zip", evil.getvalue(), "application/zip"))]) == 400
    not_zip = post([("files", ("world.zip", b"not a zip", "application/zip"))])
    assert not_zip == 400
    analyst = upload_client.post("/v1/ingest", files=[("files", csv)], headers=auth(keys[Role.ANALYST]))
    assert analyst.status_code == 403
    small = api_settings.model_copy(update={"api_upload_max_bytes": 10})
    with TestClient(create_app(small), raise_server_exceptions=False) as client:
        too_big = client.post("/v1/ingest", files=[("files", csv)], headers=admin)
        assert too_big.status_code == 413 and too_big.json()["title"] == "Upload too large"
    # Nothing refused was queued, and no refused upload left its files behind.
    jobs = upload_client.get("/v1/ingest", headers=admin).json()["items"]
    job_folders = {p.name for p in api_settings.api_upload_dir.iterdir() if p.is_dir()}
    assert job_folders == {j["job_id"] for j in jobs}
