"""A case bundle: the rendered files, a manifest of their SHA-256 digests, written as a folder or a zip,
and the check that a bundle is still what was exported.

Every file but the manifest is a pure function of the case document and the software version, so
exporting the same case twice gives the same bytes; only the manifest's two times (when the graph was
read, when the bundle was written) differ. :func:`verify_bundle` recomputes each digest and names every
file that was changed, is missing, or was added.

>>> files = {"case.json": b"{}\\n"}
>>> manifest = json.loads(bundle_manifest("CASE-1", files, version="0.1.0", graph_snapshot_at="t0",
...                                       exported_at="t1", exported_by="kim"))
>>> check_files(manifest, files).ok
True
>>> check_files(manifest, {"case.json": b"{} \\n", "extra.txt": b""}).problems
['changed: case.json', 'extra: extra.txt']
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bigfinder.errors import BigfinderError
from casefile.document import FORMAT, CaseDocument
from casefile.graphml import case_graphml
from casefile.picture import case_picture
from casefile.report import case_report
from casefile.tables import case_tables

__all__ = [
    "MANIFEST",
    "BundleCheck",
    "InvalidBundle",
    "bundle_manifest",
    "case_files",
    "check_files",
    "read_bundle",
    "verify_bundle",
    "write_bundle",
    "zip_bytes",
]

MANIFEST = "manifest.json"
#: The time every zip entry carries: the earliest a zip can hold, so the zip does not change with the clock.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


class InvalidBundle(BigfinderError):
    """The path is no bundle: no manifest, or one that cannot be read."""

    status = 422
    title = "Invalid case bundle"


@dataclass(frozen=True)
class BundleCheck:
    """What :func:`verify_bundle` found: each problem as ``changed|missing|extra: <file>``."""

    case_id: str
    checked: int
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _json(value: Any) -> bytes:
    return (json.dumps(value, sort_keys=True, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def case_files(doc: CaseDocument, version: str) -> dict[str, bytes]:
    """Every file of the bundle but the manifest, by name, sorted."""
    doc = doc.canonical()
    picture = case_picture(doc)
    files = {
        "case.json": _json(doc.model_dump(mode="json")),
        "case.graphml": case_graphml(doc),
        "network.png": picture,
        "report.pdf": case_report(doc, picture, version),
        **case_tables(doc),
    }
    return dict(sorted(files.items()))


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def bundle_manifest(
    case_id: str,
    files: dict[str, bytes],
    *,
    version: str,
    graph_snapshot_at: str,
    exported_at: str,
    exported_by: str,
) -> bytes:
    """The manifest: each file's SHA-256 and size, the software version, who exported it and when."""
    return _json(
        {
            "format": FORMAT,
            "case_id": case_id,
            "software": {"name": "bigfinder", "version": version},
            "graph_snapshot_at": graph_snapshot_at,
            "exported_at": exported_at,
            "exported_by": exported_by,
            "files": {
                name: {"sha256": _sha256(data), "bytes": len(data)} for name, data in sorted(files.items())
            },
        }
    )


def zip_bytes(folder_name: str, files: dict[str, bytes]) -> bytes:
    """The files as one zip under ``folder_name/``, in name order, with fixed times and permissions."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in sorted(files.items()):
            entry = zipfile.ZipInfo(f"{folder_name}/{name}", date_time=_ZIP_TIME)
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, data)
    return buffer.getvalue()


def write_bundle(files: dict[str, bytes], folder: Path, *, as_zip: bool) -> Path:
    """Write ``files`` (manifest included) as ``folder`` or, ``as_zip``, as ``folder`` + ``.zip``.

    An existing bundle of the same name is replaced whole, so no file of an earlier export lingers in it.
    """
    if as_zip:
        target = folder.with_name(folder.name + ".zip")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(zip_bytes(folder.name, files))
        return target
    folder.mkdir(parents=True, exist_ok=True)
    for stale in [p for p in folder.iterdir() if p.is_file() and p.name not in files]:
        stale.unlink()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def read_bundle(path: Path) -> dict[str, bytes]:
    """The files of a bundle folder or zip, by name (a zip's one top folder left out)."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            return {
                info.filename.split("/", 1)[-1]: archive.read(info)
                for info in archive.infolist()
                if not info.is_dir()
            }
    if path.is_dir():
        return {
            p.relative_to(path).as_posix(): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()
        }
    raise InvalidBundle(f"{path} is neither a bundle folder nor a zip")


def check_files(manifest: dict[str, Any], files: dict[str, bytes]) -> BundleCheck:
    """Compare ``files`` with the digests of ``manifest``."""
    listed: dict[str, Any] = manifest.get("files") or {}
    problems = []
    for name in sorted(set(listed) | set(files)):
        if name not in files:
            problems.append(f"missing: {name}")
        elif name not in listed:
            problems.append(f"extra: {name}")
        elif _sha256(files[name]) != listed[name].get("sha256"):
            problems.append(f"changed: {name}")
    return BundleCheck(case_id=str(manifest.get("case_id")), checked=len(listed), problems=problems)


def verify_bundle(path: Path) -> BundleCheck:
    """Check every file of the bundle at ``path`` against its manifest."""
    files = read_bundle(path)
    if MANIFEST not in files:
        raise InvalidBundle(f"{path} holds no {MANIFEST}")
    try:
        manifest = json.loads(files.pop(MANIFEST))
    except ValueError as exc:
        raise InvalidBundle(f"the {MANIFEST} of {path} is not JSON: {exc}") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        raise InvalidBundle(f"the {MANIFEST} of {path} lists no files")
    return check_files(manifest, files)
