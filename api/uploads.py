"""Receiving an ingest upload: a streamed ``multipart/form-data`` body, or a zip of a world folder.

The body is fed, chunk by chunk as it arrives, to python-multipart's streaming parser, and each file is
written straight to the job's folder, so an upload is never held in memory and one over the size limit
is refused (413) as soon as it passes it. (FastAPI's ``UploadFile`` would first spool the whole body to
temporary files, limit or not.) Only files named as a source of docs/data-formats.md (``persons.csv``,
``transfers.jsonl`` ...) or one ``.zip`` are accepted (415 otherwise); a zip is unpacked with every
member's path and size checked (no ``..``, no absolute paths, the unpacked total within the limit),
keeping the source files of its one world folder.

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

import shutil
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, MultipartState, parse_options_header

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
_ONE_ZIP = "upload either source files or one zip of a world folder, not both"


@dataclass(frozen=True)
class ReceivedFile:
    """A file written to the job's folder: its name there and its size in bytes."""

    name: str
    size: int


def boundary_of(content_type: str | None) -> bytes:
    """The multipart boundary named by a ``Content-Type`` header (415 if it is not multipart)."""
    media_type, options = parse_options_header(content_type)
    if media_type != b"multipart/form-data":
        raise UnsupportedUpload("send the files as multipart/form-data (field 'files')")
    boundary = options.get(b"boundary")
    if not boundary:
        raise InvalidUpload("the multipart Content-Type names no boundary")
    return boundary


def accepted_name(file_name: str) -> str:
    """The file's base name if it is a source file or a zip; 415 otherwise."""
    name = PurePosixPath(file_name.replace("\\", "/")).name
    if name in SOURCE_FILE_NAMES or _is_zip(name):
        return name
    raise UnsupportedUpload(
        f"{name!r} is neither a source file (persons.csv, transfers.jsonl ... see docs/data-formats.md) "
        "nor a .zip of a world folder"
    )


def _is_zip(name: str) -> bool:
    return name.lower().endswith(".zip")


class _Receiver:
    """Writes the parts the parser finds to files; the parser's callbacks land here."""

    def __init__(self, folder: Path, max_bytes: int) -> None:
        self._folder = folder
        self._max_bytes = max_bytes
        self._total = 0
        self._header_name = b""
        self._header_value = b""
        self._disposition = b""
        self._handle: IO[bytes] | None = None
        self._name = ""
        self._size = 0
        self.files: list[ReceivedFile] = []

    def parser(self, boundary: bytes) -> MultipartParser:
        return MultipartParser(
            boundary,
            {
                "on_part_begin": self._part_begin,
                "on_header_field": self._header_field,
                "on_header_value": self._header_value_data,
                "on_header_end": self._header_end,
                "on_headers_finished": self._headers_finished,
                "on_part_data": self._part_data,
                "on_part_end": self._part_end,
            },
        )

    def _part_begin(self) -> None:
        self._disposition = b""

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def _header_value_data(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _header_end(self) -> None:
        if self._header_name.strip().lower() == b"content-disposition":
            self._disposition = self._header_value
        self._header_name, self._header_value = b"", b""

    def _headers_finished(self) -> None:
        # Latin-1 maps bytes to text one to one, so the parameter's bytes come back as sent (UTF-8).
        _, parameters = parse_options_header(self._disposition.decode("latin-1"))
        file_name = parameters.get(b"filename", b"").decode("utf-8", errors="replace")
        if not file_name:
            raise InvalidUpload(
                "every part of the upload must be a file (Content-Disposition with a filename)"
            )
        self._open(accepted_name(file_name))

    def _open(self, name: str) -> None:
        if any(f.name == name for f in self.files):
            raise InvalidUpload(f"{name} is uploaded twice")
        # Refused here, not after the body: a stream of zip parts would otherwise fill the disk.
        if self.files and (_is_zip(name) or _is_zip(self.files[0].name)):
            raise InvalidUpload(_ONE_ZIP)
        self._name, self._size = name, 0
        self._handle = (self._folder / name).open("wb")

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        self._total += end - start
        if self._total > self._max_bytes:
            raise UploadTooLarge(f"the upload is over the limit of {self._max_bytes:,} bytes")
        assert self._handle is not None
        self._handle.write(data[start:end])
        self._size += end - start

    def _part_end(self) -> None:
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
    receiver = _Receiver(folder, max_bytes)
    try:
        parser = receiver.parser(boundary)
        async for chunk in chunks:
            parser.write(chunk)
        ended = parser.state == MultipartState.END
    except FormParserError as exc:
        raise InvalidUpload(f"the multipart body is malformed: {exc}") from None
    finally:
        receiver.abandon()
    if not ended:
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
