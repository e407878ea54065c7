"""`clustermatch mission ...`: plan a trade mission from a YAML file."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from ..errors import ValidationError
from ..missions.engines import make_engine
from ..missions.planner import PlanResult, plan_mission
from ..missions.reciprocal import StageProgress
from ..missions.spec import load_mission
from .common import err, errors, open_workspace, out

mission_app = typer.Typer(
    help="Trade missions: rank both ways, plan a fair B2B agenda, write the briefings.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class EngineChoice(StrEnum):
    local = "local"
    ray = "ray"


@contextmanager
def _stages() -> Iterator[StageProgress]:
    """One Rich progress bar per stage of the plan, on stderr."""
    with Progress(
        TextColumn("{task.description:<32}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield update


@contextmanager
def _mission_problems(file: Path) -> Iterator[None]:
    """Problems in a mission file (or ids in it the data lacks), each by key, on stderr."""
    try:
        yield
    except ValidationError as exc:
        err.print(f"[red]error:[/red] {file} is not a valid mission:")
        for problem in exc.problems:
            where = f"key '{problem.column}'" if problem.column else "file"
            if problem.row is not None:
                where += f" (line {problem.row})"
            err.print(f"  {where}: {problem.reason}", markup=False)
        raise typer.Exit(1) from None


@mission_app.command("plan")
def plan(
    file: Annotated[Path, typer.Argument(help="Mission file (YAML).")],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder for the plan's files.")],
    engine: Annotated[
        EngineChoice, typer.Option("--engine", help="Where the ranking step runs.")
    ] = EngineChoice.local,
    ray_address: Annotated[
        str | None,
        typer.Option("--ray-address", help="Ray cluster address; default: a local instance."),
    ] = None,
) -> None:
    """Rank every SME and partner of a mission both ways, plan the agenda, write the reports.

    Writes leads.xlsx, agenda.csv, agenda.xlsx, briefings/, report.html and manifest.json.
    Interrupt with Ctrl-C and run again to resume; an unchanged mission reuses earlier work.

    Example: clustermatch mission plan data/missions/china-2019.yaml --out out/china-2019
    """
    try:
        with errors(), _mission_problems(file):
            spec = load_mission(file)
            workspace = open_workspace()
            try:
                with make_engine(engine.value, ray_address) as runner, _stages() as progress:
                    result = plan_mission(
                        spec,
                        out_dir,
                        workspace,
                        engine=runner,
                        progress=progress,
                        mission_file=file,
                    )
            finally:
                workspace.close()
    except KeyboardInterrupt:
        err.print(
            f"[yellow]interrupted:[/yellow] finished work is kept in {out_dir}; "
            "run the same command to resume"
        )
        raise typer.Exit(130) from None
    _print_summary(spec.name, result, out_dir)


def _print_summary(name: str, result: PlanResult, out_dir: Path) -> None:
    """What the plan achieved, in one table, and the solver's notes."""
    agenda = result.agenda
    table = Table(title=name, title_justify="left", show_header=False)
    table.add_row("SMEs x partners", f"{len(result.scope.smes)} x {len(result.scope.partners)}")
    table.add_row("meetings", str(len(agenda.meetings)))
    table.add_row(
        "agenda",
        f"{agenda.status}, objective {agenda.objective}, bound {agenda.best_bound:.0f}, "
        f"gap {agenda.gap:.2%}",
    )
    table.add_row(
        "fairness", f"at least min({agenda.fair_share}, candidates), at most {agenda.max_meetings}"
    )
    cache = result.cache
    table.add_row(
        "work reused",
        f"{cache['ranking_blocks_reused']} ranking blocks"
        + (", agenda" if cache["agenda_reused"] else ""),
    )
    table.add_row("time", f"{result.timings['total']:.1f} s ({result.engine} engine)")
    table.add_row("files", str(out_dir))
    out.print(table)
    for note in agenda.notes:
        err.print(f"[yellow]note:[/yellow] {note}")
