"""Ingest uploads (admin only): source files or a zipped world folder in, a background job out."""

from __future__ import annotations

import shutil
from typing import Annotated

from fastapi import Path, Query, Request
from fastapi.responses import FileResponse
from starlette.concurrency import run_in_threadpool

from api.deps import AccessDep, IngestJobsDep, SettingsDep
from api.routes.base import versioned_router
from api.schemas import IngestJobPublic, Page
from api.security import Admin
from api.uploads import boundary_of, receive_files

__all__ = ["router"]

router = versioned_router("ingest")

JobIdPath = Annotated[str, Path(min_length=1, max_length=60, description="The job id (JOB-...).")]

_UPLOAD_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {
                    "files": {
                        "type": "array",
                        "items": {"type": "string", "format": "binary"},
                        "description": "Source files named as in docs/data-formats.md, or one .zip.",
                    }
                },
                "required": ["files"],
            }
        }
    },
}


@router.post(
    "/ingest",
    status_code=202,
    summary="Upload source files (or a zip of a world folder) and load them in the background",
    openapi_extra={"requestBody": _UPLOAD_BODY},
    responses={413: {"description": "Over the upload limit"}, 415: {"description": "Not a source file"}},
)
async def upload(
    principal: Admin, jobs: IngestJobsDep, access: AccessDep, settings: SettingsDep, request: Request
) -> IngestJobPublic:
    boundary = boundary_of(request.headers.get("content-type"))
    job_id, folder = jobs.new_folder()
    try:
        files = await receive_files(request.stream(), boundary, folder, settings.api_upload_max_bytes)
        # Unpacking a zip is blocking file work: off the event loop.
        job = await run_in_threadpool(jobs.submit, job_id, folder, files, principal)
    except BaseException:
        shutil.rmtree(folder.parent, ignore_errors=True)
        raise
    access.record(principal, "ingest.upload", [f"IngestJob:{job_id}"], ", ".join(f.name for f in job.files))
    return job


@router.get("/ingest", summary="Ingest jobs, newest first")
def list_jobs(
    _: Admin,
    jobs: IngestJobsDep,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[IngestJobPublic]:
    return jobs.jobs(offset, limit)


@router.get("/ingest/{job_id}", summary="An ingest job's progress per source, then its report")
def get_job(_: Admin, jobs: IngestJobsDep, job_id: JobIdPath) -> IngestJobPublic:
    return jobs.job(job_id)


@router.get(
    "/ingest/{job_id}/quarantine/{name}",
    summary="Download a quarantine file of the job (JSON Lines: file, line, reason, row)",
    response_class=FileResponse,
    responses={200: {"content": {"application/x-ndjson": {}}}},
)
def get_quarantine(
    _: Admin,
    jobs: IngestJobsDep,
    job_id: JobIdPath,
    name: Annotated[str, Path(min_length=1, max_length=200)],
) -> FileResponse:
    path = jobs.quarantine_file(job_id, name)
    return FileResponse(path, media_type="application/x-ndjson", filename=path.name)
