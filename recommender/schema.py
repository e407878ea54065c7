"""The profile schema: what an SME and a partner are, and the allowed values."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Side = Literal["sme", "partner"]

MARKETS: tuple[str, ...] = ("US", "CA", "CN", "SG")
ORG_TYPES: tuple[str, ...] = (
    "corporate",
    "public_authority",
    "research",
    "association",
    "investor",
    "distributor",
    "accelerator",
    "other",
)
SME_COLUMNS: tuple[str, ...] = (
    "id",
    "name",
    "country",
    "cluster",
    "description",
    "target_markets",
    "sectors",
    "seeking",
    "language",
)
PARTNER_COLUMNS: tuple[str, ...] = (
    "id",
    "name",
    "country",
    "city",
    "org_type",
    "description",
    "sectors",
    "language",
)
COLUMNS: dict[Side, tuple[str, ...]] = {"sme": SME_COLUMNS, "partner": PARTNER_COLUMNS}
MAX_DESCRIPTION_CHARS = 10_000
#: What an SME or partner id may be: it goes into URLs, file names and spreadsheet cells as is.
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"
MAX_FIELD_CHARS = 500

# ISO 3166-1 alpha-2, officially assigned codes.
ISO_COUNTRIES = frozenset(
    """AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
    BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO
    DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU
    GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW
    KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU
    MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW
    PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF
    TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA
    ZM ZW""".split()
)


@dataclass(frozen=True)
class SME:
    """A European company looking for partners abroad."""

    id: str
    name: str
    country: str
    cluster: str
    description: str
    target_markets: tuple[str, ...]
    sectors: tuple[str, ...] = ()
    seeking: tuple[str, ...] = ()
    language: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def markets(self) -> tuple[str, ...]:
        """Markets the SME wants; an empty list in the file means all four."""
        return self.target_markets or MARKETS


@dataclass(frozen=True)
class Partner:
    """An organisation in one of the four target markets."""

    id: str
    name: str
    country: str
    city: str
    org_type: str
    description: str
    sectors: tuple[str, ...] = ()
    language: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)


Profile = SME | Partner


def profile_text(profile: Profile) -> str:
    """The text that is embedded and indexed for a profile."""
    text = profile.description
    if profile.sectors:
        # Sector tags are short and usually English: they give cross-lingual pairs shared words.
        text += "\n" + ", ".join(profile.sectors)
    return text
