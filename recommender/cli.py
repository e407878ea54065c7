"""The `clustermatch` command line: thin verbs over the Workspace."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from sqlalchemy.exc import SQLAlchemyError

from .config import BUNDLED_DATA, get_settings
from .embedding import Progress as ProgressCallback
from .errors import ClusterMatchError, ValidationError
from .evaluation import load_judgments
from .ranking import RANKERS
from .workspace import Lead, Workspace, evaluate_workspace

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


def _fail(message: str) -> None:
    err.print(f"[red]error:[/red] {message}", markup=True, highlight=False)
    raise typer.Exit(1)


@contextmanager
def _errors() -> Iterator[None]:
    """Library errors become one message on stderr and a non-zero exit, never a traceback."""
    try:
        yield
    except ValidationError as exc:
        err.print(f"[red]error:[/red] {len(exc.problems)} problem(s); nothing was imported.")
        for problem in exc.problems:
            err.print(f"  {problem}", markup=False)
        raise typer.Exit(1) from None
    except (ClusterMatchError, ValueError, OSError) as exc:
        _fail(str(exc))
    except SQLAlchemyError as exc:
        detail = f"{exc.__class__.__name__}: {getattr(exc, 'orig', None) or exc}"
        _fail(f"database error ({get_settings().database}): {detail}")


@contextmanager
def _progress(label: str) -> Iterator[ProgressCallback]:
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


def _workspace() -> Workspace:
    return Workspace(get_settings())


def _print_leads(leads: list[Lead], title: str, fmt: Format, extra: dict[str, str]) -> None:
    if fmt is Format.json:
        out.print_json(json.dumps({**extra, "results": [lead.to_dict() for lead in leads]}))
        return
    if fmt is Format.csv:
        _write_csv(leads, extra)
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


def _write_csv(leads: list[Lead], extra: dict[str, str], header: bool = True) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    keys = list(extra)
    if header:
        writer.writerow([*keys, "id", "name", "country", "city", "org_type", "rank", "score"])
    for lead in leads:
        p = lead.profile
        writer.writerow(
            [
                *extra.values(),
                p.id,
                p.name,
                p.country,
                getattr(p, "city", ""),
                getattr(p, "org_type", ""),
                lead.rank,
                f"{lead.score:.6f}",
            ]
        )


@app.command("import")
def import_(
    smes: Annotated[Path | None, typer.Option(help="SME file (CSV or XLSX).")] = None,
    partners: Annotated[Path | None, typer.Option(help="Partner file (CSV or XLSX).")] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Also delete profiles missing from the files.")
    ] = False,
) -> None:
    """Validate and import profiles; a file with any bad row imports nothing.

    Example: clustermatch import --smes data/smes.csv --partners data/partners.csv
    """
    if smes is None and partners is None:
        _fail("give --smes FILE and/or --partners FILE")
    with _errors(), _progress("embedding") as progress:
        workspace = _workspace()
        report = workspace.import_files(smes, partners, replace=replace, progress=progress)
        workspace.state(progress)
    for warning in report.warnings:
        err.print(f"[yellow]warning:[/yellow] {warning}")
    for side, counts in report.counts.items():
        out.print(
            f"{side}s: {counts.added} added, {counts.updated} updated, "
            f"{counts.unchanged} unchanged, {counts.removed} removed"
        )
    out.print(f"texts embedded: {report.embedded}")


@app.command()
def recommend(
    sme_id: Annotated[str | None, typer.Argument(help="SME id.")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every SME (CSV or JSON).")] = False,
    top: TopOption = None,
    market: MarketOption = None,
    org_type: OrgTypeOption = None,
    city: CityOption = None,
    ranker: RankerOption = None,
    diversity: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="MMR diversity, 0 (off) to 1.")
    ] = 0.0,
    fmt: FormatOption = Format.table,
) -> None:
    """Partner leads for an SME, explained.

    Examples: clustermatch recommend sme-parksmart --market US --top 5;
    clustermatch recommend --all --top 20 --format csv > leads.csv
    """
    ranker_name = ranker.value if ranker else None
    with _errors():
        workspace = _workspace()
        if all_:
            if sme_id:
                _fail("give an SME id or --all, not both")
            with _progress("ranking") as progress:
                every = workspace.recommend_all(
                    top=top or 50, ranker=ranker_name, explain=False, progress=progress
                )
            if fmt is Format.json:
                payload = {k: [lead.to_dict() for lead in v] for k, v in every.items()}
                out.print_json(json.dumps(payload))
                return
            if fmt is Format.table:
                _fail("--all writes csv or json: add --format csv")
            writer = csv.writer(sys.stdout, lineterminator="\n")
            writer.writerow(["sme_id", "partner_id", "rank", "score", "partner_name", "country"])
            for key, leads in every.items():
                for lead in leads:
                    writer.writerow(
                        [
                            key,
                            lead.profile.id,
                            lead.rank,
                            f"{lead.score:.6f}",
                            lead.profile.name,
                            lead.profile.country,
                        ]
                    )
            return
        if not sme_id:
            _fail("give an SME id, or --all")
        assert sme_id is not None
        leads = workspace.recommend(
            sme_id,
            top=top,
            markets=market or (),
            org_types=org_type or (),
            cities=city or (),
            ranker=ranker_name,
            diversity=diversity,
        )
        sme = workspace.sme(sme_id)
        _print_leads(leads, f"Leads for {sme.name} ({sme.country})", fmt, {"sme_id": sme_id})


@app.command()
def fit(
    partner_id: Annotated[str, typer.Argument(help="Partner id.")],
    top: TopOption = None,
    ranker: RankerOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """SMEs that fit a partner (the reverse direction).

    Example: clustermatch fit p-cn-002 --top 5
    """
    with _errors():
        workspace = _workspace()
        leads = workspace.fit(partner_id, top=top, ranker=ranker.value if ranker else None)
        partner = workspace.partner(partner_id)
        _print_leads(
            leads, f"SMEs for {partner.name} ({partner.city})", fmt, {"partner_id": partner_id}
        )


@app.command()
def search(
    text: Annotated[str, typer.Argument(help="What you are looking for, in any language.")],
    top: TopOption = None,
    market: MarketOption = None,
    org_type: OrgTypeOption = None,
    city: CityOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Free-text search over partner profiles.

    Example: clustermatch search "smart parking pilot" --market US --org-type public_authority
    """
    with _errors():
        leads = _workspace().search(
            text, top=top, markets=market or (), org_types=org_type or (), cities=city or ()
        )
        _print_leads(leads, f"Partners for “{text}”", fmt, {"query": text})


@app.command()
def evaluate(
    judgments: Annotated[Path, typer.Option(help="CSV of sme_id,partner_id,relevance (0-3).")],
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
) -> None:
    """nDCG@10, P@5, Recall@20 and MRR of every ranker against graded judgments.

    Example: clustermatch evaluate --judgments data/judgments.csv
    """
    with _errors():
        grades = load_judgments(judgments)
        frame = evaluate_workspace(_workspace(), grades, RANKERS)
    if fmt is Format.json:
        out.print_json(frame.to_json(orient="records"))
        return
    if fmt is Format.csv:
        frame.to_csv(sys.stdout, index=False)
        return
    table = Table(title=f"Evaluation on {judgments}", title_justify="left")
    for column in frame.columns:
        table.add_column(column, justify="left" if column in ("ranker", "segment") else "right")
    for record in frame.to_dict("records"):
        table.add_row(*[f"{v:.3f}" if isinstance(v, float) else str(v) for v in record.values()])
    out.print(table)


@app.command()
def demo(
    top: TopOption = 3,
) -> None:
    """Import the bundled data and print leads for the six SMEs of the press release."""
    with _errors(), _progress("embedding") as progress:
        workspace = _workspace()
        report = workspace.import_files(
            BUNDLED_DATA / "smes.csv", BUNDLED_DATA / "partners.csv", progress=progress
        )
        workspace.state(progress)
        err.print(
            f"[dim]data folder {workspace.settings.home}; "
            f"{workspace.store.count('sme')} SMEs, {workspace.store.count('partner')} partners; "
            f"{report.embedded} texts embedded[/dim]"
        )
        for sme_id in PRESS_RELEASE_SMES:
            sme = workspace.sme(sme_id)
            leads = workspace.recommend(sme_id, top=top)
            _print_leads(
                leads,
                f"{sme.name} ({sme.country}, {sme.cluster}) → {', '.join(sme.markets)}",
                Format.table,
                {},
            )


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
) -> None:
    """Serve the HTTP API (and, later, the web pages) with uvicorn.

    Example: clustermatch serve --port 8000, then open http://127.0.0.1:8000/docs
    """
    import uvicorn

    from api.main import create_app

    err.print(
        f"[dim]data folder {get_settings().home}; API docs at http://{host}:{port}/docs; "
        "create a token with: clustermatch token create --role admin[/dim]"
    )
    uvicorn.run(create_app(), host=host, port=port, log_level="info")


@app.command()
def synth(
    out_dir: Annotated[
        Path, typer.Option("--out", help="Folder for smes.csv and partners.csv (created).")
    ],
    smes: Annotated[int, typer.Option("--smes", min=1, help="How many SMEs.")] = 1100,
    partners: Annotated[int, typer.Option("--partners", min=1, help="How many partners.")] = 10_000,
    seed: Annotated[int, typer.Option(min=0, help="Random seed: same seed, same files.")] = 0,
) -> None:
    """Write synthetic SME and partner files for scale tests (bundled data's schema, offline).

    Example: clustermatch synth --smes 1100 --partners 1000000 --seed 1 --out /tmp/synth1m
    """
    from .synth import write

    with _errors(), _progress("synthesising") as progress:
        sme_path, partner_path = write(out_dir, smes, partners, seed, progress=progress)
    out.print(f"{sme_path}: {smes:,} SMEs")
    out.print(f"{partner_path}: {partners:,} partners")


token_app = typer.Typer(help="API tokens: create, list, revoke.", no_args_is_help=True)
app.add_typer(token_app, name="token")


class RoleChoice(StrEnum):
    admin = "admin"
    advisor = "advisor"
    sme = "sme"


@token_app.command("create")
def token_create(
    role: Annotated[RoleChoice, typer.Option(help="admin, advisor or sme.")],
    cluster: Annotated[str, typer.Option(help="The advisor's cluster.")] = "",
    sme: Annotated[str, typer.Option(help="The SME's id (role sme).")] = "",
    label: Annotated[str, typer.Option(help="A note on who holds it.")] = "",
) -> None:
    """Create a token and print it alone on standard output (it is shown only once).

    Example: clustermatch token create --role advisor --cluster "Mov'eo"
    """
    with _errors():
        workspace = _workspace()
        if sme:
            workspace.store.get("sme", sme)
        token = workspace.tokens.create(role.value, cluster=cluster, sme_id=sme, label=label)
    print(token)


@token_app.command("list")
def token_list() -> None:
    """Every token's id, role and scope (never the secret)."""
    with _errors():
        rows = _workspace().tokens.list()
    table = Table(title="API tokens", title_justify="left")
    for column in ("id", "role", "cluster", "sme_id", "label", "created_at", "revoked"):
        table.add_column(column)
    for row in rows:
        table.add_row(*[str(v) for v in row.values()])
    out.print(table)


@token_app.command("revoke")
def token_revoke(
    token_id: Annotated[int, typer.Argument(help="Token id (see token list).")],
) -> None:
    """Revoke a token: it answers 401 from now on."""
    with _errors():
        _workspace().tokens.revoke(token_id)
    out.print(f"token {token_id} revoked")


from .mission_cli import mission_app  # noqa: E402

app.add_typer(mission_app, name="mission")


def main() -> None:  # pragma: no cover - console entry point
    app()
