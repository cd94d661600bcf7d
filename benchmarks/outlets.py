"""Outlet benchmark: does Storyline name the outlet of a page that came without one?

Usage::

    python -m benchmarks.outlets [--data DIR] [--labels FILE] [--out DIR] [--worst]

The 181 pages of the article extraction benchmark (``../shared/data/article_extraction_benchmark``,
third-party, kept outside the repository) were labelled by the team with the outlet each page
shows (``benchmarks/data/outlets.tsv``: page id, outlet, other names that are as right, such as
the agency a page credits; no page text). Each page is read two ways, as a user would give it:

* ``html``: the page saved as ``.html`` (``storyline.sources.read.read_bytes``: trafilatura's
  metadata, the title, JSON-LD, the page's copyright and self-description lines, the URL);
* ``text``: the page's visible text saved as ``.txt`` (the text ``benchmarks/cleaning.py`` makes
  of it: what select-all and copy gives), with no URL and no metadata.

A page's answer is *right* when it names the labelled outlet or one of its other names (compared
without case, punctuation, "the" or a top-level domain: ``storyline.sources.outlet.same_outlet``), *none*
when Storyline kept the file name (nothing on the page named the outlet), else *wrong*. Accuracy
is over the pages that show an outlet: in ``html`` all labelled pages; in ``text`` those whose
visible text holds the outlet's name or another name of it. The target (issue 31): right on at
least 90% of them, and a wrong name is worse than none.

Outputs ``results/outlets.{json,md,png}``. ``--gate`` (run by ``tests/benchmarks/test_layouts_benchmark.py``)
exits 1 when the ``html`` accuracy is under the target. Exit codes: 0 done (gate passed), 1 gate
failed, 2 missing data.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.cleaning import visible_text
from benchmarks.common import DATA, REPO, RESULTS, Stopwatch, code_version
from storyline.sources.outlet import same_outlet
from storyline.sources.read import read_bytes

DEFAULT_DATA = DATA / "article_extraction_benchmark"
DEFAULT_LABELS = REPO / "benchmarks" / "data" / "outlets.tsv"
MODES = ("html", "text")
TARGET = 0.9


@dataclass(frozen=True)
class Label:
    """The outlet a page shows, and the other names that are as right."""

    page: str
    outlet: str | None  # None: the page names no outlet
    also: tuple[str, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return ((self.outlet,) if self.outlet else ()) + self.also


def read_labels(path: Path) -> list[Label]:
    """The label table: ``id<TAB>outlet<TAB>also`` (``-`` for no outlet, ``;`` between other names)."""
    labels = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith(("#", "id\t")):
            continue
        page, outlet, also = [*line.split("\t"), "", ""][:3]
        names = tuple(name.strip() for name in also.split(";") if name.strip())
        labels.append(Label(page, None if outlet.strip() in ("", "-") else outlet.strip(), names))
    return labels


def judge(answer: str, stem: str, label: Label) -> str:
    """ "right", "none" (the file name was kept) or "wrong"."""
    if answer == stem:
        return "none"
    return "right" if any(same_outlet(answer, name) for name in label.names) else "wrong"


def shows(text: str, label: Label) -> bool:
    """Whether a page's text holds the outlet's name (or another of its names)."""
    folded = text.casefold()
    return any(name.casefold() in folded for name in label.names)


def progress(items: Sequence[Any], description: str) -> Iterable[Any]:
    if sys.stderr.isatty():
        from tqdm import tqdm

        return tqdm(items, desc=description, unit="page", file=sys.stderr)
    return items


def run(data: Path, labels: Sequence[Label]) -> list[dict[str, Any]]:
    """Every page read both ways: the answers and their verdicts."""
    rows = []
    for label in progress(labels, "outlets"):
        with gzip.open(data / "html" / f"{label.page}.html.gz") as page:
            html = page.read().decode("utf-8", "replace")
        stem = label.page[:16]
        text = visible_text(html)
        row: dict[str, Any] = {"page": label.page, "outlet": label.outlet, "also": list(label.also)}
        for mode, body, suffix in (("html", html, ".html"), ("text", text, ".txt")):
            (article,) = read_bytes(body.encode("utf-8"), name=f"{stem}{suffix}", suffix=suffix, stem=stem)
            row[mode] = {"answer": article.source, "verdict": judge(article.source, stem, label)}
        row["text"]["shows"] = label.outlet is not None and shows(text, label)
        row["html"]["shows"] = label.outlet is not None
        rows.append(row)
    return rows


def summarise(rows: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    summary = {}
    for mode in MODES:
        shown = [row[mode] for row in rows if row[mode]["shows"]]
        verdicts = Counter(item["verdict"] for item in shown)
        summary[mode] = {
            "pages_showing_an_outlet": len(shown),
            "right": verdicts["right"],
            "none": verdicts["none"],
            "wrong": verdicts["wrong"],
            "accuracy": round(verdicts["right"] / len(shown), 4) if shown else 0.0,
            "wrong_on_pages_showing_none": sum(
                row[mode]["verdict"] == "wrong" for row in rows if not row[mode]["shows"]
            ),
        }
    return summary


def markdown(summary: dict[str, dict[str, Any]]) -> str:
    lines = [
        "| read as | pages showing an outlet | right | kept the file name | wrong | accuracy |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for mode, row in summary.items():
        lines.append(
            f"| {mode} | {row['pages_showing_an_outlet']} | {row['right']} | {row['none']} | {row['wrong']} | "
            f"{100 * row['accuracy']:.1f}% |"
        )
    return "\n".join(lines)


def plot(summary: dict[str, dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(6, 3.5))
    modes = list(summary)
    left = [0.0] * len(modes)
    for verdict, colour in (("right", "#4c9a2a"), ("none", "#bbbbbb"), ("wrong", "#c0392b")):
        values = [summary[mode][verdict] for mode in modes]
        axis.barh(modes, values, left=left, color=colour, label=verdict)
        left = [a + b for a, b in zip(left, values, strict=True)]
    axis.set_xlabel("pages that show their outlet")
    axis.legend(loc="lower right")
    axis.set_title("Outlet named from the page (181 labelled pages)")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score the outlet names Storyline reads from pages.")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help=f"benchmark folder (default: {DEFAULT_DATA})")
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS, help="label table (TSV)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="report folder (default: results/)")
    parser.add_argument("--worst", action="store_true", help="list every page answered wrong or not at all")
    parser.add_argument("--gate", action="store_true", help=f"exit 1 when html accuracy is under {TARGET:.0%}")
    args = parser.parse_args(argv)
    if not (args.data / "html").is_dir():
        print(f"error: article extraction benchmark not found under {args.data} (give it with --data)", file=sys.stderr)
        return 2
    clock = Stopwatch()
    labels = read_labels(args.labels)
    rows = run(args.data, labels)
    summary = summarise(rows)
    report = {
        "code_version": code_version(),
        "timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "labels": str(args.labels.relative_to(REPO)) if args.labels.is_relative_to(REPO) else str(args.labels),
        "target_accuracy": TARGET,
        "summary": summary,
        "pages": rows,
        "seconds": round(clock.seconds, 1),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "outlets.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    table = markdown(summary)
    (args.out / "outlets.md").write_text(table + "\n", encoding="utf-8")
    plot(summary, args.out / "outlets.png")
    print(table)
    if args.worst:
        for row in rows:
            for mode in MODES:
                if row[mode]["shows"] and row[mode]["verdict"] != "right":
                    answer = row[mode]["answer"]
                    print(f"{mode:4} {row[mode]['verdict']:5} {row['page'][:12]} {row['outlet']!r}: {answer!r}")
    print(f"wrote {args.out}/outlets.{{json,md,png}} ({report['seconds']} s)", file=sys.stderr)
    if args.gate and summary["html"]["accuracy"] < TARGET:
        print(f"outlets gate FAILED: html accuracy {summary['html']['accuracy']:.3f} < {TARGET}", file=sys.stderr)
        return 1
    if args.gate:
        print("outlets gate passed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
