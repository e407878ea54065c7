"""Trade-mission planning: reciprocal ranking, a fair B2B agenda, reports.

from recommender import Workspace
from recommender.missions import load_mission, plan_mission
result = plan_mission(load_mission("data/missions/china-2019.yaml"), "out/", Workspace())
print(result.agenda.status, result.agenda.gap, len(result.agenda.meetings))
"""

from .agenda import Agenda, AgendaProblem, Meeting, solve_agenda, violations
from .engines import Engine, LocalEngine, RayEngine, make_engine
from .planner import plan_mission, resolve_scope
from .reciprocal import ArraySource, Eligibility, Reciprocal, compute_reciprocal
from .results import MissionScope, PlanResult
from .spec import MissionSpec, load_mission, parse_mission

__all__ = [
    "Agenda",
    "AgendaProblem",
    "ArraySource",
    "Eligibility",
    "Engine",
    "LocalEngine",
    "Meeting",
    "MissionScope",
    "MissionSpec",
    "PlanResult",
    "RayEngine",
    "Reciprocal",
    "compute_reciprocal",
    "load_mission",
    "make_engine",
    "parse_mission",
    "plan_mission",
    "resolve_scope",
    "solve_agenda",
    "violations",
]
