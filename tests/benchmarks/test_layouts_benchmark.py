"""Issue 31's benchmarks: the layouts gate (a few clusters of DUC 2004 and LongBench in every layout),
the outlets gate (181 labelled pages), and the layout renderers, which must lose no text."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import layouts
from storyline.sources.layout import normalize_layout
from tests.benchmarks.test_quality_gates import DATA_ROOT, run

ARTICLE = (
    'Rebels said on Sunday that they had entered Kindu, the strategic town and air base. "We are in the town '
    'and the airport," a spokesman said.\n\nThe report could not be confirmed independently -- officials were '
    "silent.\n\nThe rebels took up arms in August, accusing the president of mismanagement and corruption."
)


def lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line]


@pytest.mark.parametrize("layout", [name for name in layouts.LAYOUTS if name != "html-page"])
def test_every_plain_text_layout_normalizes_back_to_the_article_s_lines(layout: str) -> None:
    """The same lines (paragraphs) as the article; blank lines may differ, and the Markdown page
    has its heading first (the cleaner takes it for the title)."""
    got = lines(normalize_layout(layouts.render(layout, ARTICLE, "test")))
    expected = lines(normalize_layout(ARTICLE))
    if layout == "one-block":
        expected = [" ".join(expected)]
    if layout == "markdown":
        got = got[1:]
    assert got == expected


def test_the_html_page_holds_the_article_escaped() -> None:
    page = layouts.render("html-page", ARTICLE + " <script>", "test")
    assert "&lt;script&gt;" in page and "<nav>" in page and "<footer>" in page


@pytest.mark.model
def test_layouts_gate_holds_its_floor(tmp_path: Path) -> None:
    for needed in ("duc2004_task2/duc2004_task2.jsonl", "longbench_multi_news/multi_news_split.jsonl"):
        if not (DATA_ROOT / needed).is_file():
            pytest.skip(f"{needed} not found under {DATA_ROOT}: the layouts gate needs ../shared/data")
    done = run("benchmarks.layouts", "--gate", out=tmp_path)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "layouts gate passed" in done.stdout


def test_outlets_gate_names_the_outlet_of_nine_pages_in_ten(tmp_path: Path) -> None:
    if not (DATA_ROOT / "article_extraction_benchmark" / "html").is_dir():
        pytest.skip(f"article extraction benchmark not found under {DATA_ROOT}: the outlets gate needs it")
    done = run("benchmarks.outlets", "--gate", out=tmp_path)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "outlets gate passed" in done.stdout


def test_one_block_diagnosis_joins_only_the_paragraph_breaks() -> None:
    """benchmarks.one_block's cleaned-block way: the cleaned article's words, on one line."""
    from benchmarks.one_block import joined

    text = normalize_layout(ARTICLE)
    assert joined(text) == layouts.render("one-block", text, "test")
    assert joined(text).split() == text.split() and "\n" not in joined(text)
