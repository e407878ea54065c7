"""The synthetic corpus of the fast tests, file writers and a counting embedder."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from recommender import Settings
from recommender.embedding.backends import HashingEmbedder
from recommender.schema import PARTNER_COLUMNS, SME_COLUMNS

# --- the synthetic corpus --------------------------------------------------------------------
# Three topics (parking, waste, EV charging) in different countries and org types, with
# disjoint vocabularies, so the right partner for each SME is obvious.

SMES: list[dict[str, str]] = [
    {
        "id": "sme-park",
        "name": "ParkEye",
        "country": "IT",
        "cluster": "Piemonte Innova",
        "description": "ParkEye makes camera-based parking sensors. Our parking sensors detect "
        "free parking spaces on the street. Drivers see real-time parking availability.",
        "target_markets": "US;CN",
        "sectors": "parking;smart city",
        "seeking": "public_authority",
        "language": "en",
    },
    {
        "id": "sme-waste",
        "name": "BinWatch",
        "country": "DE",
        "cluster": "bwcon",
        "description": "BinWatch builds ultrasonic fill-level sensors for waste bins. Waste "
        "collection trucks only empty full bins, so collection routes get shorter.",
        "target_markets": "SG;CA",
        "sectors": "waste management",
        "seeking": "distributor",
        "language": "en",
    },
    {
        "id": "sme-charge",
        "name": "VoltHub",
        "country": "FR",
        "cluster": "Mov'eo",
        "description": "VoltHub operates charging stations for electric vehicles. Our charging "
        "software balances the load of fast chargers.",
        "target_markets": "CA",
        "sectors": "ev charging",
        "seeking": "investor",
        "language": "en",
    },
    {
        "id": "sme-any",
        "name": "Timetable Labs",
        "country": "SE",
        "cluster": "Media Evolution",
        "description": "A journey planner API for public transport timetables and transit apps.",
        "target_markets": "",
        "sectors": "maas;public transport",
        "seeking": "",
        "language": "en",
    },
]

PARTNERS: list[dict[str, str]] = [
    {
        "id": "p-us-park",
        "name": "Boston Parking Office",
        "country": "US",
        "city": "Boston",
        "org_type": "public_authority",
        "description": "The Boston parking office manages on-street parking. We want parking "
        "sensors that detect free parking spaces and publish real-time parking availability.",
        "sectors": "parking;smart city",
        "language": "en",
    },
    {
        "id": "p-cn-park",
        "name": "Shenzhen Smart Parking",
        "country": "CN",
        "city": "Shenzhen",
        "org_type": "corporate",
        "description": "Shenzhen Smart Parking runs parking garages. It installs parking "
        "sensors for real-time parking guidance.",
        "sectors": "parking",
        "language": "en",
    },
    {
        "id": "p-sg-park",
        "name": "Singapore Parking Agency",
        "country": "SG",
        "city": "Singapore",
        "org_type": "public_authority",
        "description": "The agency manages public parking. It pilots parking sensors for "
        "real-time parking availability.",
        "sectors": "parking",
        "language": "en",
    },
    {
        "id": "p-us-waste",
        "name": "Chicago Waste Distributors",
        "country": "US",
        "city": "Chicago",
        "org_type": "distributor",
        "description": "We distribute waste bins, compactors and fill-level sensors to waste "
        "collection companies.",
        "sectors": "waste management",
        "language": "en",
    },
    {
        "id": "p-sg-waste",
        "name": "Lion City Waste",
        "country": "SG",
        "city": "Singapore",
        "org_type": "distributor",
        "description": "Distributor of smart waste bins and waste collection equipment.",
        "sectors": "waste management",
        "language": "en",
    },
    {
        "id": "p-ca-waste",
        "name": "Toronto Solid Waste Services",
        "country": "CA",
        "city": "Toronto",
        "org_type": "public_authority",
        "description": "Toronto solid waste services plans waste collection routes. We want "
        "fill-level sensors for public waste bins.",
        "sectors": "waste management",
        "language": "en",
    },
    {
        "id": "p-ca-charge",
        "name": "Maple EV Capital",
        "country": "CA",
        "city": "Montreal",
        "org_type": "investor",
        "description": "Maple EV Capital invests in charging stations for electric vehicles "
        "and fast chargers.",
        "sectors": "ev charging",
        "language": "en",
    },
    {
        "id": "p-us-charge",
        "name": "Austin Charging Corp",
        "country": "US",
        "city": "Austin",
        "org_type": "corporate",
        "description": "Austin Charging Corp deploys charging stations for electric vehicles "
        "at offices.",
        "sectors": "ev charging",
        "language": "en",
    },
    {
        "id": "p-cn-charge",
        "name": "Shanghai EV Research Institute",
        "country": "CN",
        "city": "Shanghai",
        "org_type": "research",
        "description": "The institute studies electric vehicle charging, battery swapping and "
        "fast chargers.",
        "sectors": "ev charging",
        "language": "en",
    },
]


def sme_row(**overrides: str) -> dict[str, str]:
    """A valid SME row (the first of the corpus) with some fields replaced."""
    return {**SMES[0], **overrides}


def partner_row(**overrides: str) -> dict[str, str]:
    """A valid partner row (the first of the corpus) with some fields replaced."""
    return {**PARTNERS[0], **overrides}


def write_csv(
    path: Path, rows: Sequence[dict[str, str]], columns: Sequence[str] | None = None
) -> Path:
    """Rows as a UTF-8 CSV file; `columns` defaults to the keys of the first row."""
    columns = list(columns if columns is not None else rows[0].keys())
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
    return path


def write_smes(path: Path, rows: Sequence[dict[str, str]] = SMES) -> Path:
    return write_csv(path, rows, list(SME_COLUMNS))


def write_partners(path: Path, rows: Sequence[dict[str, str]] = PARTNERS) -> Path:
    return write_csv(path, rows, list(PARTNER_COLUMNS))


class CountingEmbedder(HashingEmbedder):
    """The hashing embedder, counting what reaches the model."""

    def __init__(self, dimension: int = 512) -> None:
        super().__init__(dimension)
        self.calls = 0
        self.texts: list[str] = []

    def _encode_batch(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        self.texts.extend(texts)
        return super()._encode_batch(texts)


def make_settings(home: Path, **overrides: Any) -> Settings:
    return Settings(home=home, database_url="", embedding_backend="hashing", **overrides)
