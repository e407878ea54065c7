"""Lead and search filters given by hand: values outside the vocabulary are said, not dropped.

A market outside the four, or an org type that does not exist, would otherwise filter every
partner out and give an empty list that looks like "no leads".
"""

from __future__ import annotations

from collections.abc import Sequence

from .errors import ClusterMatchError
from .profiles import normalise_org_type
from .schema import MARKETS, ORG_TYPES


class UnknownFilterError(ClusterMatchError, ValueError):
    """A filter value outside the vocabulary (a market or an org type)."""


def unknown_filters(markets: Sequence[str] = (), org_types: Sequence[str] = ()) -> list[str]:
    """One sentence per value outside the vocabulary, in the order given."""
    problems = [
        f"unknown market '{m}' (one of {', '.join(MARKETS)})"
        for m in markets
        if m.strip().upper() not in MARKETS
    ]
    problems += [
        f"unknown org type '{o}' (one of {', '.join(ORG_TYPES)})"
        for o in org_types
        if normalise_org_type(o) not in ORG_TYPES
    ]
    return problems


def check_filters(markets: Sequence[str] = (), org_types: Sequence[str] = ()) -> None:
    """UnknownFilterError naming every value outside the vocabulary."""
    problems = unknown_filters(markets, org_types)
    if problems:
        raise UnknownFilterError("; ".join(problems))
