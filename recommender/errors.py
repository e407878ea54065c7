"""The library's errors; the CLI and the API translate them at their edge."""

from __future__ import annotations

from dataclasses import dataclass


class ClusterMatchError(Exception):
    """Base class: every error the library raises on purpose."""


class NotFoundError(ClusterMatchError):
    """An SME or partner id that is not in the store."""


class ConflictError(ClusterMatchError):
    """A write that lost to the current state: an id that exists, a lead another change moved."""


class ConfigurationError(ClusterMatchError):
    """A setting or an installed component that cannot work (e.g. a missing model)."""


@dataclass(frozen=True)
class Problem:
    """One invalid value in an input file: where it is and why it is wrong."""

    file: str
    row: int | None  # 1-based line number in the file, header = 1; None for file-level problems
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        return f"{where}: {self.reason}"


class ValidationError(ClusterMatchError):
    """An input file with one or more problems; nothing was imported."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{len(problems)} problem(s) found, nothing was imported:\n{lines}")
