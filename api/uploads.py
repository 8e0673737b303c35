"""Receiving an ingest upload: a streamed ``multipart/form-data`` body, or a zip of a world folder.

The body is parsed as it arrives and each file written straight to the job's folder, so an upload is
never held in memory and one over the size limit is refused (413) as soon as it passes it. Only files
named as a source of docs/data-formats.md (``persons.csv``, ``transfers.jsonl`` ...) or one ``.zip`` are
accepted (415 otherwise); a zip is unpacked with every member's path and size checked (no ``..``, no
absolute paths, the unpacked total within the limit), keeping the source files of its one world folder.

The parser is our own (the multipart package is not a dependency): a part ends where the boundary
delimiter ``CRLF--boundary`` starts, so everything before the last ``len(delimiter)`` bytes of the
buffer can be written out safely.

>>> import asyncio, tempfile
>>> body = (b"--XyZ\\r\\nContent-Disposition: form-data; name=\\"files\\"; filename=\\"persons.csv\\"\\r\\n"
...         b"Content-Type: text/csv\\r\\n\\r\\nperson_id,name\\r\\nP1,Kim\\r\\n--XyZ--\\r\\n")
>>> async def chunks():
...     for i in range(0, len(body), 7):
...         yield body[i : i + 7]
>>> folder = Path(tempfile.mkdtemp())
>>> boundary = boundary_of("multipart/form-data; boundary=XyZ")
>>> files = asyncio.run(receive_files(chunks(), boundary, folder, max_bytes=10_000))
>>> [(f.name, f.size) for f in files], (folder / "persons.csv").read_bytes()
([('persons.csv', 22)], b'person_id,name\\r\\nP1,Kim')
"""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from bigfinder.errors import InvalidUpload, UnsupportedUpload, UploadTooLarge
from ingest.pipeline import LAYOUTS

__all__ = [
    "SOURCE_FILE_NAMES",
    "ReceivedFile",
    "accepted_name",
    "boundary_of",
    "receive_files",
    "unpack_world",
]

#: Every file name a source is loaded from, in any layout (answer keys such as ground_truth.csv are not).
SOURCE_FILE_NAMES: frozenset[str] = frozenset(
    name for plans in LAYOUTS.values() for plan in plans for name in plan.format.accepted_file_names()
)
_BOUNDARY = re.compile(r"""boundary=(?:"([^"]{1,70})"|([^;\s]{1,70}))""", re.IGNORECASE)
_PARAMETER = re.compile(r"""(\w+)\*?=(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))""")
_MAX_HEADER_BYTES = 16 * 1024


@dataclass(frozen=True)
class ReceivedFile:
    """A file written to the job's folder: its name there and its size in bytes."""

    name: str
    size: int


def boundary_of(content_type: str | None) -> bytes:
    """The multipart boundary named by a ``Content-Type`` header (415 if it is not multipart)."""
    if not content_type or not content_type.lower().startswith("multipart/form-data"):
        raise UnsupportedUpload("send the files as multipart/form-data (field 'files')")
    match = _BOUNDARY.search(content_type)
    if match is None:
        raise InvalidUpload("the multipart Content-Type names no boundary")
    return (match.group(1) or match.group(2)).encode("latin-1")


def accepted_name(file_name: str) -> str:
    """The file's base name if it is a source file or a zip; 415 otherwise."""
    name = PurePosixPath(file_name.replace("\\", "/")).name
    if name in SOURCE_FILE_NAMES or name.lower().endswith(".zip"):
        return name
    raise UnsupportedUpload(
        f"{name!r} is neither a source file (persons.csv, transfers.jsonl ... see docs/data-formats.md) "
        "nor a .zip of a world folder"
    )


def _file_name(headers: bytes) -> str:
    """The ``filename`` of a part's ``Content-Disposition``; 400 for a part that is no file."""
    text = headers.decode("utf-8", errors="replace")
    for line in text.split("\r\n"):
        field, _, value = line.partition(":")
        if field.strip().lower() == "content-disposition":
            parameters = {m.group(1).lower(): m.group(2) or m.group(3) for m in _PARAMETER.finditer(value)}
            if parameters.get("filename"):
                return parameters["filename"]
    raise InvalidUpload("every part of the upload must be a file (Content-Disposition with a filename)")


class _Receiver:
    """The multipart state machine; :meth:`feed` takes the body chunk by chunk."""

    def __init__(self, boundary: bytes, folder: Path, max_bytes: int) -> None:
        self._delimiter = b"\r\n--" + boundary
        # The first boundary has no CRLF before it; pretend it had one, so one delimiter fits all.
        self._buffer = b"\r\n"
        self._state = "preamble"
        self._folder = folder
        self._max_bytes = max_bytes
        self._total = 0
        self._handle: IO[bytes] | None = None
        self._name = ""
        self._size = 0
        self.files: list[ReceivedFile] = []

    @property
    def complete(self) -> bool:
        return self._state == "done"

    def feed(self, chunk: bytes) -> None:
        self._buffer += chunk
        while self._step():
            pass

    def _step(self) -> bool:
        """Advance as far as the buffer allows; True when another step may follow."""
        if self._state == "preamble":
            found = self._buffer.find(self._delimiter)
            if found < 0:
                self._buffer = self._buffer[-len(self._delimiter) :]
                return False
            self._buffer = self._buffer[found + len(self._delimiter) :]
            self._state = "after_delimiter"
            return True
        if self._state == "after_delimiter":
            if len(self._buffer) < 2:
                return False
            mark, self._buffer = self._buffer[:2], self._buffer[2:]
            if mark == b"--":
                self._state, self._buffer = "done", b""
                return False
            if mark != b"\r\n":
                raise InvalidUpload("the multipart body is malformed (bad boundary line)")
            self._state = "headers"
            return True
        if self._state == "headers":
            end = self._buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self._buffer) > _MAX_HEADER_BYTES:
                    raise InvalidUpload("a multipart part's headers are too long")
                return False
            self._open(_file_name(self._buffer[:end]))
            self._buffer = self._buffer[end + 4 :]
            self._state = "body"
            return True
        if self._state == "body":
            found = self._buffer.find(self._delimiter)
            if found >= 0:
                self._write(self._buffer[:found])
                self._close()
                self._buffer = self._buffer[found + len(self._delimiter) :]
                self._state = "after_delimiter"
                return True
            keep = len(self._delimiter) - 1
            if len(self._buffer) > keep:
                self._write(self._buffer[:-keep])
                self._buffer = self._buffer[-keep:]
            return False
        return False  # done: an epilogue is ignored

    def _open(self, file_name: str) -> None:
        name = accepted_name(file_name)
        if any(f.name == name for f in self.files):
            raise InvalidUpload(f"{name} is uploaded twice")
        self._name, self._size = name, 0
        self._handle = (self._folder / name).open("wb")

    def _write(self, data: bytes) -> None:
        self._total += len(data)
        if self._total > self._max_bytes:
            raise UploadTooLarge(f"the upload is over the limit of {self._max_bytes:,} bytes")
        assert self._handle is not None
        self._handle.write(data)
        self._size += len(data)

    def _close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
            self.files.append(ReceivedFile(self._name, self._size))

    def abandon(self) -> None:
        """Close a half-written file (the upload failed)."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None


async def receive_files(
    chunks: AsyncIterator[bytes], boundary: bytes, folder: Path, max_bytes: int
) -> list[ReceivedFile]:
    """Write every file of the multipart body to ``folder``; 400, 413 or 415 on a bad upload."""
    folder.mkdir(parents=True, exist_ok=True)
    receiver = _Receiver(boundary, folder, max_bytes)
    try:
        async for chunk in chunks:
            receiver.feed(chunk)
    finally:
        receiver.abandon()
    if not receiver.complete:
        raise InvalidUpload("the multipart body ended before its closing boundary")
    if not receiver.files:
        raise InvalidUpload("the upload holds no file")
    return receiver.files


def unpack_world(archive: Path, folder: Path, max_bytes: int) -> list[ReceivedFile]:
    """Unpack the source files of the zip's one world folder into ``folder``, flat; the zip is removed."""
    try:
        with zipfile.ZipFile(archive) as zipped:
            members = [m for m in zipped.infolist() if not m.is_dir()]
            sources = [m for m in members if PurePosixPath(m.filename).name in SOURCE_FILE_NAMES]
            for member in members:
                path = PurePosixPath(member.filename)
                if path.is_absolute() or ".." in path.parts:
                    raise InvalidUpload(f"the zip member {member.filename!r} points outside its folder")
            if not sources:
                raise UnsupportedUpload("the zip holds no source file (see docs/data-formats.md)")
            depth = min(len(PurePosixPath(m.filename).parts) for m in sources)
            top = [m for m in sources if len(PurePosixPath(m.filename).parts) == depth]
            if len({PurePosixPath(m.filename).parent for m in top}) > 1:
                raise InvalidUpload("the zip holds more than one world folder; upload one at a time")
            if sum(m.file_size for m in top) > max_bytes:
                raise UploadTooLarge(f"the unpacked upload is over the limit of {max_bytes:,} bytes")
            received = [_unpack(zipped, m, folder, max_bytes) for m in top]
    except zipfile.BadZipFile as exc:
        raise InvalidUpload(f"{archive.name} is not a readable zip: {exc}") from None
    archive.unlink()
    return received


def _unpack(zipped: zipfile.ZipFile, member: zipfile.ZipInfo, folder: Path, max_bytes: int) -> ReceivedFile:
    name = PurePosixPath(member.filename).name
    with zipped.open(member) as source, (folder / name).open("wb") as target:
        # Copy at most one byte past the limit: a member whose header lies about its size stops there.
        shutil.copyfileobj(_Limited(source, max_bytes + 1), target)
    size = (folder / name).stat().st_size
    if size > max_bytes:
        raise UploadTooLarge(f"{name} unpacks to over the limit of {max_bytes:,} bytes")
    return ReceivedFile(name, size)


class _Limited:
    """A reader that stops after ``limit`` bytes."""

    def __init__(self, source: IO[bytes], limit: int) -> None:
        self._source = source
        self._left = limit

    def read(self, size: int = -1) -> bytes:
        if self._left <= 0:
            return b""
        wanted = self._left if size < 0 else min(size, self._left)
        data = self._source.read(wanted)
        self._left -= len(data)
        return data
