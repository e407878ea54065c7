"""`evaluate` and `tune`: the relevance model, measured out of fold and refitted."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table

from ..config import get_settings
from ..evaluation import load_judgments
from ..ranking import RANKERS
from ..relevance import MODELS_DIR, model_path
from ..tuning import (
    JudgedSet,
    bundled_sets,
    cross_validate,
    fit,
    load_tables,
    summary,
    with_sector_dropout,
)
from ..workspace import evaluate_workspace
from .common import Format, app, err, errors, open_workspace, out

SetOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--set",
        help="Folder with smes.csv, partners.csv and judgments.csv; repeat "
        "(default: the bundled data/ and data/eval/).",
    ),
]


def _sets(folders: list[Path] | None) -> list[JudgedSet]:
    if not folders:
        return with_sector_dropout(bundled_sets())
    return with_sector_dropout([JudgedSet(f.name or str(f), f) for f in folders])


def _print_frame(frame: pd.DataFrame, title: str, fmt: Format) -> None:
    if fmt is Format.json:
        out.print_json(frame.to_json(orient="records"))
        return
    if fmt is Format.csv:
        frame.to_csv(sys.stdout, index=False)
        return
    table = Table(title=title, title_justify="left")
    for column in frame.columns:
        table.add_column(
            str(column), justify="right" if frame[column].dtype.kind in "fi" else "left"
        )
    for record in frame.to_dict("records"):
        table.add_row(*[f"{v:.3f}" if isinstance(v, float) else str(v) for v in record.values()])
    out.print(table)


@app.command()
def evaluate(
    judged_sets: SetOption = None,
    judgments: Annotated[
        Path | None,
        typer.Option(
            help="Judgments of the data already imported (scored with the shipped model)."
        ),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
) -> None:
    """nDCG@10, P@5, Recall@20 and MRR per set, ranker and segment; hybrid cross-validated.

    Without --judgments every judged set is imported into a workspace of its own and the
    hybrid model is scored out of fold (GroupKFold over SMEs: refitted without the SMEs it
    scores), on each set and on each set with its sector tags emptied.

    Examples: clustermatch evaluate; clustermatch evaluate --judgments data/judgments.csv
    """
    with errors():
        if judgments is not None:
            frame = evaluate_workspace(open_workspace(), load_judgments(judgments), RANKERS)
            err.print(
                "[dim]hybrid scored with the shipped model, which may have been fitted on "
                "these pairs; run `clustermatch evaluate` for cross-validated numbers[/dim]"
            )
            _print_frame(frame, f"Evaluation on {judgments}", fmt)
            return
        settings = get_settings()
        tables = load_tables(_sets(judged_sets), settings)
        cv = cross_validate(tables, open_workspace().embedder.name)
    _print_frame(cv.metrics(), "Out-of-fold evaluation (hybrid refitted per fold)", fmt)
    if fmt is Format.table:
        _print_frame(cv.reliability(), "Share of relevant judged pairs per score band", fmt)


@app.command()
def tune(
    judged_sets: SetOption = None,
    out_dir: Annotated[
        Path, typer.Option("--out", help="Folder the model file is written to.")
    ] = MODELS_DIR,
) -> None:
    """Refit the relevance model for the embedding model in use on judged sets.

    Writes relevance-<model>.json with a manifest: features, training sets and the
    cross-validated metrics (GroupKFold over SMEs).

    Example: clustermatch tune --set data --set data/eval
    """
    with errors():
        settings = get_settings()
        name = open_workspace().embedder.name
        tables = load_tables(_sets(judged_sets), settings)
        cv = cross_validate(tables, name)
        model = fit(tables, name)
        model.manifest["cross_validation"] = summary(cv)
        out_dir.mkdir(parents=True, exist_ok=True)
        path = model_path(name, out_dir)
        model.save(path)
    _print_frame(
        cv.metrics(("hybrid",)), f"Cross-validated, before refitting on all: {path}", Format.table
    )
