"""`token create|list|revoke`: API tokens."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer
from rich.table import Table

from ..clusters import check_cluster
from .common import app, errors, open_workspace, out

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
    with errors():
        workspace = open_workspace()
        if sme:
            workspace.store.get("sme", sme)
        if role is RoleChoice.advisor and cluster:
            # A token for a misspelt cluster would quietly see nothing.
            check_cluster(workspace.store, cluster)
        token = workspace.tokens.create(role.value, cluster=cluster, sme_id=sme, label=label)
    print(token)


@token_app.command("list")
def token_list() -> None:
    """Every token's id, role and scope (never the secret)."""
    with errors():
        rows = open_workspace().tokens.list()
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
    with errors():
        open_workspace().tokens.revoke(token_id)
    out.print(f"token {token_id} revoked")
