"""Cluster names as the store knows them, and the closest one to a name typed by hand.

An advisor token is scoped by an exact cluster name: "Mov’eo" (a curly apostrophe, as press
releases write it) or "Moveo" would make a token that sees nothing, so a name is checked
against the clusters of the stored SMEs before a token is made for it.
"""

from __future__ import annotations

import difflib
import unicodedata

from sqlalchemy import select
from sqlalchemy.orm import Session

from .errors import ClusterMatchError
from .storage.models import SMERow
from .storage.profiles import Store

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'"})


class UnknownClusterError(ClusterMatchError):
    """A cluster name no stored SME belongs to."""


def known_clusters(store: Store) -> list[str]:
    """The distinct clusters of the stored SMEs, sorted."""
    with Session(store.engine) as session:
        rows = session.scalars(select(SMERow.cluster).distinct())
        return sorted(c for c in rows if c)


def fold(name: str) -> str:
    """A name for comparison: same apostrophes, no accents, case or surrounding spaces."""
    text = unicodedata.normalize("NFKD", name.translate(_APOSTROPHES))
    return "".join(c for c in text if not unicodedata.combining(c)).casefold().strip()


def closest_cluster(name: str, clusters: list[str]) -> str | None:
    """The known cluster nearest to a name, or None when none is near."""
    folded = {fold(c): c for c in clusters}
    if fold(name) in folded:
        return folded[fold(name)]
    bare = {fold(c).replace("'", "").replace(" ", ""): c for c in clusters}
    key = fold(name).replace("'", "").replace(" ", "")
    if key in bare:
        return bare[key]
    near = difflib.get_close_matches(fold(name), list(folded), n=1, cutoff=0.6)
    return folded[near[0]] if near else None


def check_cluster(store: Store, name: str) -> str:
    """The name itself when it is a stored cluster; UnknownClusterError (with a hint) if not."""
    clusters = known_clusters(store)
    if name in clusters:
        return name
    suggestion = closest_cluster(name, clusters)
    hint = (
        f"did you mean '{suggestion}'?"
        if suggestion
        else f"known clusters: {', '.join(clusters)}"
        if clusters
        else "no SMEs are stored yet: import them first"
    )
    raise UnknownClusterError(f"no SME belongs to cluster '{name}'; {hint}")
