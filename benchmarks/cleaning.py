"""Benchmark of Storyline's plain-text cleaner against gold article bodies.

Each page of the article extraction benchmark (scrapinghub/article-extraction-benchmark,
kept outside the repository, see its SOURCE.md) is turned into all of its visible text,
as a reader who selects all and copies the page would get it.  Three systems are scored
against the gold ``articleBody`` with bag-of-words token precision, recall and F1:

* ``raw``: the visible text unchanged (lower bound: perfect recall, poor precision);
* ``storyline``: ``storyline.sources.clean.clean_text`` applied to the visible text;
* ``trafilatura``: ``trafilatura.extract`` on the HTML itself (a full extractor, which
  sees the markup that the cleaner never gets).

Run from the repository root::

    .venv/bin/python -m benchmarks.cleaning [--limit N] [--worst K] [--dump DIR] [--gate]

It prints a Markdown table and writes ``results/cleaning.json`` and ``results/cleaning.png``.
Exit status: 0 on success, 1 when ``--gate`` fails, 2 when the data is missing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import hashlib
import json
import logging
import platform
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import lxml.html
from lxml import etree

from benchmarks.common import DATA, RESULTS, Stopwatch, code_version
from storyline.sources.clean import clean_text

# --gate thresholds (checked on the storyline system after scoring):
# the cleaner must keep almost all of the article: a missing paragraph is worse for the
# downstream story analysis than a leftover "Share" button, so recall is held high ...
GATE_MIN_RECALL = 0.95
# ... and it must actually clean: its macro F1 has to beat the uncleaned visible text
# (the "raw" baseline) by at least this many points of F1.
GATE_MIN_F1_GAIN_OVER_RAW = 0.15

# A page counts as "lossy" for the cleaner when it drops more than 10% of the gold tokens.
LOW_RECALL = 0.9

SYSTEMS = ("raw", "storyline", "trafilatura")

# Main text only, no comments, neither precision- nor recall-oriented (the defaults,
# spelled out so that a change of trafilatura's defaults does not change the baseline).
TRAFILATURA_OPTIONS: dict[str, object] = {
    "output_format": "txt",
    "include_comments": False,
    "include_tables": True,
    "include_images": False,
    "include_links": False,
    "include_formatting": False,
    "favor_precision": False,
    "favor_recall": False,
    "deduplicate": False,
    "with_metadata": False,
}

# Elements whose content a reader never sees as text.  Beyond the obvious ones: <title>,
# <meta>, <link> and <base> (normally in <head>, sometimes misplaced in <body>), media and
# embedded content whose fallback text shows only in browsers without support for it,
# and form widgets whose options are not page text.
INVISIBLE_TAGS = frozenset(
    {
        "head", "title", "meta", "link", "base",
        "script", "style", "noscript", "template",
        "svg", "iframe", "object", "embed", "frame", "frameset",
        "canvas", "video", "audio",
        "select", "datalist", "input", "textarea",
    }
)  # fmt: skip

# Elements laid out as blocks by browsers' default style sheets: a blank line around them.
BLOCK_TAGS = frozenset(
    {
        "html", "body", "address", "article", "aside", "blockquote", "caption", "center",
        "dd", "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption",
        "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup",
        "hr", "legend", "li", "listing", "main", "menu", "nav", "ol", "p", "plaintext",
        "pre", "search", "section", "summary", "table", "tbody", "tfoot", "thead", "tr",
        "ul", "xmp",
    }
)  # fmt: skip

# Table cells stay on their row's line, separated by a space.
CELL_TAGS = frozenset({"td", "th"})

# Elements whose whitespace is preserved (line breaks inside them are kept).
PREFORMATTED_TAGS = frozenset({"pre", "listing", "plaintext", "xmp"})

_HIDING_STYLE = re.compile(r"(?:^|[;\s])(?:display\s*:\s*none|visibility\s*:\s*hidden)\b", re.I)
_WHITESPACE = re.compile(r"\s+")
_TOKEN = re.compile(r"\w+")


class _Break:
    """A line-break marker in the flattened text stream: 1 = new line, 2 = new block."""

    __slots__ = ("strength",)

    def __init__(self, strength: int) -> None:
        """Make a marker of the given strength."""
        self.strength = strength


_NEW_LINE = _Break(1)
_NEW_BLOCK = _Break(2)


class _Pre(str):
    """A text node inside a preformatted element (its line breaks are kept)."""

    __slots__ = ()


def _is_hidden(element: lxml.html.HtmlElement) -> bool:
    """Tell whether an element is hidden by its tag, its attributes or its inline style."""
    tag = element.tag.lower()
    if tag in INVISIBLE_TAGS:
        return True
    attrib = element.attrib
    if "hidden" in attrib:
        return True
    if attrib.get("aria-hidden", "").strip().lower() == "true":
        return True
    if tag == "dialog" and "open" not in attrib:
        return True
    style = attrib.get("style")
    return bool(style and _HIDING_STYLE.search(style))


def _flatten(root: lxml.html.HtmlElement) -> list[str | _Break]:
    """Walk the tree in document order into text pieces and break markers."""
    pieces: list[str | _Break] = []
    # Explicit stack (no recursion: some pages nest thousands of levels deep).
    # Items: (element, inside a preformatted ancestor) or a ready piece.
    stack: list[tuple[etree._Element, bool] | str | _Break] = [(root, False)]
    while stack:
        item = stack.pop()
        if not isinstance(item, tuple):
            pieces.append(item)
            continue
        element, pre = item
        if not isinstance(element.tag, str) or _is_hidden(element):
            continue  # comments, processing instructions, hidden subtrees (not their tails)
        tag = element.tag.lower()
        if tag == "br":
            pieces.append(_NEW_LINE)
            continue
        pre = pre or tag in PREFORMATTED_TAGS
        block = tag in BLOCK_TAGS
        before: str | _Break | None = _NEW_BLOCK if block else (" " if tag in CELL_TAGS else None)
        after = before
        todo: list[tuple[etree._Element, bool] | str | _Break] = []
        if before is not None:
            todo.append(before)
        if element.text:
            todo.append(_Pre(element.text) if pre else element.text)
        for child in element:
            todo.append((child, pre))
            if child.tail:
                todo.append(_Pre(child.tail) if pre else child.tail)
        if after is not None:
            todo.append(after)
        stack.extend(reversed(todo))
    return pieces


def _assemble(pieces: Iterable[str | _Break]) -> str:
    """Join text pieces into lines, collapsing whitespace, with at most one blank line."""
    lines: list[str] = []
    gaps: list[int] = []  # gaps[i]: newlines to put before lines[i]
    current: list[str] = []
    pending = 0  # strength of the breaks seen since the last non-empty line

    def end_line(strength: int) -> None:
        """Close the current line and account for a break of the given strength."""
        nonlocal pending
        text = _WHITESPACE.sub(" ", "".join(current)).strip()
        current.clear()
        if text:
            gaps.append(min(pending, 2))
            lines.append(text)
            pending = 0
        if strength == 2:
            pending = 2
        elif lines:
            pending = min(pending + strength, 2)  # <br><br> makes an empty line

    for piece in pieces:
        if isinstance(piece, _Break):
            end_line(piece.strength)
        elif isinstance(piece, _Pre) and "\n" in piece:
            parts = piece.replace("\r\n", "\n").split("\n")
            for part in parts[:-1]:
                current.append(part)
                end_line(1)
            current.append(parts[-1])
        else:
            current.append(piece)
    end_line(0)
    out: list[str] = []
    for gap, line in zip(gaps, lines, strict=True):
        if out:
            out.append("\n" * max(gap, 1))
        out.append(line)
    return "".join(out)


def visible_text(html: str) -> str:
    """Return all the visible text of an HTML page, one block per paragraph."""
    if not html.strip():
        return ""
    # Feed UTF-8 bytes with an explicit encoding: the page is already decoded, and
    # lxml refuses str input that carries an XML encoding declaration.
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    try:
        root = lxml.html.document_fromstring(html.encode("utf-8", "replace"), parser=parser)
    except (etree.ParserError, ValueError):
        return ""
    return _assemble(_flatten(root))


# --------------------------------------------------------------------------- scoring


@dataclass(frozen=True)
class Scores:
    """Token precision, recall and F1 with the counts they come from."""

    precision: float
    recall: float
    f1: float
    overlap: int
    predicted: int
    gold: int


def tokens(text: str) -> list[str]:
    """Split text into lower-cased word tokens (regex \\w+)."""
    return _TOKEN.findall(text.lower())


def scores_from_counts(overlap: int, predicted: int, gold: int) -> Scores:
    """Compute P/R/F1 from the token overlap and the sizes of both bags.

    Conventions for empty bags: an empty prediction has precision 0 (it found nothing),
    an empty gold has recall 1 (nothing to find); both empty is a perfect score.
    """
    if predicted == 0 and gold == 0:
        return Scores(1.0, 1.0, 1.0, 0, 0, 0)
    precision = overlap / predicted if predicted else 0.0
    recall = overlap / gold if gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision, recall, f1, overlap, predicted, gold)


def token_scores(predicted: str, gold: str) -> Scores:
    """Score a text against the gold text as bags (multisets) of word tokens."""
    pred_bag, gold_bag = Counter(tokens(predicted)), Counter(tokens(gold))
    overlap = sum((pred_bag & gold_bag).values())
    return scores_from_counts(overlap, sum(pred_bag.values()), sum(gold_bag.values()))


def macro_average(all_scores: Sequence[Scores]) -> dict[str, float]:
    """Average P, R and F1 over pages (each page weighs the same)."""
    n = len(all_scores) or 1
    return {
        "precision": sum(s.precision for s in all_scores) / n,
        "recall": sum(s.recall for s in all_scores) / n,
        "f1": sum(s.f1 for s in all_scores) / n,
    }


def micro_average(all_scores: Sequence[Scores]) -> dict[str, float]:
    """Pool the token counts of all pages, then compute P, R and F1 once."""
    pooled = scores_from_counts(
        sum(s.overlap for s in all_scores),
        sum(s.predicted for s in all_scores),
        sum(s.gold for s in all_scores),
    )
    return {"precision": pooled.precision, "recall": pooled.recall, "f1": pooled.f1}


# --------------------------------------------------------------------------- systems


def run_trafilatura(html: str, url: str | None) -> str:
    """Extract the main text of a page with trafilatura ("" when it gives up)."""
    import trafilatura

    return trafilatura.extract(html, url=url, **TRAFILATURA_OPTIONS) or ""  # type: ignore[arg-type]


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Page:
    """One benchmark page: its id, URL, HTML file and gold article body."""

    page_id: str
    url: str
    html_path: Path
    gold: str

    def read_html(self) -> str:
        """Read and decode the gzip-compressed HTML of the page."""
        with gzip.open(self.html_path) as handle:
            return handle.read().decode("utf-8", "replace")


def data_problem(data_dir: Path) -> str | None:
    """Say what is missing from the data folder, or None when it looks usable."""
    if not (data_dir / "ground-truth.json").is_file():
        return f"{data_dir / 'ground-truth.json'} not found"
    if not (data_dir / "html").is_dir():
        return f"{data_dir / 'html'} not found"
    return None


def load_pages(data_dir: Path) -> list[Page]:
    """List the pages that have both a gold text and an HTML file, sorted by id."""
    truth = json.loads((data_dir / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth):
        html_path = data_dir / "html" / f"{page_id}.html.gz"
        if html_path.is_file():
            entry = truth[page_id]
            pages.append(Page(page_id, entry.get("url", ""), html_path, entry["articleBody"]))
    return pages


def data_fingerprint(data_dir: Path, n_pages: int) -> dict[str, object]:
    """Identify the data set: sha256 of ground-truth.json and the number of usable pages."""
    digest = hashlib.sha256((data_dir / "ground-truth.json").read_bytes()).hexdigest()
    return {"ground_truth_sha256": digest, "pages": n_pages}


# --------------------------------------------------------------------------- run


@dataclass
class PageResult:
    """Scores of every system on one page."""

    page_id: str
    url: str
    scores: dict[str, Scores]

    def as_json(self) -> dict[str, object]:
        """Serialise for results/cleaning.json."""
        return {
            "id": self.page_id,
            "url": self.url,
            "gold_tokens": self.scores["raw"].gold,
            "systems": {name: _rounded(asdict(s)) for name, s in self.scores.items()},
        }


def _rounded(values: dict[str, float | int]) -> dict[str, float | int]:
    """Round the floats of a score dictionary for a readable JSON file."""
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in values.items()}


def _safe_name(page_id: str) -> str:
    """Make a page id usable as a file name."""
    return re.sub(r"[^\w.-]", "_", page_id)


def run_pages(
    pages: Sequence[Page],
    cleaner: Callable[[str], str],
    dump_dir: Path | None,
    show_progress: bool,
) -> tuple[list[PageResult], dict[str, float]]:
    """Run all systems on all pages; return per-page scores and seconds spent per system."""
    from tqdm import tqdm

    seconds = dict.fromkeys(SYSTEMS, 0.0)
    seconds["visible_text"] = 0.0
    results = []
    if dump_dir is not None:
        dump_dir.mkdir(parents=True, exist_ok=True)
    progress = tqdm(pages, desc="cleaning", unit="page", file=sys.stderr, disable=not show_progress)
    for page in progress:
        html = page.read_html()
        clock = Stopwatch()
        visible = visible_text(html)
        seconds["visible_text"] += clock.lap()
        outputs = {"raw": visible}
        outputs["storyline"] = cleaner(visible)
        seconds["storyline"] += clock.lap()
        outputs["trafilatura"] = run_trafilatura(html, page.url or None)
        seconds["trafilatura"] += clock.lap()
        scores = {name: token_scores(outputs[name], page.gold) for name in SYSTEMS}
        results.append(PageResult(page.page_id, page.url, scores))
        if dump_dir is not None:
            stem = dump_dir / _safe_name(page.page_id)
            for suffix, text in (
                ("visible", visible),
                ("storyline", outputs["storyline"]),
                ("trafilatura", outputs["trafilatura"]),
                ("gold", page.gold),
            ):
                Path(f"{stem}.{suffix}.txt").write_text(text + "\n", encoding="utf-8")
    return results, seconds


def summarise(results: Sequence[PageResult]) -> dict[str, dict[str, dict[str, float]]]:
    """Macro and micro P/R/F1 of each system."""
    return {
        name: {
            "macro": macro_average([r.scores[name] for r in results]),
            "micro": micro_average([r.scores[name] for r in results]),
        }
        for name in SYSTEMS
    }


def markdown_table(summary: dict[str, dict[str, dict[str, float]]], seconds: dict[str, float]) -> str:
    """Render the summary as a Markdown table (raw's time is that of visible_text)."""
    rows = [
        "| system | macro P | macro R | macro F1 | micro P | micro R | micro F1 | time (s) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in SYSTEMS:
        macro, micro = summary[name]["macro"], summary[name]["micro"]
        cells = [macro["precision"], macro["recall"], macro["f1"]]
        cells += [micro["precision"], micro["recall"], micro["f1"]]
        time_spent = seconds["visible_text"] if name == "raw" else seconds[name]
        rows.append(f"| {name} | " + " | ".join(f"{v:.3f}" for v in cells) + f" | {time_spent:.1f} |")
    return "\n".join(rows)


def worst_table(results: Sequence[PageResult], k: int) -> str:
    """Render the k pages where the storyline cleaner scores the lowest F1."""
    worst = sorted(results, key=lambda r: (r.scores["storyline"].f1, r.page_id))[:k]
    rows = [
        f"Worst {len(worst)} pages for storyline (by F1):",
        "",
        "| id | P | R | F1 | raw P | gold tokens | url |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in worst:
        s = r.scores["storyline"]
        rows.append(
            f"| {r.page_id[:12]} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} "
            f"| {r.scores['raw'].precision:.3f} | {s.gold} | {r.url} |"
        )
    return "\n".join(rows)


def write_json(path: Path, payload: dict[str, object]) -> None:
    """Write JSON atomically (temporary file, then rename)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)


def plot(summary: dict[str, dict[str, dict[str, float]]], n_pages: int, path: Path) -> None:
    """Draw a grouped bar chart of macro P/R/F1 per system."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    metrics = ("precision", "recall", "f1")
    x = np.arange(len(SYSTEMS))
    width = 0.26
    fig, ax = plt.subplots(figsize=(7, 4), dpi=120)
    for i, metric in enumerate(metrics):
        values = [summary[name]["macro"][metric] for name in SYSTEMS]
        bars = ax.bar(x + (i - 1) * width, values, width, label=metric.capitalize())
        ax.bar_label(bars, labels=[f"{v:.2f}" for v in values], fontsize=7, padding=2)
    ax.set_xticks(x, SYSTEMS)
    ax.set_ylim(0, 1.22)  # headroom for the legend above the bars
    ax.set_ylabel("token score (macro average)")
    ax.set_title(f"Plain-text cleaning vs gold article body ({n_pages} pages)")
    ax.legend(loc="upper center", ncols=3, fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def gate_failures(summary: dict[str, dict[str, dict[str, float]]]) -> list[str]:
    """List the --gate conditions that the storyline cleaner misses."""
    storyline = summary["storyline"]["macro"]
    raw_f1 = summary["raw"]["macro"]["f1"]
    failures = []
    if storyline["recall"] < GATE_MIN_RECALL:
        failures.append(f"storyline macro recall {storyline['recall']:.3f} < {GATE_MIN_RECALL:.2f}")
    if storyline["f1"] < raw_f1 + GATE_MIN_F1_GAIN_OVER_RAW:
        failures.append(
            f"storyline macro F1 {storyline['f1']:.3f} < raw macro F1 {raw_f1:.3f} + {GATE_MIN_F1_GAIN_OVER_RAW:.2f}"
        )
    return failures


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data",
        type=Path,
        default=DATA / "article_extraction_benchmark",
        help="benchmark folder with ground-truth.json and html/ (default: beside the repo)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=RESULTS,
        help="output folder (default: results/ in the repo)",
    )
    parser.add_argument("--limit", type=int, default=None, help="score only the first N pages")
    parser.add_argument(
        "--worst",
        type=int,
        default=0,
        metavar="K",
        help="print the K pages with the lowest storyline F1",
    )
    parser.add_argument(
        "--dump",
        type=Path,
        default=None,
        metavar="DIR",
        help="write <id>.{visible,storyline,trafilatura,gold}.txt per page into DIR",
    )
    parser.add_argument(
        "--gate",
        action="store_true",
        help=f"exit 1 unless storyline macro recall >= {GATE_MIN_RECALL} and macro F1 >= "
        f"raw macro F1 + {GATE_MIN_F1_GAIN_OVER_RAW}",
    )
    args = parser.parse_args(argv)
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be at least 1")
    if args.worst < 0:
        parser.error("--worst must not be negative")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; return the process exit status."""
    args = parse_args(argv)
    data_dir: Path = args.data
    problem = data_problem(data_dir)
    if problem:
        print(f"cleaning benchmark: data missing ({problem}); pass --data PATH", file=sys.stderr)
        return 2
    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    cleaner = clean_text

    all_pages = load_pages(data_dir)
    pages = all_pages[: args.limit] if args.limit else all_pages
    clock = Stopwatch()
    results, seconds = run_pages(pages, cleaner, args.dump, sys.stderr.isatty())
    elapsed = clock.seconds

    summary = summarise(results)
    low_recall = [r.page_id for r in results if r.scores["storyline"].recall < LOW_RECALL]
    failures = gate_failures(summary)
    import trafilatura

    payload: dict[str, object] = {
        "benchmark": "cleaning",
        "code_version": code_version(),
        "timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "trafilatura_version": trafilatura.__version__,
        "trafilatura_options": TRAFILATURA_OPTIONS,
        "data": {"path": str(data_dir.resolve()), **data_fingerprint(data_dir, len(all_pages))},
        "pages_scored": len(results),
        "metric": "bag-of-words token P/R/F1, tokens = lower-cased \\w+; empty prediction: P=0",
        "seconds": {"total": round(elapsed, 2), **{k: round(v, 2) for k, v in seconds.items()}},
        "systems": {name: {kind: _rounded(values) for kind, values in summary[name].items()} for name in SYSTEMS},
        "storyline_low_recall": {
            "threshold": LOW_RECALL,
            "count": len(low_recall),
            "ids": low_recall,
        },
        "gate": {
            "min_recall": GATE_MIN_RECALL,
            "min_f1_gain_over_raw": GATE_MIN_F1_GAIN_OVER_RAW,
            "passed": not failures,
            "failures": failures,
        },
        "pages": [r.as_json() for r in results],
    }
    args.out.mkdir(parents=True, exist_ok=True)
    write_json(args.out / "cleaning.json", payload)
    plot(summary, len(results), args.out / "cleaning.png")

    print(markdown_table(summary, seconds))
    print()
    print(f"storyline pages with recall < {LOW_RECALL}: {len(low_recall)} / {len(results)}")
    if args.worst:
        print()
        print(worst_table(results, args.worst))
    written = f"{args.out / 'cleaning.json'} and {args.out / 'cleaning.png'}"
    print(f"\nwrote {written} ({elapsed:.1f} s)", file=sys.stderr)

    if args.gate and failures:
        print("cleaning gate FAILED: " + "; ".join(failures), file=sys.stderr)
        return 1
    if args.gate:
        print("cleaning gate passed", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
