"""`import`, `demo`, `synth`: data in."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..config import BUNDLED_DATA
from .common import (
    PRESS_RELEASE_SMES,
    Format,
    TopOption,
    app,
    err,
    errors,
    fail,
    open_workspace,
    out,
    print_leads,
    progress_bar,
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
        fail("give --smes FILE and/or --partners FILE")
    with errors(), progress_bar("embedding") as progress:
        workspace = open_workspace()
        report = workspace.import_files(smes, partners, replace=replace, progress=progress)
        workspace.state(progress)
    for note in report.notes:
        out.print(note)
    for warning in report.warnings:
        err.print(f"[yellow]warning:[/yellow] {warning}")
    for side, counts in report.counts.items():
        out.print(
            f"{side}s: {counts.added} added, {counts.updated} updated, "
            f"{counts.unchanged} unchanged, {counts.removed} removed"
        )
    out.print(f"texts embedded: {report.embedded}")


@app.command()
def demo(
    top: TopOption = 3,
) -> None:
    """Import the bundled data and print leads for the six SMEs of the press release."""
    with errors(), progress_bar("embedding") as progress:
        workspace = open_workspace()
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
            print_leads(
                leads,
                f"{sme.name} ({sme.country}, {sme.cluster}) → {', '.join(sme.markets)}",
                Format.table,
                {},
            )


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
    from ..synth import write

    with errors(), progress_bar("synthesising") as progress:
        sme_path, partner_path = write(out_dir, smes, partners, seed, progress=progress)
    out.print(f"{sme_path}: {smes:,} SMEs")
    out.print(f"{partner_path}: {partners:,} partners")
