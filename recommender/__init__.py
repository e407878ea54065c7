"""ClusterMatch: partnership leads for smart-mobility SMEs going international.

The public API::

    from recommender import Workspace
    ws = Workspace()
    ws.import_files(smes="data/smes.csv", partners="data/partners.csv")
    for lead in ws.recommend("sme-parksmart", top=5):
        print(lead.rank, lead.profile.name, lead.explanation.reasons)
"""

from .config import BUNDLED_DATA, Settings, get_settings
from .errors import (
    ClusterMatchError,
    ConfigurationError,
    ConflictError,
    NotFoundError,
    Problem,
    ValidationError,
)
from .evaluation import load_judgments
from .explain import Explanation
from .schema import MARKETS, ORG_TYPES, SME, Partner
from .workspace import ImportReport, Lead, Workspace, evaluate_workspace

__all__ = [
    "BUNDLED_DATA",
    "MARKETS",
    "ORG_TYPES",
    "SME",
    "ClusterMatchError",
    "ConfigurationError",
    "ConflictError",
    "Explanation",
    "ImportReport",
    "Lead",
    "NotFoundError",
    "Partner",
    "Problem",
    "Settings",
    "ValidationError",
    "Workspace",
    "evaluate_workspace",
    "get_settings",
    "load_judgments",
]
