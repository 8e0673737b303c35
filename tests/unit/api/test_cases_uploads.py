"""Cases and uploads without Neo4j: the case workflow, the multipart parser, zip unpacking."""

from __future__ import annotations

import asyncio
import io
import json
import zipfile
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.cases import CASE_TRANSITIONS, check_case_transition, history_entry
from api.schemas import CaseStatus
from api.uploads import ReceivedFile, boundary_of, receive_files, unpack_world
from bigfinder.errors import InvalidTransition, InvalidUpload, UnsupportedUpload, UploadTooLarge


def test_the_case_workflow_allows_only_its_steps() -> None:
    allowed = {(a, b) for a, nexts in CASE_TRANSITIONS.items() for b in nexts}
    assert allowed == {
        (CaseStatus.OPEN, CaseStatus.IN_PROGRESS),
        (CaseStatus.IN_PROGRESS, CaseStatus.CLOSED),
        (CaseStatus.IN_PROGRESS, CaseStatus.OPEN),
        (CaseStatus.CLOSED, CaseStatus.OPEN),
    }
    for current in CaseStatus:
        for wanted in CaseStatus:
            if (current, wanted) in allowed:
                check_case_transition(current.value, wanted)
            else:
                with pytest.raises(InvalidTransition):
                    check_case_transition(current.value, wanted)


def test_a_history_entry_says_who_did_what_when() -> None:
    at = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)
    entry = json.loads(history_entry(at, "kim@customs", "assigned", "to lee@customs"))
    assert entry == {
        "at": "2024-05-01T09:00:00+00:00",
        "by": "kim@customs",
        "action": "assigned",
        "detail": "to lee@customs",
    }


def _part(name: str, content: bytes, boundary: bytes = b"B0und") -> bytes:
    return (
        b"--" + boundary + b"\r\n"
        b'Content-Disposition: form-data; name="files"; filename="' + name.encode() + b'"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n" + content + b"\r\n"
    )


def _receive(
    body: bytes, folder: Path, sizes: list[int] | None = None, max_bytes: int = 10**6
) -> list[ReceivedFile]:
    async def chunks() -> AsyncIterator[bytes]:
        start = 0
        for size in sizes or [len(body)]:
            yield body[start : start + size]
            start += size
        yield body[start:]

    return asyncio.run(receive_files(chunks(), b"B0und", folder, max_bytes))


# Contents that look like the boundary, CRLFs at every place, and binary bytes.
CONTENT = st.binary(max_size=300) | st.sampled_from(
    [b"", b"\r\n", b"--B0un", b"\r\n--B0unx", b"B0und--\r\n\r\n"]
)


@settings(max_examples=60, deadline=None)
@given(persons=CONTENT, trips=CONTENT, sizes=st.lists(st.integers(1, 40), max_size=40))
def test_the_parser_gives_the_files_back_whatever_the_chunking(
    persons: bytes, trips: bytes, sizes: list[int], tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("upload")
    body = _part("persons.csv", persons) + _part("trips.jsonl", trips) + b"--B0und--\r\nepilogue"
    files = _receive(body, folder, sizes)
    assert files == [ReceivedFile("persons.csv", len(persons)), ReceivedFile("trips.jsonl", len(trips))]
    assert (folder / "persons.csv").read_bytes() == persons and (folder / "trips.jsonl").read_bytes() == trips


def test_bad_uploads_raise_the_errors_the_api_renders(tmp_path: Path) -> None:
    end = b"--B0und--\r\n"
    with pytest.raises(UnsupportedUpload):
        boundary_of("application/json")
    with pytest.raises(InvalidUpload):
        boundary_of("multipart/form-data")
    assert boundary_of('multipart/form-data; boundary="a b"') == b"a b"
    with pytest.raises(UnsupportedUpload, match="notes.txt"):
        _receive(_part("notes.txt", b"x") + end, tmp_path / "a")
    # A path in the file name is dropped: only the base name counts.
    assert _receive(_part("../../etc/persons.csv", b"x") + end, tmp_path / "b")[0].name == "persons.csv"
    with pytest.raises(InvalidUpload, match="twice"):
        _receive(_part("persons.csv", b"x") + _part("persons.csv", b"y") + end, tmp_path / "c")
    with pytest.raises(InvalidUpload, match="ended"):
        _receive(_part("persons.csv", b"x"), tmp_path / "d")
    with pytest.raises(InvalidUpload, match="no file"):
        _receive(end, tmp_path / "e")
    with pytest.raises(UploadTooLarge):
        _receive(_part("persons.csv", b"x" * 100) + end, tmp_path / "f", max_bytes=50)
    # No client sends a preamble; the parser takes none (RFC 7578 leaves it out of form data).
    with pytest.raises(InvalidUpload, match="malformed"):
        _receive(b"preamble\r\n" + _part("persons.csv", b"x") + end, tmp_path / "g")
    # A zip comes alone: refused at its part's headers, not after the rest of the body.
    for parts in (
        _part("w.zip", b"z") + _part("persons.csv", b"x"),
        _part("persons.csv", b"x") + _part("w.zip", b"z"),
    ):
        with pytest.raises(InvalidUpload, match="one zip"):
            _receive(parts + end, tmp_path / "h")
    with pytest.raises(InvalidUpload, match="filename"):
        _receive(
            b'--B0und\r\nContent-Disposition: form-data; name="files"\r\n\r\nx\r\n' + end, tmp_path / "i"
        )


def _zip(tmp_path: Path, members: dict[str, bytes]) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    path = tmp_path / "upload.zip"
    path.write_bytes(buffer.getvalue())
    return path


def test_a_zip_gives_the_source_files_of_its_world_folder(tmp_path: Path) -> None:
    archive = _zip(
        tmp_path,
        {
            "w/persons.csv": b"p",
            "w/trips.csv": b"tt",
            "w/ground_truth.csv": b"g",
            "w/old/persons.csv": b"old",
        },
    )
    out = tmp_path / "out"
    out.mkdir()
    assert sorted(unpack_world(archive, out, 1_000), key=lambda f: f.name) == [
        ReceivedFile("persons.csv", 1),
        ReceivedFile("trips.csv", 2),
    ]
    assert not archive.exists() and (out / "persons.csv").read_bytes() == b"p"


@pytest.mark.parametrize(
    ("members", "error"),
    [
        ({"../persons.csv": b"p"}, InvalidUpload),
        ({"/abs/persons.csv": b"p"}, InvalidUpload),
        ({"a/persons.csv": b"p", "b/trips.csv": b"t"}, InvalidUpload),
        ({"readme.txt": b"r"}, UnsupportedUpload),
        ({"persons.csv": b"p" * 2_000}, UploadTooLarge),
    ],
)
def test_a_zip_that_escapes_mixes_worlds_or_is_too_big_is_refused(
    tmp_path: Path, members: dict[str, bytes], error: type[Exception]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(error):
        unpack_world(_zip(tmp_path, members), out, 1_000)
