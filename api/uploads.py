"""Profile uploads, shared by the JSON API and the import page."""

from __future__ import annotations

from typing import Any

from fastapi import UploadFile
from fastapi.concurrency import run_in_threadpool

from recommender import ImportReport, Problem, ValidationError, Workspace
from recommender.limits import TableLimits, check_table
from recommender.profiles import load_profiles
from recommender.schema import Side
from recommender.storage.tokens import Principal

from .errors import PayloadTooLarge


async def read_upload(upload: UploadFile, limit: int) -> bytes:
    """The whole upload, refusing it as soon as it passes the size limit."""
    chunks, size = [], 0
    while chunk := await upload.read(1 << 16):
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"upload larger than the limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def check_cluster(
    workspace: Workspace,
    principal: Principal,
    records: list[Any],
    source: str,
    rows: dict[str, int],
) -> None:
    """Advisors may only write SMEs of their own cluster, new or existing."""
    if principal.role != "advisor":
        return
    # Early, with row numbers; the import's transaction checks again when it writes.
    existing = workspace.store.clusters([r.id for r in records])
    problems = []
    for record in records:
        if record.cluster != principal.cluster:
            problems.append(
                Problem(source, rows.get(record.id), "cluster", f"must be '{principal.cluster}'")
            )
        elif existing.get(record.id, principal.cluster) != principal.cluster:
            # Neutral wording: do not confirm which cluster owns the id.
            problems.append(Problem(source, rows.get(record.id), "id", "id not available"))
    if problems:
        raise ValidationError(problems)


async def import_upload(
    workspace: Workspace,
    principal: Principal,
    file: UploadFile,
    side: Side,
    replace: bool,
    limit: int,
) -> ImportReport:
    """Size-check, validate and import one uploaded file, all or nothing."""
    data = await read_upload(file, limit)
    source = file.filename or "upload.csv"
    # Counted before parsing: a small file can expand to a huge table.
    await run_in_threadpool(check_table, data, source, TableLimits.of(workspace.settings))
    # Parsing and embedding are CPU work: keep them off the event loop.
    loaded = await run_in_threadpool(load_profiles, data, side, source)
    if side == "sme":
        check_cluster(workspace, principal, loaded.records, loaded.source, loaded.rows)
    cluster = principal.cluster if principal.role == "advisor" and side == "sme" else None
    return await run_in_threadpool(workspace.import_loaded, [loaded], replace, None, False, cluster)
