"""Synthetic profiles: valid files, deterministic per seed, a realistic mix, fast at scale."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from recommender import synth
from recommender.cli import app
from recommender.language import detect_language
from recommender.profiles import load_profile_file
from recommender.schema import MARKETS, ORG_TYPES, PARTNER_COLUMNS, SME_COLUMNS
from recommender.synth_phrases import QUEBEC_CITIES

runner = CliRunner()
CJK = re.compile(r"[\u4e00-\u9fff]")
# Common function words; a text's own language should own most of its function words.
FUNCTION_WORDS = {
    "en": set("the and we our for with to of in is are a".split()),
    "fr": set("les des et nous notre pour de la le en dans une est du".split()),
    "de": set("und die der wir unsere mit das den von ein ist für zu".split()),
    "it": set("il di e per con la le dei del che una nel".split()),
    "sv": set("och att med för vi i som av på till är en vår".split()),
}


def cli_synth(out: Path, seed: int, smes: int = 50, partners: int = 300) -> tuple[Path, Path]:
    args = ["--smes", str(smes), "--partners", str(partners), "--seed", str(seed)]
    result = runner.invoke(app, ["synth", *args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    sme_path, partner_path = out / "smes.csv", out / "partners.csv"
    assert f"{sme_path}: {smes:,} SMEs" in result.stdout
    assert f"{partner_path}: {partners:,} partners" in result.stdout
    return sme_path, partner_path


@pytest.fixture(scope="module")
def frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    """A moderate sample: 400 SMEs and 4,000 partners."""
    return synth.generate(400, 4000, seed=11)


def test_cli_files_validate_in_the_schema(tmp_path: Path) -> None:
    sme_path, partner_path = cli_synth(tmp_path / "out", seed=7)
    smes = load_profile_file(sme_path, "sme")
    partners = load_profile_file(partner_path, "partner")
    assert len(smes.records) == 50
    assert len(partners.records) == 300
    assert sme_path.read_text(encoding="utf-8").splitlines()[0] == ",".join(SME_COLUMNS)
    assert partner_path.read_text(encoding="utf-8").splitlines()[0] == ",".join(PARTNER_COLUMNS)
    assert all(record.language for record in [*smes.records, *partners.records])


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    first = cli_synth(tmp_path / "a", seed=7)
    again = cli_synth(tmp_path / "b", seed=7)
    other = cli_synth(tmp_path / "c", seed=8)
    for a, b, c in zip(first, again, other, strict=True):
        assert a.read_bytes() == b.read_bytes()
        assert a.read_bytes() != c.read_bytes()


def test_the_cli_refuses_bad_counts(tmp_path: Path) -> None:
    result = runner.invoke(app, ["synth", "--partners", "0", "--out", str(tmp_path)])
    assert result.exit_code != 0
    assert not (tmp_path / "partners.csv").exists()
    with pytest.raises(ValueError, match="negative"):
        synth.generate(-1, 10)


def test_the_mix_of_markets_org_types_and_languages(
    frames: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    smes, partners = frames
    assert set(partners["org_type"]) == set(ORG_TYPES)
    assert set(partners["country"]) == set(MARKETS)
    assert set(smes["language"]) == {"en", "fr", "de", "it", "sv"}
    assert set(partners["language"]) == {"en", "fr", "zh"}
    assert (smes["language"] == "en").mean() > 0.5  # mostly English
    assert (partners["language"] == "en").mean() > 0.7
    # Weighted like the bundled data: China and the US first, Singapore last.
    shares = partners["country"].value_counts(normalize=True)
    assert shares["CN"] > shares["CA"] > shares["SG"] and shares["US"] > shares["CA"]
    # French only in Québec, Chinese only in China.
    french = partners[partners["language"] == "fr"]
    assert set(french["country"]) == {"CA"} and set(french["city"]) <= QUEBEC_CITIES
    assert set(partners.loc[partners["language"] == "zh", "country"]) == {"CN"}
    # Real cities per market; the mission cities are among them.
    assert set(partners.loc[partners["country"] == "SG", "city"]) == {"Singapore"}
    assert {"Chengdu", "Shanghai", "Beijing", "Jinan"} <= set(partners["city"])
    assert {"San Francisco", "Montréal", "Toronto"} <= set(partners["city"])


def test_ids_unique_and_list_fields_consistent(frames: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    smes, partners = frames
    assert smes["id"].is_unique and partners["id"].is_unique
    assert smes["id"].iloc[0] == "syn-sme-000001" and partners["id"].iloc[-1] == "syn-p-0004000"
    for cell in smes["target_markets"]:
        markets = cell.split(";")
        assert markets and set(markets) <= set(MARKETS) and len(set(markets)) == len(markets)
    for cell in smes["seeking"]:
        assert cell and set(cell.split(";")) <= set(ORG_TYPES)
    assert {m for cell in smes["target_markets"] for m in cell.split(";")} == set(MARKETS)
    for cell in pd.concat([smes["sectors"], partners["sectors"]]):
        tags = cell.split(";")
        assert len(tags) >= 3 and all(tags)
    text = pd.concat([smes["name"], smes["description"], partners["name"], partners["description"]])
    assert not text.str.contains(r"[{}]").any()  # every slot was filled


def test_descriptions_have_realistic_lengths(frames: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    smes, partners = frames
    for frame, low, high in ((smes, 90, 125), (partners, 55, 95)):
        words = frame.loc[frame["language"] != "zh", "description"].str.split().str.len()
        assert words.min() >= 35 and words.max() <= 170
        assert low <= words.mean() <= high
    chinese = partners.loc[partners["language"] == "zh", "description"].str.len()
    assert chinese.min() >= 60 and chinese.max() <= 260
    assert partners["description"].nunique() > 0.99 * len(partners)


def test_the_language_column_is_the_language_of_the_text(
    frames: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    smes, partners = frames
    both = pd.concat([smes, partners])
    for language, description in zip(both["language"], both["description"], strict=True):
        if language == "zh":
            assert len(CJK.findall(description)) > 40, description
        else:
            assert not CJK.search(description)
            words = re.findall(r"\w+", description.lower())
            hits = {
                lang: sum(w in vocabulary for w in words)
                for lang, vocabulary in FUNCTION_WORDS.items()
            }
            assert max(hits, key=hits.__getitem__) == language, (hits, description)
    # An independent check: the language detector agrees on a sample.
    sample = both.groupby("language").head(15)
    detected = [detect_language(text) for text in sample["description"]]
    assert detected == sample["language"].tolist()


def test_blocks_are_seeded_independently(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(synth, "BLOCK_ROWS", 100)
    _, small = synth.generate(1, 250, seed=3)
    _, large = synth.generate(1, 400, seed=3)
    assert large["id"].is_unique and large["id"].iloc[-1] == "syn-p-0000400"
    pd.testing.assert_frame_equal(small.iloc[:200], large.iloc[:200])  # whole blocks match
    # write() streams the same rows that generate() returns.
    steps: list[tuple[int, int]] = []
    _, partner_path = synth.write(tmp_path, 1, 400, seed=3, progress=lambda *a: steps.append(a))
    written = pd.read_csv(partner_path, dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(written, large)
    assert steps[-1] == (401, 401) and len(steps) == 5


def test_twenty_thousand_partners() -> None:
    smes, partners = synth.generate(1100, 20_000, seed=2)
    assert len(smes) == 1100 and len(partners) == 20_000
    assert partners["id"].is_unique
