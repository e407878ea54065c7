"""The code's shape: no import cycle in recommender/ or api/, no function over 60 lines.

Both walk the source with `ast`, so they see every import (module level, inside functions,
under `if TYPE_CHECKING:`) and every function, without importing anything.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("recommender", "api")
MAX_FUNCTION_LINES = 60
#: Phrase data and migrations are tables, not logic.
EXEMPT = ("recommender/synth_phrases.py", "recommender/storage/migrations/")
#: Functions still over the limit, by "path:name". Only api/routes/web.py may appear here (its
#: owner shortens them); the list may only shrink. Empty: none is over the limit today.
LONG_FUNCTIONS_ALLOWED: frozenset[str] = frozenset()
#: Issue #10 is not finished: these library functions are still over the limit and are to be
#: split next (the list may only shrink; a function shortened must leave it).
NOT_YET_SHORTENED: frozenset[str] = frozenset(
    {
        "recommender/missions/agenda.py:solve_agenda",
        "recommender/missions/planner.py:plan_mission",
        "recommender/missions/reciprocal.py:compute_reciprocal",
        "recommender/missions/reports.py:_plots",
        "recommender/missions/reports.py:write_leads_xlsx",
        "recommender/profiles.py:_build_records",
        "recommender/synth.py:_sme_block",
        "recommender/synth.py:_partner_block",
    }
)


def _sources() -> dict[str, Path]:
    """Module name -> file, for every module of the two packages."""
    out: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out[".".join(parts)] = path
    return out


def _imported(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules `name` imports anywhere in its file."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            for alias in node.names:
                # `from . import lexical` imports the submodule, not the package's namespace.
                sub = f"{module}.{alias.name}"
                found.add(sub if sub in modules else module)
    resolved = set()
    for module in found:
        while module and module not in modules:
            module = module.rpartition(".")[0]
        if module and module != name:
            resolved.add(module)
    return resolved


def import_graph() -> dict[str, set[str]]:
    modules = _sources()
    return {name: _imported(name, path, modules) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_import_graph_sees_relative_and_lazy_imports() -> None:
    graph = import_graph()
    assert "recommender.errors" in graph["recommender.workspace"]
    assert "api.main" in graph["recommender.cli.serve"]  # imported inside a function


def test_no_import_cycle_in_recommender_or_api() -> None:
    assert cycles(import_graph()) == []


def test_recommender_never_imports_api_except_to_serve_it() -> None:
    graph = import_graph()
    reaching = {
        name
        for name, imports in graph.items()
        if name.startswith("recommender") and any(m.startswith("api") for m in imports)
    }
    assert reaching == {"recommender.cli.serve"}


def long_functions() -> dict[str, int]:
    """ "path:qualified name" -> lines, for every function over the limit."""
    out: dict[str, int] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative.startswith(EXEMPT):
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    lines = (node.end_lineno or node.lineno) - node.lineno + 1
                    if lines > MAX_FUNCTION_LINES:
                        out[f"{relative}:{node.name}"] = lines
    return out


def test_no_function_over_60_lines() -> None:
    assert all(name.startswith("api/routes/web.py:") for name in LONG_FUNCTIONS_ALLOWED)
    known = LONG_FUNCTIONS_ALLOWED | NOT_YET_SHORTENED
    over = {name: n for name, n in long_functions().items() if name not in known}
    assert over == {}
    # An allowed function that was shortened leaves the list.
    assert set(long_functions()) >= known
