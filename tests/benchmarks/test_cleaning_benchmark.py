"""Tests of the cleaning benchmark (benchmarks.cleaning)."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = REPO_ROOT / ".." / "shared" / "data" / "article_extraction_benchmark"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    """benchmarks.cleaning."""
    return importlib.import_module("benchmarks.cleaning")


PAGE = """<!DOCTYPE html>
<html><head><title>Title only in the tab</title><style>p { color: red }</style>
<script>var tracker = "script text";</script></head>
<body>
  <nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav>
  <!-- a comment nobody sees -->
  <article>
    <h1>Big   headline</h1>
    <p>First <b>bold</b> and <a href="#">linked</a>
       paragraph.</p>
    <div hidden>hidden attribute</div>
    <div aria-hidden="true">aria hidden</div>
    <span style="color: red; display : none !important">styled away</span>
    <p style="visibility:hidden">invisible paragraph</p>
    <noscript>enable javascript</noscript>
    <template><p>template text</p></template>
    <svg><text>svg label</text></svg>
    <iframe src="ad.html">iframe fallback</iframe>
    <p>Line one<br>line two</p>
    <table><tr><td>cell a</td><td>cell b</td></tr><tr><td>cell c</td></tr></table>
    <pre>keep
  these lines</pre>
  </article>
  <footer>Footer &amp; more</footer>
</body></html>"""


def test_visible_text_drops_invisible_content_and_separates_blocks(bench: ModuleType) -> None:
    """Scripts, styles, comments and hidden elements vanish; blocks get blank lines."""
    text = bench.visible_text(PAGE)
    assert text == (
        "Home\n\nWorld\n\n"
        "Big headline\n\n"
        "First bold and linked paragraph.\n\n"
        "Line one\nline two\n\n"
        "cell a cell b\n\ncell c\n\n"
        "keep\nthese lines\n\n"
        "Footer & more"
    )
    for hidden in ("Title", "tracker", "color", "comment", "hidden", "styled", "invisible",
                   "javascript", "template", "svg", "iframe"):  # fmt: skip
        assert hidden not in text


def test_visible_text_edge_cases(bench: ModuleType) -> None:
    """Empty input, tails of hidden elements and repeated line breaks."""
    assert bench.visible_text("") == ""
    assert bench.visible_text("   \n ") == ""
    assert bench.visible_text("<p>kept <span hidden>gone</span>tail</p>") == "kept tail"
    assert bench.visible_text("<p>a<br><br><br><br>b</p>") == "a\n\nb"
    assert bench.visible_text("<div><div><p>x</p></div></div><p>y</p>") == "x\n\ny"
    assert bench.visible_text('<?xml version="1.0" encoding="utf-8"?><p>é</p>') == "é"


def test_tokens_are_lowercased_words(bench: ModuleType) -> None:
    """Tokens are lower-cased \\w+ runs; punctuation separates them."""
    assert bench.tokens("Don't STOP-me, now!") == ["don", "t", "stop", "me", "now"]


def test_token_scores_hand_computed(bench: ModuleType) -> None:
    """Bag-of-words P/R/F1 on examples worked out by hand."""
    # pred bag {the:2, cat:1, sat:1}, gold bag {the:1, cat:1, ran:1}: overlap the:1 + cat:1 = 2
    s = bench.token_scores("The cat sat the", "the cat ran")
    assert (s.overlap, s.predicted, s.gold) == (2, 4, 3)
    assert s.precision == pytest.approx(2 / 4)
    assert s.recall == pytest.approx(2 / 3)
    assert s.f1 == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))  # 4/7

    perfect = bench.token_scores("A b, c.", "c b a")
    assert (perfect.precision, perfect.recall, perfect.f1) == (1.0, 1.0, 1.0)

    # multiset: a word repeated in the prediction only counts as often as in the gold
    repeated = bench.token_scores("news news news news", "news today")
    assert (repeated.precision, repeated.recall) == pytest.approx((1 / 4, 1 / 2))
    assert repeated.f1 == pytest.approx(1 / 3)

    disjoint = bench.token_scores("alpha", "beta")
    assert (disjoint.precision, disjoint.recall, disjoint.f1) == (0.0, 0.0, 0.0)


def test_token_scores_empty_conventions(bench: ModuleType) -> None:
    """Empty prediction scores precision 0; empty gold scores recall 1; both empty is 1."""
    empty_pred = bench.token_scores("", "some gold")
    assert (empty_pred.precision, empty_pred.recall, empty_pred.f1) == (0.0, 0.0, 0.0)
    empty_gold = bench.token_scores("extra words", "")
    assert (empty_gold.precision, empty_gold.recall, empty_gold.f1) == (0.0, 1.0, 0.0)
    both = bench.token_scores("...", "")
    assert (both.precision, both.recall, both.f1) == (1.0, 1.0, 1.0)


def test_macro_and_micro_averages(bench: ModuleType) -> None:
    """Macro averages pages; micro pools token counts."""
    pages = [bench.scores_from_counts(1, 1, 2), bench.scores_from_counts(9, 10, 10)]
    macro = bench.macro_average(pages)
    assert macro["precision"] == pytest.approx((1.0 + 0.9) / 2)
    assert macro["recall"] == pytest.approx((0.5 + 0.9) / 2)
    micro = bench.micro_average(pages)
    assert micro["precision"] == pytest.approx(10 / 11)
    assert micro["recall"] == pytest.approx(10 / 12)


def test_gate_failures(bench: ModuleType) -> None:
    """The gate wants high storyline recall and a clear F1 gain over the raw text."""

    def summary(recall: float, f1: float, raw_f1: float) -> dict:
        return {
            "storyline": {"macro": {"precision": 0.9, "recall": recall, "f1": f1}},
            "raw": {"macro": {"precision": 0.5, "recall": 1.0, "f1": raw_f1}},
        }

    assert bench.gate_failures(summary(0.97, 0.90, 0.65)) == []
    assert len(bench.gate_failures(summary(0.90, 0.90, 0.65))) == 1
    assert len(bench.gate_failures(summary(0.97, 0.70, 0.65))) == 1
    assert len(bench.gate_failures(summary(0.50, 0.66, 0.65))) == 2


def test_missing_data_exits_2(bench: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Without data the script says so on one line and exits with status 2."""
    status = bench.main(["--data", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out")])
    assert status == 2
    err = capsys.readouterr().err.strip()
    assert "data missing" in err and len(err.splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_benchmark_runs_on_20_pages(tmp_path: Path) -> None:
    """End to end on the first 20 pages, when the third-party data is present."""
    if not (DATA_DIR / "ground-truth.json").is_file():
        pytest.skip(f"article extraction benchmark data not found at {DATA_DIR.resolve()}")
    out, dump = tmp_path / "results", tmp_path / "dump"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.cleaning", "--data", str(DATA_DIR), "--out", str(out),
         "--limit", "20", "--worst", "3", "--dump", str(dump)],
        capture_output=True, text=True, timeout=600, cwd=REPO_ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "| storyline |" in done.stdout and "| trafilatura |" in done.stdout
    report = json.loads((out / "cleaning.json").read_text(encoding="utf-8"))
    assert report["pages_scored"] == 20 and len(report["pages"]) == 20
    assert report["data"]["pages"] == 181 and len(report["data"]["ground_truth_sha256"]) == 64
    for name in ("raw", "storyline", "trafilatura"):
        for kind in ("macro", "micro"):
            assert 0.0 <= report["systems"][name][kind]["f1"] <= 1.0
    assert report["systems"]["raw"]["macro"]["recall"] > 0.95  # the visible text holds the article
    assert (out / "cleaning.png").stat().st_size > 0
    assert len(list(dump.glob("*.gold.txt"))) == 20
