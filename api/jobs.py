"""Mission plans run in the background, one at a time, with their files kept on disk."""

from __future__ import annotations

import json
import threading
import traceback
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from recommender import ClusterMatchError, Workspace
from recommender.missions import MissionSpec, plan_mission

STATUS_FILE = "job.json"


@dataclass
class MissionJob:
    """A mission plan requested through the API."""

    id: str
    name: str
    owner_role: str
    owner_cluster: str
    status: str = "queued"  # queued -> running -> done | failed
    created_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())
    finished_at: str | None = None
    error: str | None = None
    summary: dict[str, Any] = field(default_factory=dict)


class MissionJobs:
    """A single-worker queue: plans are CPU-heavy and the machine has few cores."""

    def __init__(self, workspace: Workspace, folder: Path):
        self.workspace = workspace
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mission")
        self._lock = threading.Lock()

    def submit(self, spec: MissionSpec, owner_role: str, owner_cluster: str) -> MissionJob:
        """Queue a plan; returns at once."""
        job = MissionJob(uuid.uuid4().hex[:12], spec.name, owner_role, owner_cluster)
        (self.folder / job.id).mkdir()
        (self.folder / job.id / "mission.json").write_text(spec.model_dump_json(indent=2))
        self._save(job)
        self._pool.submit(self._run, job, spec)
        return job

    def _run(self, job: MissionJob, spec: MissionSpec) -> None:
        job.status = "running"
        self._save(job)
        try:
            result = plan_mission(spec, self.folder / job.id / "out", self.workspace)
            agenda = result.agenda
            job.summary = {
                "smes": len(result.scope.smes),
                "partners": len(result.scope.partners),
                "meetings": len(agenda.meetings),
                "solver_status": agenda.status,
                "objective": agenda.objective,
                "best_bound": agenda.best_bound,
                "gap": agenda.gap,
            }
            job.status = "done"
        except ClusterMatchError as exc:
            job.status, job.error = "failed", str(exc)
        except Exception as exc:  # a crashed plan must still be reported, not lost
            job.status, job.error = "failed", f"{exc.__class__.__name__}: {exc}"
            traceback.print_exc()
        job.finished_at = datetime.now(UTC).isoformat()
        self._save(job)

    def _save(self, job: MissionJob) -> None:
        with self._lock:
            path = self.folder / job.id / STATUS_FILE
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(asdict(job), indent=2))
            tmp.replace(path)

    def get(self, job_id: str) -> MissionJob | None:
        """A job by id (also after a restart: status lives on disk)."""
        if not job_id.isalnum():
            return None
        path = self.folder / job_id / STATUS_FILE
        try:
            job = MissionJob(**json.loads(path.read_text()))
        except (OSError, ValueError, TypeError):
            return None
        return job

    def all(self) -> list[MissionJob]:
        """Every job, newest first."""
        jobs = [self.get(p.name) for p in self.folder.iterdir() if p.is_dir()]
        return sorted((j for j in jobs if j), key=lambda j: j.created_at, reverse=True)

    def files(self, job_id: str) -> list[str]:
        """The plan's output files, relative to its folder."""
        out = self.folder / job_id / "out"
        if not out.is_dir():
            return []
        return sorted(
            str(p.relative_to(out))
            for p in out.rglob("*")
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(out).parts)
        )

    def file(self, job_id: str, name: str) -> Path | None:
        """One output file, never anything outside the plan's folder."""
        if name not in self.files(job_id):
            return None
        return self.folder / job_id / "out" / name

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
