"""The files of a mission plan: leads and agenda workbooks, agenda CSV, briefings, report."""

from __future__ import annotations

import base64
import io
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from jinja2 import Environment, select_autoescape
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from ..explain import Explanation
from ..relevance import band
from ..tabular import append_row, write_csv
from .agenda import FIT_SCALE, Meeting
from .reciprocal import FIT_BINS

if TYPE_CHECKING:
    from .results import PlanResult

AGENDA_COLUMNS = (
    "sme_id",
    "partner_id",
    "day",
    "slot",
    "fit",
    "fit_points",
    "relevance",
    "band",
    "city",
    "sme_name",
    "partner_name",
    "partner_type",
)


@dataclass(frozen=True)
class LeadRow:
    """One lead of an SME as the reports show it."""

    rank: int
    partner_id: str
    partner: str
    city: str
    org_type: str
    fit: float
    relevance: float | None  # the calibrated score of the pair (hybrid ranker only)
    band: str
    for_sme: str  # "3 of 45": the partner's rank among the SME's eligible partners
    for_partner: str  # the SME's rank among the partner's eligible SMEs
    meeting: str  # "Day 1 slot 3", or ""
    why_sme: str
    why_partner: str


def write_reports(result: PlanResult) -> list[Path]:
    """Write every report file into the plan's folder; returns their paths."""
    out = result.out
    written = [
        write_leads_xlsx(result, out / "leads.xlsx"),
        write_agenda_csv(result, out / "agenda.csv"),
        write_agenda_xlsx(result, out / "agenda.xlsx"),
        *write_briefings(result, out / "briefings"),
        write_report_html(result, out / "report.html"),
    ]
    result.files.extend(written)
    return written


# --- shared rows ----------------------------------------------------------------------------


def day_label(result: PlanResult, day: int) -> str:
    """'Day 2 (Shanghai)' when the mission has an itinerary, else 'Day 2'."""
    city = result.spec.day_cities()[day - 1]
    return f"Day {day} ({city})" if city else f"Day {day}"


def lead_rows(result: PlanResult, sme: int) -> list[LeadRow]:
    """An SME's leads, best first, with both sides' explanations."""
    rec, scope = result.reciprocal, result.scope
    meetings = _meetings_by_pair(result)
    rows = []
    for rank, k in enumerate(result.leads(sme), start=1):
        p = int(rec.partners[sme, k])
        partner = scope.partners[p]
        meeting = meetings.get((sme, p))
        why = result.explanations.get((scope.smes[sme].id, partner.id))
        rows.append(
            LeadRow(
                rank=rank,
                partner_id=partner.id,
                partner=partner.name,
                city=partner.city,
                org_type=partner.org_type,
                fit=round(float(rec.fit[sme, k]), 4),
                **_relevance(result, float(rec.forward_score[sme, k])),
                for_sme=f"{rec.forward_rank(sme, k)} of {int(rec.sme_eligible[sme])}",
                for_partner=f"{rec.backward_rank(sme, k)} of {int(rec.partner_eligible[p])}",
                meeting=f"{day_label(result, meeting.day)}, slot {meeting.slot}" if meeting else "",
                why_sme=_why(why.for_sme) if why else "",
                why_partner=_why(why.for_partner) if why else "",
            )
        )
    return rows


def _relevance(result: PlanResult, score: float) -> dict[str, Any]:
    # Only the hybrid ranker's score is a calibrated probability; the others have no bands.
    if result.spec.ranker != "hybrid":
        return {"relevance": None, "band": ""}
    return {"relevance": round(score, 4), "band": band(score)}


def _pair_scores(result: PlanResult) -> dict[tuple[int, int], float]:
    """The ranker's score of every kept (SME row, partner row) pair."""
    rec = result.reciprocal
    rows, ks = np.nonzero(rec.partners >= 0)
    return {
        (int(i), int(rec.partners[i, k])): float(rec.forward_score[i, k])
        for i, k in zip(rows, ks, strict=True)
    }


def shortfalls(result: PlanResult) -> list[dict[str, Any]]:
    """SMEs with fewer meetings than the fair share, and why: too few leads above the floor."""
    spec, scope, rec = result.spec, result.scope, result.reciprocal
    floor = spec.relevance_floor()
    ok = rec.candidates(spec.candidates or rec.partners.shape[1], floor, scope.exclude)
    per_sme = _meetings_per_sme(result)
    out = []
    for i in np.flatnonzero(per_sme < result.agenda.fair_share):
        cities = Counter(scope.partners[int(p)].city for p in rec.partners[i][ok[i]])
        counts = [f"{cities.get(c, 0)} in {c}" for c in spec.cities]
        n_first = cities.get(spec.cities[0], 0)
        counts[0] = f"{n_first} partner{'' if n_first == 1 else 's'} in {spec.cities[0]}"
        text = ", ".join(counts)
        out.append(
            {
                "sme_id": scope.smes[i].id,
                "name": scope.smes[i].name,
                "meetings": int(per_sme[i]),
                "fair_share": result.agenda.fair_share,
                "leads": int(ok[i].sum()),
                "reason": f"only {text} scored at least {floor:.2f}",
            }
        )
    return out


def _why(explanation: Explanation) -> str:
    parts = [f"“{explanation.matched_sentence}”", "; ".join(explanation.reasons)]
    if explanation.shared_terms:
        parts.append(f"shared terms: {', '.join(explanation.shared_terms)}")
    return "\n".join(p for p in parts if p)


def _meetings_by_pair(result: PlanResult) -> dict[tuple[int, int], Meeting]:
    return {(m.sme, m.partner): m for m in result.agenda.meetings}


def _meetings_per_sme(result: PlanResult) -> np.ndarray:
    counts = np.zeros(len(result.scope.smes), dtype=np.int64)
    for m in result.agenda.meetings:
        counts[m.sme] += 1
    return counts


def _meetings_per_partner(result: PlanResult) -> np.ndarray:
    counts = np.zeros(len(result.scope.partners), dtype=np.int64)
    for m in result.agenda.meetings:
        counts[m.partner] += 1
    return counts


def city_coverage(result: PlanResult) -> list[dict[str, Any]]:
    """Per mission city: partners, partners met, meetings, SMEs meeting someone there."""
    scope = result.scope
    per_partner = _meetings_per_partner(result)
    rows = []
    for city in result.spec.cities:
        members = [j for j, p in enumerate(scope.partners) if p.city.casefold() == city.casefold()]
        meetings = [m for m in result.agenda.meetings if m.partner in set(members)]
        rows.append(
            {
                "city": city,
                "partners": len(members),
                "partners_met": int(sum(per_partner[j] > 0 for j in members)),
                "meetings": len(meetings),
                "smes": len({m.sme for m in meetings}),
            }
        )
    return rows


# --- workbooks and CSV --------------------------------------------------------------------


def write_leads_xlsx(result: PlanResult, path: Path) -> Path:
    """leads.xlsx: a summary sheet, one sheet per SME, and each partner's best SMEs."""
    scope, rec = result.scope, result.reciprocal
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "summary"
    names = _sheet_names([s.id for s in scope.smes], reserved={"summary", "partners"})
    per_sme = _meetings_per_sme(result)
    total_fit = Counter[int]()
    for m in result.agenda.meetings:
        total_fit[m.sme] += m.fit
    _table(
        summary,
        [
            "sme_id",
            "name",
            "country",
            "cluster",
            "eligible partners",
            "meetings",
            "guaranteed",
            "total fit",
            "best lead",
            "best fit",
            "sheet",
        ],
        [
            [
                s.id,
                s.name,
                s.country,
                s.cluster,
                int(rec.sme_eligible[i]),
                int(per_sme[i]),
                result.agenda.min_meetings[i],
                round(total_fit[i] / FIT_SCALE, 4),
                scope.partners[int(rec.partners[i, 0])].name if rec.partners[i, 0] >= 0 else "",
                round(float(rec.fit[i, 0]), 4) if rec.partners[i, 0] >= 0 else None,
                names[i],
            ]
            for i, s in enumerate(scope.smes)
        ],
        widths=[24, 28, 8, 22, 10, 10, 10, 10, 40, 9, 24],
    )
    headers = [
        "rank",
        "partner_id",
        "partner",
        "city",
        "type",
        "fit",
        "relevance",
        "band",
        "for you (rank)",
        "for them (rank)",
        "meeting",
        "why it suits you",
        "why you suit them",
    ]
    for i, sme in enumerate(scope.smes):
        sheet = book.create_sheet(names[i])
        append_row(sheet, [f"{sme.name} ({sme.country}) · {result.spec.name}"])
        sheet["A1"].font = Font(bold=True, size=12)
        sheet.append([])
        rows = [list(row.__dict__.values()) for row in lead_rows(result, i)]
        _table(sheet, headers, rows, widths=[6, 12, 34, 12, 16, 7, 9, 10, 12, 12, 22, 70, 70])
    partners = book.create_sheet("partners")
    _table(
        partners,
        ["partner_id", "name", "city", "type", "meetings", "eligible SMEs", "best SMEs"],
        [
            [
                p.id,
                p.name,
                p.city,
                p.org_type,
                int(_meetings_per_partner(result)[j]),
                int(rec.partner_eligible[j]),
                ", ".join(
                    f"{scope.smes[int(s)].name} ({q:.2f})"
                    for s, q in zip(rec.partner_top[j], rec.partner_top_q[j], strict=True)
                    if s >= 0
                ),
            ]
            for j, p in enumerate(scope.partners)
        ],
        widths=[12, 40, 14, 16, 10, 12, 80],
    )
    book.save(path)
    return path


def agenda_records(result: PlanResult) -> list[dict[str, Any]]:
    """One dict per meeting with the AGENDA_COLUMNS, ordered by day, slot, SME."""
    scope = result.scope
    scores = _pair_scores(result)
    return [
        {
            "sme_id": scope.smes[m.sme].id,
            "partner_id": scope.partners[m.partner].id,
            "day": m.day,
            "slot": m.slot,
            "fit": f"{m.fit / FIT_SCALE:.4f}",
            "fit_points": m.fit,
            **_relevance(result, scores.get((m.sme, m.partner), 0.0)),
            "city": scope.partners[m.partner].city,
            "sme_name": scope.smes[m.sme].name,
            "partner_name": scope.partners[m.partner].name,
            "partner_type": scope.partners[m.partner].org_type,
        }
        for m in result.agenda.meetings
    ]


def write_agenda_csv(result: PlanResult, path: Path) -> Path:
    """agenda.csv: sme_id, partner_id, day, slot, fit and context columns."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        write_csv(handle, AGENDA_COLUMNS, agenda_records(result))
    return path


def write_agenda_xlsx(result: PlanResult, path: Path) -> Path:
    """agenda.xlsx: the meetings list, and a grid of SMEs x slots."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "agenda"
    records = agenda_records(result)
    _table(
        sheet,
        list(AGENDA_COLUMNS),
        [[r[c] if c != "fit" else float(r[c]) for c in AGENDA_COLUMNS] for r in records],
        widths=[24, 12, 6, 6, 8, 10, 10, 10, 12, 28, 40, 16],
    )
    grid = book.create_sheet("by SME")
    slots = [
        (d + 1, s + 1)
        for d in range(result.spec.slots.days)
        for s in range(result.spec.slots.per_day)
    ]
    cells: dict[tuple[int, int, int], str] = {
        (m.sme, m.day, m.slot): result.scope.partners[m.partner].name
        for m in result.agenda.meetings
    }
    _table(
        grid,
        ["SME", *[f"{day_label(result, d)} · {s}" for d, s in slots]],
        [
            [sme.name, *[cells.get((i, d, s), "") for d, s in slots]]
            for i, sme in enumerate(result.scope.smes)
        ],
        widths=[28, *[22] * len(slots)],
    )
    book.save(path)
    return path


def _table(
    sheet: Worksheet,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    widths: Sequence[int],
) -> None:
    # append_row: names and cities come from uploads; none may become a formula cell.
    for cell in append_row(sheet, headers):
        cell.font = Font(bold=True)
    header_row = sheet.max_row
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        for cell in append_row(sheet, row):
            cell.alignment = wrap
    for n, width in enumerate(widths, start=1):
        sheet.column_dimensions[_column(n)].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)


def _column(n: int) -> str:
    name = ""
    while n:
        n, rest = divmod(n - 1, 26)
        name = chr(65 + rest) + name
    return name


def _sheet_names(ids: Sequence[str], reserved: set[str]) -> list[str]:
    """Excel sheet names: 31 characters at most, no []:*?/\\, unique ignoring case."""
    taken = {r.casefold() for r in reserved}
    names = []
    for sheet_id in ids:
        base = re.sub(r"[\[\]:*?/\\]", "_", sheet_id)[:31] or "sheet"
        name, n = base, 1
        while name.casefold() in taken:
            n += 1
            suffix = f"~{n}"
            name = base[: 31 - len(suffix)] + suffix
        taken.add(name.casefold())
        names.append(name)
    return names


# --- HTML -------------------------------------------------------------------------------------

_ENV = Environment(autoescape=select_autoescape(default=True, default_for_string=True))

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; color: #222; }
h1 { margin-bottom: 0.2rem; } .muted { color: #666; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
th, td { border-bottom: 1px solid #ddd; padding: 0.35rem 0.5rem; text-align: left;
  vertical-align: top; }
td.why { white-space: pre-line; }
th { background: #f4f4f4; } td.num { text-align: right; }
.plots img { max-width: 100%; border: 1px solid #eee; margin: 0.5rem 0; }
.kpi { display: inline-block; margin-right: 2rem; } .kpi b { font-size: 1.4rem; display: block; }
"""

_BRIEFING = _ENV.from_string(
    """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ sme.name }} · {{ spec.name }}</title>
<style>{{ style }}</style></head><body>
<h1>{{ sme.name }}</h1>
<p class="muted">{{ spec.name }} · {{ spec.dates[0] }} to {{ spec.dates[1] }} ·
{{ spec.cities | join(", ") }}</p>
<p>{{ sme.country }} · {{ sme.cluster }} · targets {{ sme.markets | join(", ") }}</p>
<h2>Your meetings ({{ meetings | length }})</h2>
{% if meetings %}<table>
<tr><th>when</th><th>partner</th><th>fit</th><th>why it suits you</th>
<th>why you suit them</th></tr>
{% for m in meetings %}<tr><td>{{ m.when }}</td>
<td><b>{{ m.partner }}</b><br>{{ m.org_type }} · {{ m.city }}</td>
<td class="num">{{ "%.2f" | format(m.fit) }}</td><td class="why">{{ m.why_sme }}</td>
<td class="why">{{ m.why_partner }}</td></tr>
{% endfor %}</table>{% else %}<p>No meeting could be scheduled.</p>{% endif %}
<h2>Your best leads</h2>
<table><tr><th>#</th><th>partner</th><th>fit</th><th>for you</th><th>for them</th>
<th>meeting</th><th>why</th></tr>
{% for lead in leads %}<tr><td class="num">{{ lead.rank }}</td>
<td><b>{{ lead.partner }}</b><br>{{ lead.org_type }} · {{ lead.city }}</td>
<td class="num">{{ "%.2f" | format(lead.fit) }}</td><td>{{ lead.for_sme }}</td>
<td>{{ lead.for_partner }}</td><td>{{ lead.meeting }}</td>
<td class="why">{{ lead.why_sme }}</td></tr>
{% endfor %}</table>
<p class="muted">“For you”: the partner's rank among the partners you may meet; “for them”:
your rank among the SMEs that partner may meet. Fit combines both (harmonic mean of the two
percentiles), so it is high only when the interest is mutual.</p>
</body></html>"""
)

_REPORT = _ENV.from_string(
    """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ spec.name }}</title>
<style>{{ style }}</style></head><body>
<h1>{{ spec.name }}</h1>
<p class="muted">{{ spec.dates[0] }} to {{ spec.dates[1] }} · {{ spec.cities | join(", ") }}
· markets {{ spec.markets | join(", ") }}</p>
<div>
<span class="kpi"><b>{{ n_smes }}</b>SMEs</span>
<span class="kpi"><b>{{ n_partners }}</b>partners</span>
<span class="kpi"><b>{{ agenda.meetings | length }}</b>meetings</span>
<span class="kpi"><b>{{ "%.1f" | format(gap * 100) }}%</b>from the optimum</span>
</div>
<h2>Agenda quality</h2>
<table>
<tr><th>solver status</th><td>{{ agenda.status }}</td></tr>
<tr><th>total fit (objective)</th><td>{{ agenda.objective }} points ({{ "%.2f" |
 format(agenda.objective / scale) }})</td></tr>
<tr><th>best bound</th><td>{{ "%.0f" | format(agenda.best_bound) }} points</td></tr>
<tr><th>optimality gap</th><td>{{ "%.4f" | format(gap * 100) }}%</td></tr>
<tr><th>fairness</th><td>every SME gets at least min({{ agenda.fair_share }}, what its
candidates allow) meetings; none more than {{ agenda.max_meetings }}</td></tr>
<tr><th>slots</th><td>{{ spec.slots.days }} days × {{ spec.slots.per_day }}
{% if spec.itinerary %}({{ spec.itinerary | join(", ") }}){% endif %};
partner capacity {{ spec.partner_capacity }}</td></tr>
<tr><th>candidates</th><td>{{ agenda.candidates }} pairs considered, solved in
{{ agenda.solve_seconds }} s</td></tr>
{% for note in agenda.notes %}<tr><th>note</th><td>{{ note }}</td></tr>{% endfor %}
</table>
<h2>SMEs below the fair share</h2>
{% if short %}<p>Meetings need a calibrated relevance of at least {{ "%.2f" | format(floor) }};
these SMEs have fewer such leads than the fair share of {{ agenda.fair_share }}.</p>
<table><tr><th>SME</th><th>meetings</th><th>leads above the floor</th><th>reason</th></tr>
{% for s in short %}<tr><td>{{ s.name }}</td><td class="num">{{ s.meetings }}</td>
<td class="num">{{ s.leads }}</td><td>{{ s.reason }}</td></tr>{% endfor %}</table>
{% else %}<p class="muted">Every SME got its fair share of {{ agenda.fair_share }} meetings with
a relevance of at least {{ "%.2f" | format(floor) }}.</p>{% endif %}
<h2>Coverage of each city</h2>
<table><tr><th>city</th><th>partners</th><th>partners met</th><th>meetings</th><th>SMEs</th></tr>
{% for c in coverage %}<tr><td>{{ c.city }}</td><td class="num">{{ c.partners }}</td>
<td class="num">{{ c.partners_met }}</td><td class="num">{{ c.meetings }}</td>
<td class="num">{{ c.smes }}</td></tr>{% endfor %}</table>
<div class="plots">
{% for title, image in plots %}<h3>{{ title }}</h3>
<img alt="{{ title }}" src="data:image/png;base64,{{ image }}">
{% else %}<p class="muted">{{ plots_note }}</p>{% endfor %}
</div>
<h2>Meetings per SME</h2>
<table><tr><th>SME</th><th>meetings</th><th>guaranteed</th><th>best lead</th><th>briefing</th></tr>
{% for row in sme_rows %}<tr><td>{{ row.name }}</td><td class="num">{{ row.meetings }}</td>
<td class="num">{{ row.guaranteed }}</td><td>{{ row.best }}</td>
<td><a href="briefings/{{ row.file }}">briefing</a></td></tr>{% endfor %}</table>
<p class="muted">Files: leads.xlsx, agenda.csv, agenda.xlsx, briefings/, manifest.json.
Timings: {% for k, v in timings.items() %}{{ k }} {{ v }} s{% if not loop.last %}, {% endif %}
{% endfor %}</p>
</body></html>"""
)


def briefing_name(sme_id: str) -> str:
    """File name of an SME's briefing."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", sme_id) + ".html"


def write_briefings(result: PlanResult, folder: Path) -> list[Path]:
    """One HTML briefing per SME: its meetings and its best leads, explained both ways."""
    folder.mkdir(parents=True, exist_ok=True)
    scope = result.scope
    paths = []
    by_sme: dict[int, list[Meeting]] = {}
    for m in result.agenda.meetings:
        by_sme.setdefault(m.sme, []).append(m)
    for i, sme in enumerate(scope.smes):
        meetings = []
        for m in sorted(by_sme.get(i, []), key=lambda m: (m.day, m.slot)):
            partner = scope.partners[m.partner]
            why = result.explanations.get((sme.id, partner.id))
            meetings.append(
                {
                    "when": f"{day_label(result, m.day)}, slot {m.slot}",
                    "partner": partner.name,
                    "org_type": partner.org_type,
                    "city": partner.city,
                    "fit": m.fit / FIT_SCALE,
                    "why_sme": _why(why.for_sme) if why else "",
                    "why_partner": _why(why.for_partner) if why else "",
                }
            )
        html = _BRIEFING.render(
            style=_STYLE, spec=result.spec, sme=sme, meetings=meetings, leads=lead_rows(result, i)
        )
        path = folder / briefing_name(sme.id)
        path.write_text(html, encoding="utf-8")
        paths.append(path)
    return paths


def write_report_html(result: PlanResult, path: Path) -> Path:
    """report.html: agenda quality, coverage, and the plots embedded as PNG."""
    scope, rec = result.scope, result.reciprocal
    per_sme = _meetings_per_sme(result)
    coverage = city_coverage(result)
    plots, note = _plots(result, per_sme, coverage)
    sme_rows = [
        {
            "name": s.name,
            "meetings": int(per_sme[i]),
            "guaranteed": result.agenda.min_meetings[i],
            "best": scope.partners[int(rec.partners[i, 0])].name if rec.partners[i, 0] >= 0 else "",
            "file": briefing_name(s.id),
        }
        for i, s in enumerate(scope.smes)
    ]
    html = _REPORT.render(
        style=_STYLE,
        spec=result.spec,
        agenda=result.agenda,
        gap=result.agenda.gap,
        scale=FIT_SCALE,
        n_smes=len(scope.smes),
        n_partners=len(scope.partners),
        coverage=coverage,
        plots=plots,
        plots_note=note,
        sme_rows=sme_rows,
        short=shortfalls(result),
        floor=result.spec.relevance_floor(),
        timings=result.timings,
    )
    path.write_text(html, encoding="utf-8")
    return path


def _plots(
    result: PlanResult, per_sme: np.ndarray, coverage: list[dict[str, Any]]
) -> tuple[list[tuple[str, str]], str]:
    try:
        from matplotlib.figure import Figure
    except ImportError:
        return [], "Plots need matplotlib (pip install matplotlib)."
    plots = []
    edges = np.linspace(0.0, 1.0, FIT_BINS + 1)
    met = np.array([m.fit / FIT_SCALE for m in result.agenda.meetings])

    fig = Figure(figsize=(8, 3.2), layout="constrained")
    ax = fig.add_subplot()
    hist = result.reciprocal.fit_histogram
    ax.bar(
        edges[:-1],
        hist / max(1, hist.sum()),
        width=np.diff(edges),
        align="edge",
        alpha=0.5,
        label="all eligible pairs",
    )
    if len(met):
        counts, _ = np.histogram(met, bins=edges)
        ax.bar(
            edges[:-1],
            counts / counts.sum(),
            width=np.diff(edges),
            align="edge",
            alpha=0.6,
            label="scheduled meetings",
        )
    ax.set_xlabel("reciprocal fit")
    ax.set_ylabel("share of pairs")
    ax.legend()
    plots.append(("Fit distribution", _png(fig)))

    fig = Figure(figsize=(8, max(3.0, 0.16 * len(per_sme))), layout="constrained")
    ax = fig.add_subplot()
    order = np.argsort(per_sme, kind="stable")
    names = [result.scope.smes[i].name for i in order]
    ax.barh(range(len(order)), per_sme[order], color="#4c72b0")
    ax.axvline(result.agenda.fair_share, color="#c44e52", linestyle="--", label="fair share")
    ax.set_yticks(range(len(order)), names if len(order) <= 80 else [""] * len(order), fontsize=7)
    ax.set_xlabel("meetings")
    ax.legend(loc="lower right")
    plots.append(("Meetings per SME", _png(fig)))

    fig = Figure(figsize=(8, 3.0), layout="constrained")
    ax = fig.add_subplot()
    per_partner = _meetings_per_partner(result)
    values, counts = np.unique(per_partner, return_counts=True)
    ax.bar(values, counts, color="#55a868")
    ax.set_xlabel(f"meetings (capacity {result.spec.partner_capacity})")
    ax.set_ylabel("partners")
    ax.set_xticks(range(0, result.spec.partner_capacity + 1))
    plots.append(("Meetings per partner", _png(fig)))

    fig = Figure(figsize=(8, 3.2), layout="constrained")
    ax = fig.add_subplot()
    x = np.arange(len(coverage))
    ax.bar(x - 0.2, [c["partners"] for c in coverage], 0.4, label="partners", color="#8c8c8c")
    ax.bar(
        x + 0.2, [c["partners_met"] for c in coverage], 0.4, label="partners met", color="#4c72b0"
    )
    for xi, c in zip(x, coverage, strict=True):
        ax.annotate(
            f"{c['meetings']} meetings", (xi, c["partners"]), ha="center", va="bottom", fontsize=8
        )
    ax.set_xticks(x, [c["city"] for c in coverage])
    ax.legend()
    plots.append(("Coverage of each city", _png(fig)))
    return plots, ""


def _png(fig: Any) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


__all__ = [
    "AGENDA_COLUMNS",
    "LeadRow",
    "agenda_records",
    "briefing_name",
    "city_coverage",
    "day_label",
    "lead_rows",
    "shortfalls",
    "write_agenda_csv",
    "write_agenda_xlsx",
    "write_briefings",
    "write_leads_xlsx",
    "write_report_html",
    "write_reports",
]
