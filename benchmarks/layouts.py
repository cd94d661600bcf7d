"""Layouts benchmark: the same articles in nine plain-text layouts must give the same summary.

Usage::

    python -m benchmarks.layouts [--datasets duc2004,longbench] [--limit N] [--layouts a,b]
                                   [--data DIR] [--out DIR] [--gate]

Every article of DUC 2004 (50 clusters) and of the first 50 LongBench clusters is rendered in
each layout below and every cluster is summarized in each, by one ``Pipeline`` (the Storyline
row of ``benchmarks.rouge`` (``benchmarks.peers``): ``Config(words=budget, fill=True)``, ``on_error="skip"``),
with no time limit on the summary's integer program (``solver_seconds=None``): with the library's
5 s of wall clock, a busy machine could change a summary, and a layout would seem to. A
layout renders an article's paragraphs, its non-blank lines as given (a DUC 2004 article is one):

* ``as-given``: the text as the data set has it;
* ``wrapped``: each paragraph hard-wrapped (``textwrap.fill``) at 60-78 columns (drawn per
  article), its first line indented by a tab and three spaces or by four spaces, no blank lines;
* ``wrapped-crlf``: the same with CRLF line ends;
* ``wire-tex``: newswire copy: a slug line (``BC-Word-Word 11-28 0612``), paragraphs indented by
  three spaces, ``TeX-style'' quotes, ``--`` dashes, a ``(MORE)`` trailer;
* ``markdown``: a ``#`` heading, a name per paragraph as a link, one as ``*emphasis*``, blank lines;
* ``sentence-lines``: one sentence per line (the Punkt splitter of ``benchmarks.scoring``), blank lines
  between paragraphs;
* ``double-spaced``: hard-wrapped at 60-78 columns, paragraphs indented by five spaces, a blank
  line after every line and two trailing spaces on each (a typed manuscript);
* ``one-block``: the whole article on one line;
* ``html-page``: an HTML page with navigation, share buttons, a related-stories box and a
  footer around the article, read by Storyline's HTML reader as a ``.html`` file would be.

Per layout and data set it reports the articles rejected (and how many of those the as-given
run accepts: the target is zero), ROUGE-1/2 with each set's protocol (``benchmarks.scoring``) (DUC 2004:
recall at 100 words, mean over the four references; LongBench: F1 at 250 words), the ROUGE-2
difference to the as-given run (target: within 0.2 points), and the share of summary sentences
equal to the as-given run's (per cluster, the sentences the two summaries share over the
larger of the two). A cluster whose prepared (cleaned and checked) articles equal those of an
earlier run is given that run's summary: the pipeline is deterministic from there on.

Outputs ``results/layouts.{json,md,png}`` (``--limit N`` adds ``-limitN``). ``--gate`` runs the
first ``GATE_CLUSTERS`` clusters of each set and exits 1 when an article accepted as given is
rejected in another layout or a layout's sentence share falls under the floor pinned in
``benchmarks/floors.json`` for that layout (``layouts-gate``; ``--raise-floor``, ``--lower-floor
REASON`` as in ``rouge.py``). Exit codes: 0 done (gate passed), 1 gate failed, 2 usage error or
missing data.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import html
import json
import math
import random
import re
import sys
import textwrap
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks import rouge
from benchmarks.common import DATA, RESULTS, Stopwatch, UsageError, code_version, sha256_file
from benchmarks.datasets import DATASETS as SPECS
from benchmarks.datasets import LOADERS, Cluster, DataMissing, data_paths
from benchmarks.peers import SystemUnavailable, storyline_modules
from benchmarks.scoring import Scorer, split_sentences

LAYOUTS = (
    "as-given",
    "wrapped",
    "wrapped-crlf",
    "wire-tex",
    "markdown",
    "sentence-lines",
    "double-spaced",
    "one-block",
    "html-page",
)
DATASETS = ("duc2004", "longbench")
#: Clusters per data set: DUC 2004 has 50, LongBench's first 50 of 200 are used.
DEFAULT_LIMIT = 50
#: Clusters per data set in the CI gate (tests/benchmarks/test_layouts_benchmark.py).
GATE_CLUSTERS = 2
GATE_KEY = "layouts-gate"
FLOOR_FIELD = "equal_sentences"
#: The issue's bound on the ROUGE-2 difference to the as-given run, in points.
ROUGE2_TOLERANCE = 0.2


# --------------------------------------------------------------------------- layouts


def paragraphs_of(text: str) -> list[str]:
    """An article's paragraphs: its non-blank lines, stripped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _width(rng: random.Random) -> int:
    return rng.randint(60, 78)


def render_wrapped(paragraphs: Sequence[str], rng: random.Random) -> str:
    width = _width(rng)
    indent = rng.choice(["\t   ", "    "])
    return "\n".join(indent + textwrap.fill(paragraph, width) for paragraph in paragraphs)


def render_wrapped_crlf(paragraphs: Sequence[str], rng: random.Random) -> str:
    return render_wrapped(paragraphs, rng).replace("\n", "\r\n")


_STRAIGHT_QUOTE = re.compile(r'"')
_CAPITALISED = re.compile(r"\b[A-Z][a-z]{2,}\b")


def _tex_quotes(paragraph: str) -> str:
    """Straight double quotes as TeX pairs: `` where a quotation opens, '' where it closes."""

    def quote(match: re.Match[str]) -> str:
        before = paragraph[match.start() - 1] if match.start() else " "
        return "``" if before.isspace() or before in "([{—-" else "''"

    return _STRAIGHT_QUOTE.sub(quote, paragraph)


def render_wire_tex(paragraphs: Sequence[str], rng: random.Random) -> str:
    words = [*_CAPITALISED.findall(" ".join(paragraphs))[:2], "Story", "Update"][:2]
    count = sum(len(paragraph.split()) for paragraph in paragraphs)
    slug = f"BC-{words[0]}-{words[1]} {rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} {count:04d}"
    body = ["   " + _tex_quotes(paragraph).replace(" — ", " -- ").replace("—", "--") for paragraph in paragraphs]
    return "\n".join([slug, *body, "   (MORE)"])


_NAME = re.compile(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)+\b")


def _headline(paragraphs: Sequence[str]) -> str:
    words = paragraphs[0].split()[:8] if paragraphs else ["Story"]
    return " ".join(word.strip(".,;:\"'`") for word in words).title()


def render_markdown(paragraphs: Sequence[str], rng: random.Random) -> str:
    out = [f"# {_headline(paragraphs)}"]
    emphasised = False
    for paragraph in paragraphs:
        name = _NAME.search(paragraph)
        if name and "[" not in paragraph and "]" not in paragraph:
            slug = name.group(0).lower().replace(" ", "-")
            start, end = name.span()
            if not emphasised and rng.random() < 0.5:
                paragraph = f"{paragraph[:start]}*{name.group(0)}*{paragraph[end:]}"
                emphasised = True
            else:
                paragraph = f"{paragraph[:start]}[{name.group(0)}](https://example.org/topics/{slug}){paragraph[end:]}"
        out.append(paragraph)
    return "\n\n".join(out)


def render_sentence_lines(paragraphs: Sequence[str], rng: random.Random) -> str:
    return "\n\n".join("\n".join(split_sentences(paragraph)) for paragraph in paragraphs)


def render_double_spaced(paragraphs: Sequence[str], rng: random.Random) -> str:
    width = _width(rng)
    lines = []
    for paragraph in paragraphs:
        lines.extend(textwrap.wrap(paragraph, width, initial_indent="     "))
    return "".join(f"{line}  \n\n" for line in lines)


def render_one_block(paragraphs: Sequence[str], rng: random.Random) -> str:
    return " ".join(paragraphs)


_NAVIGATION = ["Home", "World", "Politics", "Business", "Technology", "Science", "Sports", "Opinion", "Video"]
_SHARE = ["Share on Facebook", "Share on Twitter", "Share via Email", "Print this article"]
_FOOTER = ["About us", "Contact", "Careers", "Advertise with us", "Privacy policy", "Terms of use", "Cookie settings"]
_RELATED = [
    "Ten things to know before the markets open",
    "Weather service warns of heavy rain this weekend",
    "Local team wins its third straight home game",
]


def render_html_page(paragraphs: Sequence[str], rng: random.Random) -> str:
    def items(labels: Sequence[str]) -> str:
        return "".join(f'<li><a href="/{label.lower().replace(" ", "-")}">{label}</a></li>' for label in labels)

    title = html.escape(_headline(paragraphs))
    body = "".join(f"<p>{html.escape(paragraph)}</p>" for paragraph in paragraphs)
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>{title} | The Daily Example</title></head><body>"
        f"<header><a href='/'>The Daily Example</a><nav><ul>{items(_NAVIGATION)}</ul></nav></header>"
        f"<main><article><h1>{title}</h1><div class=share><ul>{items(_SHARE)}</ul></div>{body}"
        f"<div class=share><ul>{items(_SHARE)}</ul></div></article>"
        f"<aside><h2>Related stories</h2><ul>{items(_RELATED)}</ul></aside></main>"
        f"<footer><ul>{items(_FOOTER)}</ul><p>© 2024 The Daily Example. All rights reserved.</p></footer>"
        "</body></html>"
    )


RENDERERS: dict[str, Callable[[Sequence[str], random.Random], str]] = {
    "wrapped": render_wrapped,
    "wrapped-crlf": render_wrapped_crlf,
    "wire-tex": render_wire_tex,
    "markdown": render_markdown,
    "sentence-lines": render_sentence_lines,
    "double-spaced": render_double_spaced,
    "one-block": render_one_block,
    "html-page": render_html_page,
}


def render(layout: str, text: str, seed: str) -> str:
    """One article in one layout; ``seed`` (the article's place) fixes the widths drawn."""
    if layout == "as-given":
        return text
    rng = random.Random(hashlib.sha256(f"{layout}:{seed}".encode()).hexdigest())
    return RENDERERS[layout](paragraphs_of(text), rng)


# --------------------------------------------------------------------------- running


@dataclass
class LayoutRow:
    """One layout on one data set: summaries, rejections and scores per cluster."""

    layout: str
    outputs: list[list[str]] = field(default_factory=list)
    rejected: list[set[int]] = field(default_factory=list)  # positions of rejected articles, per cluster
    reasons: Counter[str] = field(default_factory=Counter)
    failures: int = 0
    fresh: int = 0  # clusters summarized anew (the others equal an earlier run once prepared)
    scores: list[dict[str, float]] = field(default_factory=list)


class Runner:
    """One pipeline for every layout, with summaries shared between equal prepared clusters."""

    def __init__(self, budget: int, solver_seconds: float | None = None) -> None:
        pipeline_cls, config_cls, self.article_cls, self.error_cls = storyline_modules()
        from storyline.sources.read import read_bytes

        self.read_bytes = read_bytes
        # No wall-clock limit on the integer program by default: a busy machine must not change a summary.
        self.pipe = pipeline_cls(config_cls(words=budget, fill=True, solver_seconds=solver_seconds))
        for model in ("nlp", "encoder"):
            getattr(self.pipe, model)
        self.cache: dict[tuple[Any, ...], list[str] | None] = {}

    def articles(self, layout: str, cluster: Cluster) -> list[Any]:
        """The cluster's articles in one layout, as the pipeline gets them."""
        articles = []
        for position, document in enumerate(cluster.documents):
            identifier = f"d{position + 1}"
            text = render(layout, document, f"{cluster.id}:{position}")
            if layout == "html-page":
                # As `storyline summarize page.html` reads it: trafilatura finds the article.
                (article,) = self.read_bytes(text.encode(), name=f"{identifier}.html", suffix=".html", stem=identifier)
                articles.append(article)
            else:
                articles.append(self.article_cls(id=identifier, text=text, source=identifier))
        return articles

    def summarize(self, layout: str, cluster: Cluster, row: LayoutRow) -> None:
        articles = self.articles(layout, cluster)
        problems: list[Any] = []
        prepared = self.pipe.prepare(articles, on_error="skip", problems=problems)
        skipped = [problem for problem in problems if problem.skipped]
        ids = [article.id for article in articles]
        row.rejected.append({ids.index(p.input.split(".")[0]) for p in skipped if p.input.split(".")[0] in ids})
        for problem in skipped:
            row.reasons[re.sub(r"^d\d+(?:\.html)?: ", "", problem.message)] += 1
        key = tuple((article.id, article.text) for article in prepared)
        if key not in self.cache:
            row.fresh += 1
            try:
                summary = self.pipe.summarize(articles, on_error="skip")
                self.cache[key] = [sentence.text for sentence in summary.sentences]
            except self.error_cls:
                self.cache[key] = None
        sentences = self.cache[key]
        if sentences is None:
            row.failures += 1
        row.outputs.append(sentences or [])


def equal_share(given: Sequence[str], other: Sequence[str]) -> tuple[int, int]:
    """Sentences two summaries share (as a multiset) and the larger summary's length."""
    return sum((Counter(given) & Counter(other)).values()), max(len(given), len(other))


def run_dataset(
    name: str, root: Path, limit: int, layouts: Sequence[str]
) -> tuple[list[Cluster], dict[str, LayoutRow], list[Path]]:
    spec = SPECS[name]
    paths = data_paths(spec, root)
    clusters = LOADERS[name](paths[0])[:limit]
    runner = Runner(spec.budget)
    scorer = Scorer(spec)
    rows = {}
    for layout in layouts:
        row = LayoutRow(layout)
        for cluster in rouge.progress(clusters, f"{name} {layout}"):
            runner.summarize(layout, cluster, row)
        rouge.score_row(row, clusters, scorer)  # type: ignore[arg-type]
        rows[layout] = row
    return clusters, rows, paths


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def layout_summary(row: LayoutRow, given: LayoutRow) -> dict[str, Any]:
    shared = [equal_share(a, b) for a, b in zip(given.outputs, row.outputs, strict=True)]
    newly_rejected = sum(len(mine - theirs) for mine, theirs in zip(row.rejected, given.rejected, strict=True))
    rouge2 = mean([score["rouge2"] for score in row.scores])
    return {
        "rejected": sum(len(found) for found in row.rejected),
        "rejected_but_accepted_as_given": newly_rejected,
        "reject_reasons": dict(row.reasons.most_common()),
        "failed_clusters": row.failures,
        "rouge1": round(mean([score["rouge1"] for score in row.scores]), 4),
        "rouge2": round(rouge2, 4),
        "rouge2_minus_as_given": round(rouge2 - mean([score["rouge2"] for score in given.scores]), 4),
        "equal_sentences": round(sum(a for a, _ in shared) / max(1, sum(b for _, b in shared)), 4),
        "clusters_summarized_anew": row.fresh,
    }


def markdown_table(report: dict[str, Any]) -> str:
    lines = [
        "| data set | layout | rejected | of them accepted as given | R-1 | R-2 | R-2 - as given | equal sentences |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, result in report["datasets"].items():
        for layout, row in result["layouts"].items():
            lines.append(
                f"| {name} | {layout} | {row['rejected']} | {row['rejected_but_accepted_as_given']} | "
                f"{row['rouge1']:.2f} | {row['rouge2']:.2f} | {row['rouge2_minus_as_given']:+.2f} | "
                f"{100 * row['equal_sentences']:.1f}% |"
            )
    return "\n".join(lines)


def plot(report: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(report["datasets"])
    figure, axes = plt.subplots(1, 2, figsize=(12, 4.5))
    for offset, name in enumerate(names):
        rows = report["datasets"][name]["layouts"]
        layouts = list(rows)
        positions = [index + 0.4 * offset for index in range(len(layouts))]
        axes[0].bar(positions, [rows[layout]["rouge2"] for layout in layouts], width=0.4, label=name)
        axes[1].bar(positions, [100 * rows[layout]["equal_sentences"] for layout in layouts], width=0.4, label=name)
    for axis, label in zip(axes, ("ROUGE-2 (%)", "summary sentences equal to as-given (%)"), strict=True):
        layouts = list(next(iter(report["datasets"].values()))["layouts"])
        axis.set_xticks([index + 0.2 for index in range(len(layouts))], layouts, rotation=40, ha="right")
        axis.set_ylabel(label)
        axis.legend()
    axes[1].set_ylim(0, 105)
    figure.suptitle(f"Storyline on the same articles in {len(LAYOUTS)} layouts ({report['code_version'][:10]})")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


# --------------------------------------------------------------------------- gate


def measured_shares(report: dict[str, Any]) -> dict[str, float]:
    """Per layout, its lowest share of equal summary sentences over the data sets (percent, one
    decimal, rounded down)."""
    shares: dict[str, float] = {}
    for result in report["datasets"].values():
        for layout, row in result["layouts"].items():
            share = math.floor(1000 * row["equal_sentences"]) / 10
            shares[layout] = min(shares.get(layout, share), share)
    return shares


def gate_failures(report: dict[str, Any], floors: dict[str, float]) -> list[str]:
    """What the gate refuses: an article accepted as given but rejected in a layout, a layout
    whose share of equal summary sentences fell under its floor."""
    failures = []
    for name, result in report["datasets"].items():
        for layout, row in result["layouts"].items():
            if row["rejected_but_accepted_as_given"]:
                count = row["rejected_but_accepted_as_given"]
                failures.append(f"{name} {layout}: {count} articles accepted as given are rejected")
    for layout, share in measured_shares(report).items():
        if share < floors.get(layout, 0.0):
            failures.append(f"{layout}: {share}% equal sentences, under the floor {floors[layout]}%")
    return failures


def check_gate(report: dict[str, Any], args: argparse.Namespace, floors_file: Path = rouge.FLOORS_FILE) -> int:
    """Check the gate against the floors pinned per layout; maybe move them. Returns the exit code."""
    floors_json = rouge.load_floors(floors_file)
    entry = floors_json[GATE_KEY]
    floors: dict[str, float] = dict(entry[FLOOR_FIELD])
    measured = measured_shares(report)
    if args.lower_floor:
        lowered = {layout: share for layout, share in measured.items() if share < floors.get(layout, 0.0)}
        if lowered:
            rouge.floor_event(entry, {**floors, **lowered}, args.lower_floor, key=FLOOR_FIELD)
            rouge.save_floors(floors_json, floors_file)
            print(f"gate: floors of {GATE_KEY} lowered for {', '.join(lowered)}: {args.lower_floor}")
            floors.update(lowered)
    failures = gate_failures(report, floors)
    if failures:
        print("layouts gate FAILED: " + "; ".join(failures), file=sys.stderr)
        return 1
    raised = {layout: share for layout, share in measured.items() if share > floors.get(layout, 0.0)}
    if args.raise_floor and raised:
        rouge.floor_event(entry, {**floors, **raised}, "raised to the measured shares", key=FLOOR_FIELD)
        rouge.save_floors(floors_json, floors_file)
        print(f"gate: floors of {GATE_KEY} raised for {', '.join(raised)}")
    lowest = min(measured, key=lambda layout: measured[layout])
    print(f"layouts gate passed: every layout at or over its floor (lowest: {lowest} {measured[lowest]}%)")
    return 0


# --------------------------------------------------------------------------- cli


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Summarize the same articles in many plain-text layouts.")
    parser.add_argument("--datasets", default=",".join(DATASETS), help=f"comma-separated, of {', '.join(DATASETS)}")
    parser.add_argument("--layouts", default=",".join(LAYOUTS), help="comma-separated layouts (as-given always runs)")
    parser.add_argument("--limit", type=int, default=None, help=f"clusters per data set (default {DEFAULT_LIMIT})")
    parser.add_argument("--data", type=Path, default=DATA, help=f"data root (default: {DATA})")
    parser.add_argument("--out", type=Path, default=RESULTS, help="report folder (default: results/)")
    parser.add_argument(
        "--gate", action="store_true", help=f"the CI gate: {GATE_CLUSTERS} clusters per data set, floors.json"
    )
    parser.add_argument("--raise-floor", action="store_true", help="with --gate: raise the floor to the measured share")
    parser.add_argument("--lower-floor", metavar="REASON", default=None, help="with --gate: lower it, recording REASON")
    args = parser.parse_args(argv)
    args.datasets = [name.strip() for name in args.datasets.split(",") if name.strip()]
    args.layouts = [
        "as-given",
        *(name.strip() for name in args.layouts.split(",") if name.strip() not in ("", "as-given")),
    ]
    for name in args.datasets:
        if name not in DATASETS:
            parser.error(f"unknown data set {name!r}; known: {', '.join(DATASETS)}")
    for name in args.layouts:
        if name not in LAYOUTS:
            parser.error(f"unknown layout {name!r}; known: {', '.join(LAYOUTS)}")
    if (args.raise_floor or args.lower_floor) and not args.gate:
        parser.error("--raise-floor and --lower-floor go with --gate")
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be at least 1")
    args.limit = GATE_CLUSTERS if args.gate and args.limit is None else args.limit or DEFAULT_LIMIT
    return args


def run(args: argparse.Namespace) -> int:
    version = code_version()
    clock = Stopwatch()
    report: dict[str, Any] = {
        "code_version": version,
        "timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "clusters_per_dataset": args.limit,
        "layouts": args.layouts,
        "protocols": {},
        "data": {},
        "datasets": {},
    }
    for name in args.datasets:
        clusters, rows, paths = run_dataset(name, args.data.resolve(), args.limit, args.layouts)
        spec = SPECS[name]
        report["protocols"][name] = rouge.protocol_text(spec)
        report["data"].update({str(path): {"sha256": sha256_file(path)} for path in paths})
        report["datasets"][name] = {
            "clusters": [cluster.id for cluster in clusters],
            "layouts": {layout: layout_summary(row, rows["as-given"]) for layout, row in rows.items()},
        }
    report["seconds"] = round(clock.seconds, 1)
    table = markdown_table(report)
    stem = "layouts-gate" if args.gate else "layouts" if args.limit == DEFAULT_LIMIT else f"layouts-limit{args.limit}"
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{stem}.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    (args.out / f"{stem}.md").write_text(table + "\n", encoding="utf-8")
    plot(report, args.out / f"{stem}.png")
    print(table)
    print(f"wrote {args.out / stem}.{{json,md,png}} ({report['seconds']} s)", file=sys.stderr)
    return check_gate(report, args) if args.gate else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: returns 0, 1 (gate failed) or 2 (usage error, missing data)."""
    try:
        return run(parse_args(argv))
    except (DataMissing, UsageError, SystemUnavailable) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
