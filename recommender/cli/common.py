"""What every command shares: the root app, consoles, options, error and output handling."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from sqlalchemy.exc import SQLAlchemyError

from ..config import get_settings
from ..embedding import Progress as ProgressCallback
from ..errors import ClusterMatchError, ValidationError
from ..tabular import safe_row
from ..workspace import Lead, Workspace

app = typer.Typer(
    help="ClusterMatch: partnership leads for smart-mobility SMEs going international.\n\n"
    "Data lives in $CLUSTERMATCH_HOME (default ~/.clustermatch).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False)

PRESS_RELEASE_SMES = (
    "sme-atsuke",
    "sme-clem",
    "sme-knot",
    "sme-ksh",
    "sme-parksmart",
    "sme-standard-development",
)


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class RankerChoice(StrEnum):
    hybrid = "hybrid"
    dense = "dense"
    lexical = "lexical"


TopOption = Annotated[int | None, typer.Option("--top", "-n", min=1, help="How many results.")]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
MarketOption = Annotated[
    list[str] | None, typer.Option("--market", "-m", help="Country code (US, CA, CN, SG); repeat.")
]
OrgTypeOption = Annotated[
    list[str] | None, typer.Option("--org-type", "-t", help="Partner org type; repeat.")
]
CityOption = Annotated[list[str] | None, typer.Option("--city", help="Partner city; repeat.")]
RankerOption = Annotated[
    RankerChoice | None, typer.Option("--ranker", "-r", help="Ranker (default: hybrid).")
]


def fail(message: str) -> None:
    err.print(f"[red]error:[/red] {message}", markup=True, highlight=False)
    raise typer.Exit(1)


@contextmanager
def errors() -> Iterator[None]:
    """Library errors become one message on stderr and a non-zero exit, never a traceback."""
    try:
        yield
    except ValidationError as exc:
        err.print(f"[red]error:[/red] {len(exc.problems)} problem(s); nothing was imported.")
        for problem in exc.problems:
            err.print(f"  {problem}", markup=False)
        raise typer.Exit(1) from None
    except BrokenPipeError:
        raise  # the reader went away (`| head`): click ends quietly
    except (ClusterMatchError, ValueError, OSError) as exc:
        fail(str(exc))
    except SQLAlchemyError as exc:
        detail = f"{exc.__class__.__name__}: {getattr(exc, 'orig', None) or exc}"
        fail(f"database error ({get_settings().database}): {detail}")


@contextmanager
def progress_bar(label: str) -> Iterator[ProgressCallback]:
    """A Rich progress bar on stderr, shown only for long batches."""
    threshold = get_settings().progress_min_items
    with Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = None

        def update(done: int, total: int) -> None:
            nonlocal task
            if total < threshold:
                return
            if task is None:
                task = bar.add_task(label, total=total)
            bar.update(task, completed=done)

        yield update


def open_workspace() -> Workspace:
    return Workspace(get_settings())


def print_leads(leads: list[Lead], title: str, fmt: Format, extra: dict[str, str]) -> None:
    if fmt is Format.json:
        out.print_json(json.dumps({**extra, "results": [lead.to_dict() for lead in leads]}))
        return
    if fmt is Format.csv:
        write_csv(leads, extra)
        return
    table = Table(title=title, show_lines=True, title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("lead")
    table.add_column("score", justify="right")
    table.add_column("why")
    for lead in leads:
        p = lead.profile
        where = ", ".join(x for x in (getattr(p, "city", ""), p.country) if x)
        kind = getattr(p, "org_type", "") or getattr(p, "cluster", "")
        why = ""
        if lead.explanation:
            e = lead.explanation
            why = f"“{e.matched_sentence}”\n" + "; ".join(e.reasons)
            if e.shared_terms:
                why += f"\nshared terms: {', '.join(e.shared_terms)}"
        table.add_row(
            str(lead.rank), f"[bold]{p.name}[/bold]\n{kind} · {where}", f"{lead.score:.3f}", why
        )
    out.print(table)


def write_csv(leads: list[Lead], extra: dict[str, str], header: bool = True) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    keys = list(extra)
    if header:
        writer.writerow([*keys, "id", "name", "country", "city", "org_type", "rank", "score"])
    for lead in leads:
        p = lead.profile
        writer.writerow(
            [
                # Ids, names and cities come from uploads: none may run in a spreadsheet.
                *safe_row([*extra.values(), p.id, p.name, p.country, getattr(p, "city", "")]),
                getattr(p, "org_type", ""),
                lead.rank,
                f"{lead.score:.6f}",
            ]
        )
