"""Tests of the ROUGE benchmark (benchmarks.rouge, .datasets, .peers, .scoring): truncation, the simple peers,
the oracle and one real run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import common, datasets, peers, rouge, scoring

REPO_ROOT = Path(__file__).resolve().parents[2]
MODULE = ["-m", "benchmarks.rouge"]
DATA_ROOT = Path(__file__).resolve().parents[2].parent / "shared" / "data"
DUC_FILE = DATA_ROOT / "duc2004_task2" / "duc2004_task2.jsonl"


CLUSTER = datasets.Cluster(
    id="tiny",
    documents=(
        "Alpha one opens the story. Alpha two adds detail. Alpha three goes on. Alpha four ends.",
        "Beta one reports the flood. Beta two counts the damage.",
        "Gamma one quotes the mayor.",
    ),
    references=("The flood damaged the town. The mayor spoke about the damage.",),
)


def spec(budget: int, measure: str = "fmeasure") -> object:
    """A dataset spec with a given budget, for the pure functions."""
    return datasets.DatasetSpec("tiny", ("x",), budget, measure, True, "tiny test data")


def test_truncation_keeps_line_breaks_and_cuts_inside_a_sentence() -> None:
    sentences = ["one two three .", "four five six seven .", "eight nine ."]
    assert scoring.truncate_words(sentences, 5) == ["one two three .", "four five"]
    assert "\n".join(scoring.truncate_words(sentences, 5)) == "one two three .\nfour five"


def test_truncation_does_not_count_punctuation_tokens_as_words() -> None:
    sentences = ['he said " yes , 8.2 % " .', "next one ."]
    kept = scoring.truncate_words(sentences, 4)
    assert kept == ['he said " yes , 8.2 % " .']
    assert scoring.count_words(kept) == 4


def test_truncation_exact_budget_and_empty_input() -> None:
    assert scoring.truncate_words(["a b.", "c d."], 4) == ["a b.", "c d."]
    assert scoring.truncate_words(["a b.", "c d."], 100) == ["a b.", "c d."]
    assert scoring.truncate_words([], 10) == []
    assert scoring.truncate_words(["-- ...", "a b"], 1) == ["a"]


def test_scorer_cuts_and_lowercases_before_scoring() -> None:
    scorer = scoring.Scorer(spec(3))
    assert scorer.prepare(["The Cat sat here.", "Another line."]) == "the cat sat"


def test_sentence_splitter_handles_multinews_style_text() -> None:
    text = 'The da vinci code is no. 1 again. He says " yes. " but brown has staying power.'
    sentences = scoring.split_sentences(text)
    assert sentences[0] == "The da vinci code is no. 1 again."
    assert len(sentences) >= 2


def test_first3_takes_three_sentences_per_article_in_order() -> None:
    out = peers.first3(CLUSTER, 100)
    assert out == [
        "Alpha one opens the story.",
        "Alpha two adds detail.",
        "Alpha three goes on.",
        "Beta one reports the flood.",
        "Beta two counts the damage.",
        "Gamma one quotes the mayor.",
    ]


def test_first3_is_cut_to_the_budget() -> None:
    out = peers.first3(CLUSTER, 7)
    assert out == ["Alpha one opens the story.", "Alpha two"]


def test_roundrobin_interleaves_articles_until_the_budget() -> None:
    out = peers.roundrobin(CLUSTER, 100)
    assert out[:4] == [
        "Alpha one opens the story.",
        "Beta one reports the flood.",
        "Gamma one quotes the mayor.",
        "Alpha two adds detail.",
    ]
    assert out[-1] == "Alpha four ends."
    assert peers.roundrobin(CLUSTER, 12) == [
        "Alpha one opens the story.",
        "Beta one reports the flood.",
        "Gamma one",
    ]


def test_oracle_is_never_worse_than_first3() -> None:
    for budget in (5, 10, 20, 100):
        scorer = scoring.Scorer(spec(budget))
        oracle = peers.Oracle(spec(budget))
        oracle_scores = scorer.score(CLUSTER, oracle(CLUSTER))
        first3_scores = scorer.score(CLUSTER, peers.first3(CLUSTER, budget))
        objective = lambda s: s["rouge1"] + s["rouge2"]  # noqa: E731 - what the oracle maximises
        assert objective(oracle_scores) >= objective(first3_scores) - 1e-9
        assert scoring.count_words(oracle(CLUSTER)) <= budget


def test_oracle_recall_mode_averages_over_references() -> None:
    cluster = datasets.Cluster("r", CLUSTER.documents, (*CLUSTER.references, "Alpha opens the story."))
    oracle = peers.Oracle(spec(12, "recall"))
    out = oracle(cluster)
    assert out and scoring.count_words(out) <= 12


def test_gate_ids_are_deterministic_and_skip_single_document_clusters() -> None:
    clusters = [datasets.Cluster(str(i), ("a",) * (1 + i % 2), ("r",)) for i in range(300)]
    ids = datasets.gate_ids(clusters, count=10)
    assert len(ids) == 10 and ids == datasets.gate_ids(list(reversed(clusters)), count=10)
    assert all(int(i) % 2 == 1 for i in ids)


def test_gate_file_lists_100_ids_with_a_comment() -> None:
    lines = (REPO_ROOT / "benchmarks" / "gate-multinews-val.txt").read_text().splitlines()
    assert lines[0].startswith("#")
    ids = datasets.read_id_list(REPO_ROOT / "benchmarks" / "gate-multinews-val.txt")
    assert len(ids) == 100 == len(set(ids))
    assert all(44972 <= int(i) <= 50593 for i in ids)


def test_missing_data_exits_2_with_one_line(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, *MODULE, "duc2004", "--data", str(tmp_path), "--systems", "first3"],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=120,
    )
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert "data file not found" in done.stderr


def test_duc2004_run_with_two_clusters(tmp_path: Path) -> None:
    if not DUC_FILE.is_file():
        pytest.skip(f"DUC 2004 data not found at {DUC_FILE}: this test needs the shared data folder")
    done = subprocess.run(
        [
            sys.executable,
            *MODULE,
            "duc2004",
            "--limit",
            "2",
            "--systems",
            "first3,oracle",
            "--data",
            str(DATA_ROOT),
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "rouge-duc2004-limit2.json").read_text())
    assert report["clusters"] == 2 and report["measure"] == "recall"
    assert list(report["systems"]) == ["first3", "oracle"]  # upper bound last
    first3, oracle = report["systems"]["first3"], report["systems"]["oracle"]
    assert 0 < first3["rouge2"] <= first3["rouge1"] < 100
    assert oracle["rouge1"] + oracle["rouge2"] >= first3["rouge1"] + first3["rouge2"]
    assert set(report["per_cluster"]) == {"oracle"}
    assert (tmp_path / "rouge-duc2004-limit2.md").read_text().count("upper bound") >= 1
    assert (tmp_path / "rouge-duc2004-limit2.png").stat().st_size > 0


def gate_args(**changes: object) -> object:
    """The parsed arguments of a gate run, with changes."""
    args = rouge.parse_args(["multinews-val", "--gate"])
    for key, value in changes.items():
        setattr(args, key, value)
    return args


def write_floor(path: Path, value: float) -> None:
    """A floors.json holding one gate floor."""
    path.write_text(json.dumps({"multinews-val-gate": {"rouge2": value, "history": []}}))


def test_gate_fails_below_the_floor_and_passes_above(tmp_path: Path) -> None:
    floors = tmp_path / "floors.json"
    write_floor(floors, 12.5)
    assert rouge.check_gate(12.49, 0, gate_args(), floors) == 1
    assert rouge.check_gate(12.5, 0, gate_args(), floors) == 0
    assert json.loads(floors.read_text())["multinews-val-gate"]["rouge2"] == 12.5


def test_lower_floor_needs_a_reason_and_records_it(tmp_path: Path) -> None:
    floors = tmp_path / "floors.json"
    write_floor(floors, 12.5)
    assert rouge.check_gate(11.237, 0, gate_args(lower_floor="new tokenizer"), floors) == 0
    entry = json.loads(floors.read_text())["multinews-val-gate"]
    assert entry["rouge2"] == 11.23
    assert entry["history"][-1]["reason"] == "new tokenizer"
    assert entry["history"][-1]["from"] == 12.5


def test_raise_floor_only_moves_it_up(tmp_path: Path) -> None:
    floors = tmp_path / "floors.json"
    write_floor(floors, 10.0)
    assert rouge.check_gate(13.456, 0, gate_args(raise_floor=True), floors) == 0
    assert json.loads(floors.read_text())["multinews-val-gate"]["rouge2"] == 13.45
    assert rouge.check_gate(13.0, 0, gate_args(raise_floor=True), floors) == 1


def test_committed_floors_file_has_the_gate_entry() -> None:
    floors = rouge.load_floors()
    assert isinstance(floors["multinews-val-gate"]["rouge2"], float)


def test_a_storyline_row_per_selector_is_accepted_and_an_unknown_one_refused() -> None:
    ctx = peers.Context(spec(250), {})
    assert peers.resolve_systems("storyline,storyline:coverage.v4,first3", ctx) == [
        "storyline",
        "storyline:coverage.v4",
        "first3",
    ]
    with pytest.raises(common.UsageError, match="unknown selector 'nope'"):
        peers.resolve_systems("storyline:nope", ctx)


def test_two_selectors_side_by_side_in_one_run(tmp_path: Path) -> None:
    if not DUC_FILE.is_file():
        pytest.skip(f"DUC 2004 data not found at {DUC_FILE}: this test needs the shared data folder")
    command = [sys.executable, *MODULE, "duc2004", "--limit", "1", "--systems", "storyline,storyline:coverage.v4"]
    done = subprocess.run(
        [*command, "--data", str(DATA_ROOT), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "rouge-duc2004-limit1.json").read_text())
    assert list(report["systems"]) == ["storyline", "storyline:coverage.v4"]
    assert set(report["per_cluster"]) == {"storyline", "storyline:coverage.v4"}
    for row in report["systems"].values():
        assert 0 < row["rouge2"] <= row["rouge1"] < 100
    assert "storyline:coverage.v4" in (tmp_path / "rouge-duc2004-limit1.md").read_text()


def test_without_a_terminal_progress_is_a_line_per_tenth(capsys: pytest.CaptureFixture[str]) -> None:
    clusters = [CLUSTER] * 25
    assert list(rouge.progress(clusters, "first3")) == clusters  # pytest's stderr is no terminal
    lines = capsys.readouterr().err.splitlines()
    counts = (3, 6, 9, 12, 15, 18, 21, 24, 25)
    assert [line.split(" clusters")[0] for line in lines] == [f"first3: {n}/25" for n in counts]
