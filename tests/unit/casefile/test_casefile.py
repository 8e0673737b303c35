"""The case bundle without Neo4j: a case document rendered twice gives the same bytes, the GraphML and
CSV read back as the case, the report carries every fact with its provenance, and verification names
each changed, missing or extra file of a folder or a zip."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import networkx as nx
import pytest

from api.case_export import entity_provenance, relationship_provenance
from casefile.bundle import MANIFEST, InvalidBundle, bundle_manifest, case_files, verify_bundle, write_bundle
from casefile.document import (
    AlertFacts,
    AnalysisRunFacts,
    CaseDocument,
    EntityFacts,
    FeatureSetFacts,
    HistoryFacts,
    NoteFacts,
    Provenance,
    ProvenanceKind,
    RelationshipFacts,
    ScoreFacts,
    SourceRow,
    TimelineFacts,
)
from casefile.picture import shell_layout
from casefile.tables import TABLE_NAMES

RUN = AnalysisRunFacts(
    run_id="run-1",
    algorithm="pagerank",
    version="1",
    parameters='{"damping": 0.85}',
    started_at="2024-05-01T08:00:00Z",
    finished_at="2024-05-01T08:01:00Z",
    status="finished",
)
EDIT = Provenance(
    kind=ProvenanceKind.CASE_EDIT, by="kim@customs", at="2024-05-02T09:00:00Z", action="note added"
)


def _row(file: str, line: int) -> Provenance:
    return Provenance(kind=ProvenanceKind.SOURCE_ROW, rows=[SourceRow(file=file, line=line)])


def _entity(
    label: str, key: str, name: str | None, provenance: Provenance, score: float | None = None
) -> EntityFacts:
    scores = (
        [
            ScoreFacts(
                name="pagerank",
                value=score,
                description="How central.",
                provenance=Provenance(kind=ProvenanceKind.ANALYSIS_RUN, run_id="run-1"),
            )
        ]
        if score is not None
        else []
    )
    return EntityFacts(
        id=f"{label}:{key}",
        label=label,
        key=key,
        name=name,
        properties={"name": name} if name else {},
        pinned_by="kim@customs",
        pinned_at="2024-05-02T08:00:00Z",
        pin_note=None,
        provenance=provenance,
        scores=scores,
        risk_explanation=None,
        features=[],
    )


def _document() -> CaseDocument:
    person = _entity("Person", "P1", "이승현", _row("persons.csv", 2), score=0.1 + 0.2)
    company = _entity("Company", "C1", "Nuri Trading & Co <Ltd>", _row("companies.csv", 7), score=0.25)
    company = company.model_copy(
        update={
            "features": [
                FeatureSetFacts(
                    model="price",
                    version="2",
                    written_at="2024-05-02T07:00:00Z",
                    values={"ratio": 0.4},
                    explanation={"ratio": "declared far below market"},
                    provenance=Provenance(
                        kind=ProvenanceKind.API_WRITE,
                        by="scorer",
                        at="2024-05-02T07:00:01Z",
                        action="features of price 2",
                    ),
                )
            ]
        }
    )
    phone = _entity(
        "Phone", "+821012345678", None, entity_provenance({}, [{"file": "persons.csv", "line": 2}], 1)
    )
    return CaseDocument(
        case_id="CASE-1",
        title="Shared phone",
        description="Two parties, one phone",
        status="open",
        created_by="kim@customs",
        created_at="2024-05-02T08:00:00Z",
        updated_at="2024-05-02T09:00:00Z",
        assignee=None,
        # Deliberately out of order: the bundle must not depend on the order the reads gave.
        entities=[phone, person, company],
        relationships=[
            RelationshipFacts(
                type="HAS_PHONE",
                source="Person:P1",
                target="Phone:+821012345678",
                pinned=True,
                properties={"as_written": "010-1234-5678"},
                provenance=relationship_provenance({}, [person.provenance, phone.provenance]),
            ),
            RelationshipFacts(
                type="HAS_PHONE",
                source="Company:C1",
                target="Phone:+821012345678",
                pinned=False,
                properties={},
                provenance=relationship_provenance({}, [company.provenance]),
            ),
        ],
        relationships_truncated=False,
        notes=[
            NoteFacts(
                note_id="NOTE-1", kind="note", text="P1 denies it", reference=None, about=[], provenance=EDIT
            )
        ],
        evidence=[
            NoteFacts(
                note_id="NOTE-2",
                kind="evidence",
                text="SIM record",
                reference="telco 88",
                about=["Person:P1"],
                provenance=EDIT,
            )
        ],
        alerts=[
            AlertFacts(
                ring_id="shared_identifier:abc",
                scheme="shared_identifier",
                score=0.9,
                rank=1,
                member_count=3,
                status="new",
                stale=False,
                first_found_at="2024-05-01T08:00:00Z",
                last_found_at="2024-05-01T08:00:00Z",
                status_changed_by=None,
                status_changed_at=None,
                case_members=["Person:P1", "Phone:+821012345678"],
                members=[{"label": "Person", "key": "P1", "role": "holder"}],
                evidence=[
                    {
                        "nodes": [{"label": "Person", "key": "P1"}],
                        "relationships": [],
                        "reason": "two parties use one phone",
                        "facts": {"degree": 2},
                    }
                ],
                status_history=[],
                provenance=Provenance(kind=ProvenanceKind.ANALYSIS_RUN, run_id="run-1"),
            )
        ],
        timeline=[
            TimelineFacts(
                at="2024-03-02",
                type="TOOK_TRIP",
                entity="Person:P1",
                other="Trip:T2",
                other_name=None,
                outgoing=True,
                provenance=_row("trips.csv", 9),
            ),
            TimelineFacts(
                at="2024-03-01",
                type="TOOK_TRIP",
                entity="Person:P1",
                other="Trip:T1",
                other_name=None,
                outgoing=True,
                provenance=_row("trips.csv", 4),
            ),
        ],
        timeline_total=2,
        history=[
            HistoryFacts(at="2024-05-02T08:00:00Z", by="kim@customs", action="created", detail="Shared phone")
        ],
        runs=[RUN],
    )


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    return case_files(_document(), "9.9.9")


def test_the_same_case_renders_to_the_same_bytes_whatever_the_read_order(files: dict[str, bytes]) -> None:
    doc = _document()
    shuffled = doc.model_copy(
        update={
            "entities": doc.entities[::-1],
            "relationships": doc.relationships[::-1],
            "timeline": doc.timeline[::-1],
        }
    )
    assert case_files(shuffled, "9.9.9") == files
    assert set(files) == {"case.json", "case.graphml", "network.png", "report.pdf", *TABLE_NAMES}
    assert b"tEXt" not in files["network.png"]  # no software or date stamp in the picture
    assert b"/CreationDate (D:20000101000000" in files["report.pdf"]  # reportlab's fixed invariant date


def test_case_json_is_the_canonical_document(files: dict[str, bytes]) -> None:
    doc = CaseDocument.model_validate(json.loads(files["case.json"]))
    assert doc == _document().canonical()
    assert [e.id for e in doc.entities] == ["Company:C1", "Person:P1", "Phone:+821012345678"]
    assert [t.at for t in doc.timeline] == ["2024-03-01", "2024-03-02"]


def test_the_tables_hold_every_fact_with_its_provenance(files: dict[str, bytes]) -> None:
    def rows(name: str) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(files[name].decode("utf-8"))))

    entities = {r["id"]: r for r in rows("entities.csv")}
    assert entities["Person:P1"]["source"] == "persons.csv line 2"
    assert entities["Person:P1"]["pagerank"] == repr(0.1 + 0.2)
    assert entities["Phone:+821012345678"]["source"] == "named in persons.csv line 2"
    assert json.loads(entities["Company:C1"]["features"]) == {"price.ratio": 0.4}
    relationships = rows("relationships.csv")
    assert {r["source_row"] for r in relationships} == {
        "loaded with its ends: persons.csv line 2",
        "loaded with its ends: companies.csv line 7",
    }
    assert rows("alerts.csv")[0]["reasons"] == "two parties use one phone"
    assert [r["source_row"] for r in rows("timeline.csv")] == ["trips.csv line 4", "trips.csv line 9"]
    assert (
        rows("evidence.csv")[0]["reference"] == "telco 88"
        and rows("notes.csv")[0]["written_by"] == "kim@customs"
    )
    assert rows("history.csv")[0]["action"] == "created"


def test_the_graphml_reads_back_as_the_case_network(files: dict[str, bytes], tmp_path: Path) -> None:
    (tmp_path / "case.graphml").write_bytes(files["case.graphml"])
    graph = nx.read_graphml(tmp_path / "case.graphml", force_multigraph=True)
    assert set(graph.nodes) == {"Person:P1", "Company:C1", "Phone:+821012345678"}
    person = graph.nodes["Person:P1"]
    assert (person["label"], person["key"], person["name"]) == ("Person", "P1", "이승현")
    assert person["pagerank"] == 0.1 + 0.2
    assert graph.nodes["Company:C1"]["feature.price.ratio"] == 0.4
    assert graph.nodes["Phone:+821012345678"]["alerts"] == "shared_identifier:abc"
    edges = sorted((s, t, d["type"], d["pinned"]) for s, t, d in graph.edges(data=True))
    assert edges == [
        ("Company:C1", "Phone:+821012345678", "HAS_PHONE", False),
        ("Person:P1", "Phone:+821012345678", "HAS_PHONE", True),
    ]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")
def test_the_report_shows_names_in_any_script_and_the_provenance(
    files: dict[str, bytes], tmp_path: Path
) -> None:
    (tmp_path / "report.pdf").write_bytes(files["report.pdf"])
    out = subprocess.run(
        ["pdftotext", str(tmp_path / "report.pdf"), "-"], capture_output=True, text=True, check=True
    )
    text = " ".join(out.stdout.split())
    for expected in (
        "Case file CASE-1: Shared phone",
        "이승현",
        "Nuri Trading & Co <Ltd>",
        "persons.csv line 2",
        "named in persons.csv line 2",
        "loaded with its ends: companies.csv line 7",
        "API write: features of price 2 by scorer",
        "declared far below market",
        "two parties use one phone",
        "case edit: note added by kim@customs",
        "run-1: pagerank 1",
        "bigfinder 9.9.9",
    ):
        assert expected in text, expected


def test_alert_members_sit_inside_the_others_outside() -> None:
    positions = shell_layout(_document().canonical())
    radius = {node: round((x * x + y * y) ** 0.5, 6) for node, (x, y) in positions.items()}
    assert radius == {"Person:P1": 0.5, "Phone:+821012345678": 0.5, "Company:C1": 1.0}


@pytest.mark.parametrize("as_zip", [False, True])
def test_verify_names_each_changed_missing_or_extra_file(
    files: dict[str, bytes], tmp_path: Path, as_zip: bool
) -> None:
    manifest = bundle_manifest(
        "CASE-1", files, version="9.9.9", graph_snapshot_at="t0", exported_at="t1", exported_by="kim"
    )
    bundle = write_bundle({**files, MANIFEST: manifest}, tmp_path / "CASE-1", as_zip=as_zip)
    check = verify_bundle(bundle)
    assert check.ok and check.checked == len(files)

    tampered = dict(files)
    tampered["case.json"] = files["case.json"].replace(b"P1 denies it", b"P1 admits it")
    del tampered["alerts.csv"]
    tampered["notes2.csv"] = b""
    bundle = write_bundle({**tampered, MANIFEST: manifest}, tmp_path / "CASE-1", as_zip=as_zip)
    assert verify_bundle(bundle).problems == [
        "missing: alerts.csv",
        "changed: case.json",
        "extra: notes2.csv",
    ]


def test_a_path_without_a_manifest_is_no_bundle(tmp_path: Path) -> None:
    (tmp_path / "case.json").write_text("{}", encoding="utf-8")
    with pytest.raises(InvalidBundle, match="holds no manifest.json"):
        verify_bundle(tmp_path)
    with pytest.raises(InvalidBundle, match="neither a bundle folder nor a zip"):
        verify_bundle(tmp_path / "case.json")
