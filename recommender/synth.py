"""Synthetic SME and partner profiles at any scale, recombined from synth_phrases.py.

Deterministic for a seed, offline and vectorised: numpy draws every category and picks every
sentence for a block of rows at once; Python only joins and formats the strings. Rows come in
blocks of BLOCK_ROWS, each with its own generator seeded by (seed, side, block number), so
memory stays bounded and a larger file starts with the same rows as a smaller one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd

from . import synth_phrases as ph
from .schema import MARKETS, ORG_TYPES, PARTNER_COLUMNS, SME_COLUMNS, Side

BLOCK_ROWS = 100_000
FILE_NAMES: dict[Side, str] = {"sme": "smes.csv", "partner": "partners.csv"}
_SIDE_STREAM: dict[Side, int] = {"sme": 0, "partner": 1}


class _Bank:
    """Groups of strings of any size, flattened so that one call picks a string for every row."""

    def __init__(self, groups: Sequence[Sequence[str]]) -> None:
        self.items = np.array([s for group in groups for s in group], dtype=object)
        self.sizes = np.array([len(group) for group in groups], dtype=np.int64)
        self.starts = np.concatenate(([0], np.cumsum(self.sizes)[:-1]))

    def pick(self, keys: np.ndarray, u: np.ndarray, shift: int = 0) -> np.ndarray:
        """For each row, the string of group keys[i] chosen by u[i] in [0, 1), moved on by
        `shift` places (so shifts 0, 1, 2 with the same u give distinct sentences)."""
        sizes = self.sizes[keys]
        if not sizes.all():
            raise ValueError("a row asked for an empty phrase group")
        offsets = ((u * sizes).astype(np.int64) + shift) % sizes
        return self.items[self.starts[keys] + offsets]


def _sep(language: str) -> str:
    """What goes between two sentences: Chinese runs them together."""
    return "" if language == "zh" else " "


def _grid(
    table: Mapping[str, Mapping[str, Sequence[str]]],
    rows: Sequence[str],
    columns: Sequence[str],
    lead: bool = False,
) -> _Bank:
    """A bank keyed by row_index * len(columns) + column_index; missing cells are empty groups.
    Sentences that follow another (lead=False) carry the separator of their language."""
    groups = []
    for row in rows:
        prefix = "" if lead else _sep(row)
        for column in columns:
            groups.append([prefix + s for s in table.get(row, {}).get(column, ())])
    return _Bank(groups)


def _by_language(
    table: Mapping[str, Sequence[str]], languages: Sequence[str], lead: bool = False
) -> _Bank:
    return _grid({lang: {"": table[lang]} for lang in languages}, languages, [""], lead)


def _tag_sets(tags: Sequence[str]) -> list[str]:
    """The core tag plus two or three of the others, in every combination."""
    core, rest = tags[0], tags[1:]
    return [";".join((core, *c)) for r in (2, 3) for c in combinations(rest, r)]


def _weights(values: Sequence[float]) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    return array / array.sum()


@dataclass(frozen=True)
class _Banks:
    """Every phrase bank and lookup table, built once from synth_phrases."""

    domains: int
    mobility: np.ndarray  # domain indices with SME sentences (the others are look-alikes)
    lookalikes: np.ndarray  # the other domain indices
    sme_domain_p: np.ndarray
    mobility_p: np.ndarray  # a partner's field, when it is a mobility one
    lookalike_p: np.ndarray
    lookalike_org: np.ndarray  # per org type: may be a look-alike
    core_tags: np.ndarray
    tag_sets: _Bank
    sme_nouns: _Bank
    partner_nouns: _Bank
    # SMEs
    sme_country_p: np.ndarray
    sme_openings: _Bank
    sme_offers: _Bank
    sme_also: _Bank
    sme_model: _Bank
    sme_proof: _Bank
    sme_seeking: _Bank
    # partners
    country_p: np.ndarray
    org_p: np.ndarray
    cities: list[np.ndarray]  # per market, indices into city_names
    city_p: list[np.ndarray]
    city_names: np.ndarray
    city_local: np.ndarray  # the Chinese name where there is one
    city_quebec: np.ndarray
    partner_names: _Bank
    name_words: np.ndarray  # [name language, domain]
    partner_openings: _Bank
    partner_scale: _Bank
    partner_needs: _Bank
    partner_also: _Bank
    partner_seeking: _Bank
    partner_closings: _Bank
    org_tags: np.ndarray


@cache
def _banks() -> _Banks:
    domains = ph.DOMAINS
    keys = [d.key for d in domains]
    languages = dict.fromkeys(ph.SME_LANGUAGES + ph.PARTNER_LANGUAGES)
    nouns = {lang: {d.key: d.nouns.get(lang, ()) for d in domains} for lang in languages}
    offers = {lang: {d.key: d.offer.get(lang, ()) for d in domains} for lang in ph.SME_LANGUAGES}
    needs = {lang: {d.key: d.need.get(lang, ()) for d in domains} for lang in ph.PARTNER_LANGUAGES}

    city_names: list[str] = []
    cities, city_p = [], []
    for market in MARKETS:
        names = list(ph.CITIES[market])
        cities.append(np.arange(len(city_names), len(city_names) + len(names)))
        city_p.append(_weights([ph.CITIES[market][c] for c in names]))
        city_names.extend(names)

    return _Banks(
        domains=len(domains),
        mobility=np.array([i for i, d in enumerate(domains) if d.sme_weight > 0]),
        lookalikes=np.array([i for i, d in enumerate(domains) if d.sme_weight == 0]),
        sme_domain_p=_weights([d.sme_weight for d in domains]),
        mobility_p=_weights([d.partner_weight for d in domains if d.sme_weight > 0]),
        lookalike_p=_weights([d.partner_weight for d in domains if d.sme_weight == 0]),
        lookalike_org=np.array([o in ph.LOOKALIKE_ORG_TYPES for o in ORG_TYPES]),
        core_tags=np.array([d.tags[0] for d in domains], dtype=object),
        tag_sets=_Bank([_tag_sets(d.tags) for d in domains]),
        sme_nouns=_grid(nouns, ph.SME_LANGUAGES, keys, lead=True),
        partner_nouns=_grid(nouns, ph.PARTNER_LANGUAGES, keys, lead=True),
        sme_country_p=_weights([v[0] for v in ph.SME_COUNTRIES.values()]),
        sme_openings=_by_language(ph.SME_OPENINGS, ph.SME_LANGUAGES, lead=True),
        sme_offers=_grid(offers, ph.SME_LANGUAGES, keys),
        sme_also=_by_language(ph.SME_ALSO, ph.SME_LANGUAGES),
        sme_model=_by_language(ph.SME_MODEL, ph.SME_LANGUAGES),
        sme_proof=_by_language(ph.SME_PROOF, ph.SME_LANGUAGES),
        sme_seeking=_by_language(ph.SME_SEEKING, ph.SME_LANGUAGES),
        country_p=_weights([ph.PARTNER_COUNTRY_WEIGHTS[m] for m in MARKETS]),
        org_p=_weights([ph.ORG_TYPE_WEIGHTS[o] for o in ORG_TYPES]),
        cities=cities,
        city_p=city_p,
        city_names=np.array(city_names, dtype=object),
        city_local=np.array([ph.CHINESE_CITY_NAMES.get(c, c) for c in city_names], dtype=object),
        city_quebec=np.array([c in ph.QUEBEC_CITIES for c in city_names]),
        partner_names=_grid(ph.PARTNER_NAMES, ("en", "fr"), ORG_TYPES, lead=True),
        name_words=np.array(
            [[d.name_words[lang] for d in domains] for lang in ("en", "fr")], dtype=object
        ),
        partner_openings=_grid(ph.PARTNER_OPENINGS, ph.PARTNER_LANGUAGES, ORG_TYPES, lead=True),
        partner_scale=_grid(ph.PARTNER_SCALE, ph.PARTNER_LANGUAGES, ORG_TYPES),
        partner_needs=_grid(needs, ph.PARTNER_LANGUAGES, keys),
        partner_also=_by_language(ph.PARTNER_ALSO, ph.PARTNER_LANGUAGES),
        partner_seeking=_grid(ph.PARTNER_SEEKING, ph.PARTNER_LANGUAGES, ORG_TYPES),
        partner_closings=_grid(ph.PARTNER_CLOSINGS, ph.PARTNER_LANGUAGES, MARKETS),
        org_tags=np.array([ph.ORG_TYPE_TAGS.get(o, "") for o in ORG_TYPES], dtype=object),
    )


def _second_domain(rng: np.random.Generator, first: np.ndarray, b: _Banks) -> np.ndarray:
    """A mobility domain other than `first` for every row."""
    j = rng.integers(len(b.mobility), size=len(first))
    clash = b.mobility[j] == first
    j[clash] = (j[clash] + 1) % len(b.mobility)
    return b.mobility[j]


def _optional(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
    return np.where(mask, values, "")


def _names(rng: np.random.Generator, n: int) -> np.ndarray:
    heads = np.array(ph.NAME_HEADS, dtype=object)[rng.integers(len(ph.NAME_HEADS), size=n)]
    tails = np.array(ph.NAME_TAILS, dtype=object)[rng.integers(len(ph.NAME_TAILS), size=n)]
    return heads + tails


def _join(*parts: np.ndarray) -> list[str]:
    return ["".join(row) for row in zip(*parts, strict=True)]


def _listing(items: Sequence[str], conjunction: str) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def _choose_sets(
    rng: np.random.Generator, n: int, count_p: Sequence[float], item_p: Sequence[float]
) -> list[list[int]]:
    """For each row, a few distinct items drawn by weight (Gumbel top-k), in drawn order."""
    counts = rng.choice(len(count_p), size=n, p=_weights(count_p)) + 1
    keys = np.log(_weights(item_p)) + rng.gumbel(size=(n, len(item_p)))
    order = np.argsort(-keys, axis=1)
    return [row[:k] for row, k in zip(order.tolist(), counts.tolist(), strict=True)]


def _sme_block(rng: np.random.Generator, start: int, n: int) -> pd.DataFrame:
    b = _banks()
    countries = list(ph.SME_COUNTRIES)
    country = rng.choice(len(countries), size=n, p=b.sme_country_p)
    home_u, u = rng.random(n), rng.random((n, 13))
    own = u[:, 0] < ph.SME_OWN_LANGUAGE_SHARE
    lang_of = [ph.SME_LANGUAGES.index(v[3]) for v in ph.SME_COUNTRIES.values()]
    language = np.where(own, np.array(lang_of)[country], 0)
    first = rng.choice(b.domains, size=n, p=b.sme_domain_p)
    second = _second_domain(rng, first, b)
    has_second = u[:, 1] < 0.25
    lang_domain = language * b.domains

    template = _join(
        b.sme_openings.pick(language, u[:, 2]),
        b.sme_offers.pick(lang_domain + first, u[:, 3]),
        b.sme_offers.pick(lang_domain + first, u[:, 3], shift=1),
        _optional(u[:, 4] < 0.5, b.sme_offers.pick(lang_domain + first, u[:, 3], shift=2)),
        _optional(has_second, b.sme_also.pick(language, u[:, 5])),
        _optional(u[:, 6] < 0.6, b.sme_model.pick(language, u[:, 7])),
        _optional(u[:, 8] < 0.85, b.sme_proof.pick(language, u[:, 9])),
        b.sme_seeking.pick(language, u[:, 10]),
    )
    nouns = b.sme_nouns.pick(lang_domain + first, u[:, 11])
    nouns2 = b.sme_nouns.pick(lang_domain + second, u[:, 12])

    names = _names(rng, n)
    suffix = np.array(ph.SME_NAME_SUFFIXES, dtype=object)[
        rng.integers(len(ph.SME_NAME_SUFFIXES), size=n)
    ]
    legal = np.array([ph.SME_LEGAL_FORMS[c][0] for c in countries], dtype=object)[country]
    names = names + np.where(rng.random(n) < 0.2, " " + legal, suffix)
    markets = _choose_sets(
        rng,
        n,
        ph.SME_MARKET_COUNT_WEIGHTS,
        [ph.SME_MARKET_WEIGHTS[m] for m in MARKETS],
    )
    seeking_types = list(ph.SME_SEEKING_WEIGHTS)
    seeking = _choose_sets(
        rng, n, ph.SME_SEEKING_COUNT_WEIGHTS, list(ph.SME_SEEKING_WEIGHTS.values())
    )
    numbers = {
        "year": rng.integers(2008, 2022, size=n).tolist(),
        "staff": rng.integers(8, 121, size=n).tolist(),
        "n": rng.integers(5, 61, size=n).tolist(),
        "k": rng.integers(2, 41, size=n).tolist(),
        "pct": rng.integers(8, 46, size=n).tolist(),
        "months": rng.integers(6, 19, size=n).tolist(),
    }
    homes = [
        ph.SME_COUNTRIES[countries[c]][2][int(x * len(ph.SME_COUNTRIES[countries[c]][2]))]
        for c, x in zip(country.tolist(), home_u.tolist(), strict=True)
    ]

    descriptions = []
    for i, lang_index in enumerate(language.tolist()):
        lang = ph.SME_LANGUAGES[lang_index]
        descriptions.append(
            template[i].format(
                name=names[i],
                home=homes[i],
                noun=nouns[i],
                noun2=nouns2[i],
                orgs=_listing(
                    [ph.ORG_PLURALS[lang][seeking_types[j]] for j in seeking[i]], ph.AND[lang]
                ),
                markets=_listing(
                    [ph.MARKET_PHRASES[lang][MARKETS[j]] for j in markets[i]], ph.AND[lang]
                ),
                **{key: values[i] for key, values in numbers.items()},
            )
        )
    sectors = b.tag_sets.pick(first, rng.random(n)) + _optional(
        has_second, ";" + b.core_tags[second]
    )
    frame = pd.DataFrame(
        {
            "id": [f"syn-sme-{i:06d}" for i in range(start + 1, start + n + 1)],
            "name": names,
            "country": np.array(countries, dtype=object)[country],
            "cluster": np.array([v[1] for v in ph.SME_COUNTRIES.values()], dtype=object)[country],
            "description": descriptions,
            "target_markets": [";".join(MARKETS[j] for j in row) for row in markets],
            "sectors": sectors,
            "seeking": [";".join(seeking_types[j] for j in row) for row in seeking],
            "language": np.array(ph.SME_LANGUAGES, dtype=object)[language],
        }
    )
    return frame[list(SME_COLUMNS)]


def _partner_block(rng: np.random.Generator, start: int, n: int) -> pd.DataFrame:
    b = _banks()
    country = rng.choice(len(MARKETS), size=n, p=b.country_p)
    city = np.empty(n, dtype=np.int64)
    for market in range(len(MARKETS)):
        rows = np.flatnonzero(country == market)
        city[rows] = rng.choice(b.cities[market], size=len(rows), p=b.city_p[market])
    u = rng.random((n, 15))
    fr, zh = ph.PARTNER_LANGUAGES.index("fr"), ph.PARTNER_LANGUAGES.index("zh")
    language = np.zeros(n, dtype=np.int64)
    language[b.city_quebec[city] & (u[:, 0] < ph.QUEBEC_FRENCH_SHARE)] = fr
    china = country == MARKETS.index("CN")
    language[china & (u[:, 0] < ph.CHINA_CHINESE_SHARE)] = zh
    org = rng.choice(len(ORG_TYPES), size=n, p=b.org_p)
    lookalike = b.lookalike_org[org] & (u[:, 14] < ph.LOOKALIKE_SHARE)
    first = np.where(
        lookalike,
        rng.choice(b.lookalikes, size=n, p=b.lookalike_p),
        rng.choice(b.mobility, size=n, p=b.mobility_p),
    )
    second = _second_domain(rng, first, b)
    has_second = (u[:, 1] < 0.35) & ~lookalike

    lang_org = language * len(ORG_TYPES) + org
    lang_domain = language * b.domains
    template = _join(
        b.partner_openings.pick(lang_org, u[:, 2]),
        _optional(u[:, 3] < 0.6, b.partner_scale.pick(lang_org, u[:, 4])),
        b.partner_needs.pick(lang_domain + first, u[:, 5]),
        _optional(u[:, 6] < 0.5, b.partner_needs.pick(lang_domain + first, u[:, 5], shift=1)),
        _optional(has_second, b.partner_also.pick(language, u[:, 7])),
        b.partner_seeking.pick(lang_org, u[:, 8]),
        _optional(
            u[:, 9] < 0.5, b.partner_closings.pick(language * len(MARKETS) + country, u[:, 10])
        ),
    )
    nouns = b.partner_nouns.pick(lang_domain + first, u[:, 11])
    nouns2 = b.partner_nouns.pick(lang_domain + second, u[:, 12])

    # Names are English, except French ones for the French-speaking Québec partners.
    name_lang = (language == fr).astype(np.int64)
    words = b.name_words[name_lang, first]
    name_templates = b.partner_names.pick(name_lang * len(ORG_TYPES) + org, u[:, 13])
    roots, city_names = _names(rng, n), b.city_names[city]
    names = [
        t.format(root=r, city=c, word=w, Word=w[:1].upper() + w[1:])
        for t, r, c, w in zip(name_templates, roots, city_names, words, strict=True)
    ]
    local = np.where(language == zh, b.city_local[city], city_names)
    numbers = (
        rng.integers(10, 401, size=n).tolist(),
        rng.integers(2, 41, size=n).tolist(),
        rng.integers(3, 31, size=n).tolist(),
        rng.integers(8, 61, size=n).tolist(),
        rng.integers(2005, 2021, size=n).tolist(),
    )
    descriptions = [
        t.format(name=a, city=c, noun=x, noun2=y, n=n_, k=k, m=m, pct=p, year=yr)
        for t, a, c, x, y, n_, k, m, p, yr in zip(
            template, names, local, nouns, nouns2, *numbers, strict=True
        )
    ]
    org_tag = b.org_tags[org]
    sectors = (
        b.tag_sets.pick(first, rng.random(n))
        + _optional(has_second, ";" + b.core_tags[second])
        + _optional((rng.random(n) < 0.3) & (org_tag != ""), ";" + org_tag)
    )
    frame = pd.DataFrame(
        {
            "id": [f"syn-p-{i:07d}" for i in range(start + 1, start + n + 1)],
            "name": names,
            "country": np.array(MARKETS, dtype=object)[country],
            "city": city_names,
            "org_type": np.array(ORG_TYPES, dtype=object)[org],
            "description": descriptions,
            "sectors": sectors,
            "language": np.array(ph.PARTNER_LANGUAGES, dtype=object)[language],
        }
    )
    return frame[list(PARTNER_COLUMNS)]


_BLOCK_MAKERS: dict[Side, Callable[[np.random.Generator, int, int], pd.DataFrame]] = {
    "sme": _sme_block,
    "partner": _partner_block,
}
_COLUMNS: dict[Side, tuple[str, ...]] = {"sme": SME_COLUMNS, "partner": PARTNER_COLUMNS}


def _blocks(side: Side, n: int, seed: int) -> Iterator[pd.DataFrame]:
    if n < 0:
        raise ValueError(f"the number of {side}s cannot be negative ({n})")
    if seed < 0:
        raise ValueError(f"the seed must be zero or positive ({seed})")
    for number, start in enumerate(range(0, n, BLOCK_ROWS)):
        rng = np.random.default_rng([seed, _SIDE_STREAM[side], number])
        yield _BLOCK_MAKERS[side](rng, start, min(BLOCK_ROWS, n - start))


def generate(n_smes: int, n_partners: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Synthetic SME and partner frames in the schema's columns; the same seed, the same rows."""
    frames = []
    sides: tuple[tuple[Side, int], ...] = (("sme", n_smes), ("partner", n_partners))
    for side, n in sides:
        blocks = list(_blocks(side, n, seed))
        empty = pd.DataFrame(columns=list(_COLUMNS[side]))
        frames.append(pd.concat(blocks, ignore_index=True) if blocks else empty)
    return frames[0], frames[1]


def write(
    out_dir: str | Path,
    n_smes: int,
    n_partners: int,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Path, Path]:
    """Write smes.csv and partners.csv (UTF-8, header) into out_dir; return their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    total, done = n_smes + n_partners, 0
    paths = []
    sides: tuple[tuple[Side, int], ...] = (("sme", n_smes), ("partner", n_partners))
    for side, n in sides:
        path = out / FILE_NAMES[side]
        with path.open("w", encoding="utf-8", newline="") as handle:
            handle.write(",".join(_COLUMNS[side]) + "\n")
            for block in _blocks(side, n, seed):
                block.to_csv(handle, index=False, header=False, lineterminator="\n")
                done += len(block)
                if progress:
                    progress(done, total)
        paths.append(path)
    return paths[0], paths[1]
