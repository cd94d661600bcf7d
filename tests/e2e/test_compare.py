"""``storyline compare`` and ``--compare`` on the seed story and the example cluster (issue 4).

The seed checks are the "things a careful reader notices" of ../shared/seeds/README.md: the
differences it lists surfaced, its paraphrase not flagged, Josh Earnest's quotations carried
across outlets, and the November 4, 7 and 24 events on the timeline with their dates. The seed
pages are .txt copies without metadata: their dates come from the News24 page's dateline.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from storyline import read
from storyline.cli import EXIT_OK, main
from storyline.compare.judge import DEFAULT_JUDGE
from tests.conftest import EXAMPLE

pytestmark = pytest.mark.model


def run_json(tmp_path: Path, *argv: str) -> dict[str, Any]:
    output = tmp_path / "out.json"
    assert main([*argv, "--format", "json", "-o", str(output), "-q"]) == EXIT_OK
    return json.loads(output.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def seeds(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    files = sorted(str(path) for path in seeds_dir.glob("*.txt"))
    return run_json(tmp_path_factory.mktemp("seeds"), "compare", *files)


def spans_text(data: dict[str, Any], spans: list[dict[str, Any]]) -> list[str]:
    texts = {article["id"]: article["text"] for article in data["articles"]}
    return [texts[span["article"]][span["start"] : span["end"]] for span in spans]


def test_seed_spans_are_exact(seeds: dict[str, Any]) -> None:
    comparison = seeds["comparison"]
    for section in ("agreements", "single_source", "quotes", "timeline"):
        for item in comparison[section]:
            assert spans_text(seeds, item["support"])[0] == item["text"], section


def test_seed_fourth_letter_against_multiple_times_is_surfaced(seeds: dict[str, Any]) -> None:
    found = [c for c in seeds["comparison"]["contradictions"] if "fourth" in c["explanation"]]
    assert len(found) == 1
    assert "multiple times" in found[0]["explanation"]
    assert len({span["article"] for span in found[0]["spans"]}) == 2


def test_seed_paraphrases_are_not_contradictions(seeds: dict[str, Any]) -> None:
    # "six world powers" = "the US and ... five other world powers"; "October" refines to "mid-October".
    for contradiction in seeds["comparison"]["contradictions"]:
        text = " ".join([contradiction["explanation"], *spans_text(seeds, contradiction["spans"])])
        assert "world powers" not in text and "October" not in text, contradiction


def test_seed_fragment_of_four_quoted_words_is_no_quote_of_its_speaker(seeds: dict[str, Any]) -> None:
    # The LA Times has Obama working with Congress "to right-size and update" war powers: words the
    # article quotes, not a statement of his (issue 35).
    quotes = [q["text"] for q in seeds["comparison"]["quotes"]]
    assert "to right-size and update" not in quotes
    assert any("world leader" in text for text in quotes)  # Earnest's whole sentence stays


def test_seed_every_contradiction_carries_its_confidence(seeds: dict[str, Any]) -> None:
    for contradiction in seeds["comparison"]["contradictions"]:
        assert 0.0 <= contradiction["confidence"] <= 1.0


@pytest.fixture(scope="module")
def strict(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """The seeds compared with the bundled judge at a threshold above every seed candidate (0.99),
    without and with --all-differences."""
    folder = tmp_path_factory.mktemp("strict")
    artifact = json.loads(DEFAULT_JUDGE.read_text(encoding="utf-8"))
    artifact["threshold"] = 0.99
    (folder / "judge.json").write_text(json.dumps(artifact), encoding="utf-8")
    (folder / "config.toml").write_text(f"judge = {json.dumps(str(folder / 'judge.json'))}\n", encoding="utf-8")
    files = sorted(str(path) for path in seeds_dir.glob("*.txt"))
    config = ("--config", str(folder / "config.toml"))
    return {
        "default": run_json(tmp_path_factory.mktemp("default"), "compare", *files, *config),
        "all": run_json(tmp_path_factory.mktemp("all"), "compare", *files, *config, "--all-differences"),
    }


def test_all_differences_lists_the_candidates_below_the_threshold_with_their_confidence(
    seeds: dict[str, Any], strict: dict[str, dict[str, Any]]
) -> None:
    assert strict["default"]["comparison"]["contradictions"] == []
    every = strict["all"]["comparison"]["contradictions"]
    # The same candidates with the same confidences (here every seed candidate is below the threshold).
    assert sorted(map(json.dumps, every)) == sorted(map(json.dumps, seeds["comparison"]["contradictions"]))
    assert every and all(c["confidence"] < 0.99 for c in every)
    confidences = [c["confidence"] for c in every]
    assert confidences == sorted(confidences, reverse=True)


def test_seed_earnest_quotes_are_merged_across_outlets(seeds: dict[str, Any]) -> None:
    quotes = seeds["comparison"]["quotes"]
    earnest = [q for q in quotes if q["speaker"] == "Josh Earnest"]
    assert len(earnest) >= 3  # quoted by all three outlets, "Earnest" and "he" resolved to the full name
    assert {span["article"] for q in earnest for span in q["support"]} == {a["id"] for a in seeds["articles"]}
    [cooperate] = [q for q in earnest if "militarily" in q["text"]]
    assert len({span["article"] for span in cooperate["support"]}) >= 2  # News24's quote, RFE/RL's report of it
    assert not [q for q in quotes if q["speaker"] in ("Earnest", "He", "he")]


@pytest.mark.parametrize(
    ("date", "words"),
    [("2014-11-04", "midterm elections"), ("2014-11-07", "congressional leaders"), ("2014-11-24", "Nov. 24")],
)
def test_seed_november_events_are_on_the_timeline(seeds: dict[str, Any], date: str, words: str) -> None:
    events = [event for event in seeds["comparison"]["timeline"] if event["date"] == date]
    assert any(words in event["text"] for event in events), events


def test_seed_deadline_is_one_event_from_all_three_outlets(seeds: dict[str, Any]) -> None:
    [deadline] = [event for event in seeds["comparison"]["timeline"] if event["date"] == "2014-11-24"]
    assert len({span["article"] for span in deadline["support"]}) == 3
    dates = [event["date"] for event in seeds["comparison"]["timeline"]]
    assert dates == sorted(dates)


def test_seed_single_source_facts(seeds: dict[str, Any]) -> None:
    single = " ".join(item["text"] for item in seeds["comparison"]["single_source"])
    for words in ("Boehner", "Arab allies and Israel"):  # RFE/RL only; LA Times only
        assert words in single


@pytest.mark.parametrize("fmt", ["md", "text", "html"])
def test_compare_example_in_every_format(capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    assert main(["compare", str(EXAMPLE), "--format", fmt, "-q"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "Where the sources differ" in out and "Timeline" in out
    assert "Six people" in out and "Four people" in out  # the example's one real discrepancy


def test_compare_example_reports_only_its_one_discrepancy(tmp_path: Path) -> None:
    data = run_json(tmp_path, "compare", str(EXAMPLE))
    [contradiction] = data["comparison"]["contradictions"]
    assert contradiction["kind"] == "number"
    assert len({span["article"] for span in contradiction["spans"]}) == 3  # six (Observer) against four (two others)


def test_summarize_json_gets_the_comparison_only_when_asked(tmp_path: Path) -> None:
    plain = run_json(tmp_path, "summarize", str(EXAMPLE))
    assert "comparison" not in plain
    compared = run_json(tmp_path, "summarize", str(EXAMPLE), "--compare")
    assert set(compared) == {*plain, "comparison"}
    assert compared["sentences"] == plain["sentences"]  # the summary itself is unchanged
    assert compared["comparison"]["contradictions"]


def test_batch_compare_adds_the_comparison_to_every_line(tmp_path: Path) -> None:
    documents = [{"id": a.id, "text": a.text, "source": a.source, "published": a.published} for a in read(EXAMPLE)]
    records = tmp_path / "in.jsonl"
    records.write_text(json.dumps({"id": "harbor", "documents": documents}) + "\n", encoding="utf-8")
    output = tmp_path / "out.jsonl"
    assert main(["batch", str(records), "-o", str(output), "--compare", "-q"]) == EXIT_OK
    [line] = output.read_text(encoding="utf-8").splitlines()
    assert "contradictions" in json.loads(line)["comparison"]
