"""The seed story (../shared/seeds): three real outlets' pages with their clutter (issue 2)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from storyline.cli import EXIT_OK, main

pytestmark = pytest.mark.model

# Page furniture in the seed pages (../shared/seeds/README.md lists it). None of it may reach
# the summary or the cleaned article texts.
CLUTTER = [
    r"\bAdvertisement\b",
    r"^Share$",
    r"Accessibility links",
    r"Breaking News",
    r"16x9",
    r"File: AP",
    r"User Galleries",
    r"Read more on",
    r"comments? policy",
    r"Create Profile",
    r"username",
    r"journalists report the news in 27 languages",
    r"Log in with Facebook",
    r"Join the conversation",
    r"^(Regional partners|Delicate negotiations|First direct communication)$",
]


@pytest.fixture(scope="module")
def seed_summary(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    output = tmp_path_factory.mktemp("seeds") / "summary.json"
    code = main(["summarize", *sorted(str(p) for p in seeds_dir.glob("*.txt")), "--format", "json", "-o", str(output)])
    assert code == EXIT_OK
    return json.loads(output.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_seed_summary_within_250_words(seed_summary: dict[str, object]) -> None:
    sentences = seed_summary["sentences"]
    assert isinstance(sentences, list) and sentences
    assert sum(len(s["text"].split()) for s in sentences) <= 250


def test_seed_summary_cites_all_three_outlets(seed_summary: dict[str, object]) -> None:
    cited = {c["article"] for s in seed_summary["sentences"] for c in s["citations"]}  # type: ignore[attr-defined]
    assert len(cited) == 3


@pytest.mark.parametrize("pattern", CLUTTER)
def test_seed_summary_and_articles_have_no_clutter(seed_summary: dict[str, object], pattern: str) -> None:
    assert not re.search(pattern, str(seed_summary["summary"]), re.IGNORECASE | re.MULTILINE)
    for article in seed_summary["articles"]:  # type: ignore[attr-defined]
        assert not re.search(pattern, article["text"], re.IGNORECASE | re.MULTILINE), article["id"]


def test_seed_headlines_become_titles(seed_summary: dict[str, object]) -> None:
    titles = [article["title"] for article in seed_summary["articles"]]  # type: ignore[attr-defined]
    assert all(titles) and all("Obama" in title for title in titles)


def test_seed_summary_sentences_stand_alone(seed_summary: dict[str, object]) -> None:
    """A sentence opening with a pronoun or connective comes right after the one it leans on."""
    texts = {article["id"]: article["text"] for article in seed_summary["articles"]}  # type: ignore[attr-defined]
    sentences = seed_summary["sentences"]
    for position, sentence in enumerate(sentences):  # type: ignore[arg-type]
        first = sentence["text"].split()[0].lower()
        if first not in {"he", "she", "it", "they", "but", "however", "also", "and"}:
            continue
        assert position > 0, sentence["text"]
        own, before = sentence["citations"][0], sentences[position - 1]["citations"][0]  # type: ignore[index]
        assert own["article"] == before["article"], sentence["text"]
        assert texts[own["article"]][before["end"] : own["start"]].strip() == "", sentence["text"]
