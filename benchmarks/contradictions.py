"""Contradictions: alter one fact in one article of a real cluster and see whether `compare` reports it.

    python -m benchmarks.contradictions [--data ../shared/data] [--datasets duc2004 longbench]
        [--limit N] [--split all|dev|test] [--per-kind 1] [--seed 0] [--sample 30] [--out results]

For every cluster (DUC 2004: 50 clusters of 10 AP/NYT articles, publication dates from the
document numbers; LongBench Multi-News: 200 clusters of 1-10 web articles, no dates):

1. Unaltered: ``Pipeline.compare`` on the cleaned articles; every contradiction it reports is
   counted (it should report few: these are real, mostly consistent reports). Timed per
   cluster (cold: models loaded once, nothing of the cluster cached).
2. Altered: find facts stated by two articles of different outlets: a sentence pair of two
   articles (not near-duplicates) sharing a number, a date, a person or a place (spaCy
   entities) whose content words overlap (Dice >= 0.5: the same statement, judged by words,
   not by the embeddings `compare` itself uses). Pick up to ``--per-kind`` facts of each kind,
   change the value in one article only (a number to another number, a weekday, month, day
   or year to another, a person or place to one from another cluster), and run ``compare``
   again. The fact is *found* when a reported contradiction cites the altered span and a span
   of another article. Recall = found / altered.

Writes results/contradictions.json (code version, config, data fingerprints, scores),
results/contradictions.md (the table) and results/contradictions-sample.md (a seeded random
sample of unaltered-cluster contradictions, each with its sentences and a label to fill in by
hand, for precision). `--split dev|test` takes the even or odd clusters (thresholds in
storyline/compare/ were tuned on dev).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import statistics
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import DATA, RESULTS, Stopwatch, code_version
from storyline import Article, Config, Pipeline
from storyline.align import near_duplicate_groups
from storyline.nlp.segment import segment_many
from storyline.types import Comparison, Document, Entity, Sentence

DEFAULT_DATA = DATA

DATASETS = {
    "duc2004": "duc2004_task2/duc2004_task2.jsonl",
    "longbench": "longbench_multi_news/multi_news_split.jsonl",
}
KINDS = ("number", "date", "person", "place")
EXPECTED_KIND = {"number": "number", "date": "date", "person": "entity", "place": "entity"}
#: Content-word Dice at or above which two sentences of different articles state the same fact.
#: Read off samples of DUC 2004 pairs sharing a value: below 0.4 most pairs are different facts
#: about the same people ("X, a critic of Hun Sen, fled" / "X, a critic of Hun Sen, stayed abroad"),
#: from 0.5 most are the same statement worded twice.
SAME_STATEMENT_DICE = 0.5

_WORD = re.compile(r"[^\W_]+")
_STOP = frozenset(
    """a an the and or but if of to in on at by for with from as is are was were be been has have had do
    does did this that these those it its he she they them his her their we our you i will would could
    should can may said says about into over after before than then there who which what when where also
    not no more most other some such only s""".split()
)
_NUMBER_WORDS = {
    word: value
    for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty".split()
    )
}
_WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
_MONTHS = "January February March April May June July August September October November December".split()
_MONTH_ABBREVIATIONS = "Jan. Feb. March April May June July Aug. Sept. Oct. Nov. Dec.".split()
_DATE_PART = re.compile(
    r"(?P<monthday>(?P<month>"
    + "|".join(sorted({*_MONTHS, *(m.rstrip(".") for m in _MONTH_ABBREVIATIONS), "Sep"}, key=len, reverse=True))
    + r")\.?\s+(?P<day>\d{1,2})\b)|(?P<weekday>"
    + "|".join(_WEEKDAYS)
    + r")|(?P<monthonly>"
    + "|".join(_MONTHS)
    + r")|(?P<year>\b(?:19|20)\d\d\b)"
)


# --- data --------------------------------------------------------------------------------------


def load_clusters(name: str, path: Path) -> list[tuple[str, list[Article]]]:
    """The clusters of one dataset as Articles (DUC: dated by their document numbers)."""
    clusters: list[tuple[str, list[Article]]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if name == "duc2004":
            articles = []
            for document in record["documents"]:
                match = re.match(r"[A-Z]+(\d{4})(\d{2})(\d{2})", document["docno"])
                published = f"{match[1]}-{match[2]}-{match[3]}" if match else None
                articles.append(
                    Article(id=document["docno"], text=document["text"], source=document["docno"], published=published)
                )
            clusters.append((record["cluster_id"], articles))
        else:
            articles = [
                Article(id=f"d{index}", text=text, source=f"doc{index}")
                for index, text in enumerate(record["documents"], start=1)
            ]
            clusters.append((record["longbench_id"][:12], articles))
    return clusters


class CachingEncoder:
    """The real encoder, with sentence vectors kept by text (an altered cluster re-encodes one sentence)."""

    def __init__(self, encoder: Any) -> None:
        self.encoder = encoder
        self.cache: dict[str, np.ndarray] = {}

    @property
    def name(self) -> str:
        return str(self.encoder.name)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        missing = list(dict.fromkeys(text for text in texts if text not in self.cache))
        if missing:
            for text, vector in zip(missing, self.encoder.encode(missing), strict=True):
                self.cache[text] = vector
        if not texts:
            return np.zeros((0, 1), dtype=np.float32)
        return np.stack([self.cache[text] for text in texts]).astype(np.float32)


class CachingNlp:
    """The real spaCy pipeline, with parsed paragraphs kept by text (segment_many only calls pipe)."""

    def __init__(self, nlp: Any) -> None:
        self.nlp = nlp
        self.cache: dict[str, Any] = {}

    def pipe(self, texts: Iterable[str], batch_size: int = 64) -> Iterator[Any]:
        texts = list(texts)
        missing = list(dict.fromkeys(text for text in texts if text not in self.cache))
        for text, doc in zip(missing, self.nlp.pipe(missing, batch_size=batch_size), strict=True):
            self.cache[text] = doc
        for text in texts:
            yield self.cache[text]


# --- facts to alter ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Fact:
    """A value stated by sentence ``sentence`` of ``article`` and also by a sentence of ``other``."""

    kind: str
    article: str
    sentence: Sentence
    entity: Entity
    other: str
    other_sentence: Sentence


def content_words(text: str) -> set[str]:
    return {word.lower() for word in _WORD.findall(text) if word.lower() not in _STOP and len(word) > 2}


def dice(first: set[str], second: set[str]) -> float:
    return 2 * len(first & second) / (len(first) + len(second)) if first and second else 0.0


def _kind(entity: Entity) -> str | None:
    text = entity.text
    numeric = re.search(r"\d", text) or any(word in _NUMBER_WORDS for word in text.lower().split())
    if entity.label in ("CARDINAL", "MONEY", "PERCENT", "QUANTITY") and numeric:
        digits = re.findall(r"\d[\d,]*", text)
        return None if digits and re.fullmatch(r"(?:19|20)\d\d", digits[0]) else "number"
    if entity.label == "DATE" and _DATE_PART.search(text) and not re.search(r"\b(?:days|weeks|months|years)\b", text):
        return "date"
    if entity.label == "PERSON" and text[:1].isupper():
        return "person"
    if entity.label in ("GPE", "LOC") and text[:1].isupper():
        return "place"
    return None


def _normal(text: str) -> str:
    return re.sub(r"^(?:the|on|in)\s+", "", text.lower().replace("’", "'")).removesuffix("'s").strip(" .,")


def find_facts(documents: Sequence[Document]) -> list[Fact]:
    """Values two articles of different outlets state in sentences with overlapping words."""
    groups = near_duplicate_groups(documents)
    words = {s.id: content_words(s.text) for d in documents for s in d.sentences}
    facts: list[Fact] = []
    for first in documents:
        for second in documents:
            if first is second or groups[first.article.id] == groups[second.article.id]:
                continue
            for sentence in first.sentences:
                candidates = [(entity, _kind(entity)) for entity in sentence.entities]
                candidates = [(entity, kind) for entity, kind in candidates if kind]
                if not candidates:
                    continue
                for other in second.sentences:
                    if dice(words[sentence.id], words[other.id]) < SAME_STATEMENT_DICE:
                        continue
                    other_values = {_normal(e.text) for e in other.entities}
                    for entity, kind in candidates:
                        assert kind is not None
                        if kind == "person":
                            shared = entity.text.split()[-1] in other.text
                        else:
                            shared = _normal(entity.text) in other_values
                        if shared:
                            facts.append(Fact(kind, first.article.id, sentence, entity, second.article.id, other))
    return facts


def altered_value(fact: Fact, rng: random.Random, pool: dict[str, list[str]], cluster_text: str) -> str | None:
    """A different value for the fact, written the way the article writes it."""
    text = fact.entity.text
    if fact.kind == "number":
        match = re.search(r"\d[\d,]*(?:\.\d+)?", text)
        if match:
            raw = match.group(0)
            value = float(raw.replace(",", ""))
            factor = rng.choice((0.5, 0.6, 1.5, 2.0, 3.0))
            new = max(value * factor, value + rng.randint(2, 9)) if factor > 1 else value * factor
            if value <= 1:
                new = value + rng.randint(2, 9)
            number = f"{new:,.{len(raw.split('.')[1]) if '.' in raw else 0}f}"
            if "," not in raw:
                number = number.replace(",", "")
            if number == raw:
                return None
            return text[: match.start()] + number + text[match.end() :]
        for word, value in _NUMBER_WORDS.items():
            found = re.search(rf"\b{word}\b", text, re.IGNORECASE)
            if found:
                choices = [w for w, v in _NUMBER_WORDS.items() if abs(v - value) >= 2 and v >= 2]
                new_word = rng.choice(choices)
                if found.group(0)[0].isupper():
                    new_word = new_word.capitalize()
                return text[: found.start()] + new_word + text[found.end() :]
        return None
    if fact.kind == "date":
        # The most specific part: in "Tuesday, Jan. 24, 2017" the day of the month, not the weekday.
        matches = list(_DATE_PART.finditer(text))
        order = ("monthday", "year", "weekday", "monthonly")
        match = min(matches, key=lambda m: order.index(m.lastgroup or "monthonly"), default=None)
        if match is None:
            return None
        if match["monthday"]:
            day = int(match["day"])
            new_day = day + rng.choice((-9, -7, -5, -3, 3, 5, 7, 9))
            if not 1 <= new_day <= 28:
                new_day = day - 9 if day > 14 else day + 9
            start, end = match.span("day")
            return text[:start] + str(new_day) + text[end:]
        if match["weekday"]:
            index = _WEEKDAYS.index(match["weekday"])
            new = _WEEKDAYS[(index + rng.choice((2, 3, 4, 5))) % 7]
            return text[: match.start()] + new + text[match.end() :]
        if match["monthonly"]:
            index = _MONTHS.index(match["monthonly"])
            new = _MONTHS[(index + rng.choice((2, 3, 4, 5, 7))) % 12]
            return text[: match.start()] + new + text[match.end() :]
        year = int(match["year"])
        return text[: match.start()] + str(year - rng.choice((1, 2, 3, 5))) + text[match.end() :]
    names = [name for name in pool[fact.kind] if name.split()[-1] not in cluster_text]
    if not names:
        return None
    name = rng.choice(names)
    if fact.kind == "person" and len(text.split()) == 1:
        name = name.split()[-1]
    return name


# --- runs --------------------------------------------------------------------------------------


def overlaps(span: Any, article: str, start: int, end: int) -> bool:
    return bool(span.article == article and span.start < end and start < span.end)


def found_alteration(comparison: Comparison, article: str, start: int, end: int) -> tuple[bool, str | None]:
    """Whether a contradiction cites the altered span and another article; and its kind."""
    for contradiction in comparison.contradictions:
        if any(overlaps(span, article, start, end) for span in contradiction.spans) and any(
            span.article != article for span in contradiction.spans
        ):
            return True, contradiction.kind
    return False, None


def run_dataset(
    name: str,
    clusters: list[tuple[str, list[Article]]],
    pipelines: tuple[Pipeline, Pipeline],
    nlp: CachingNlp,
    args: argparse.Namespace,
    pool: dict[str, list[str]],
    sample_pool: list[dict[str, Any]],
) -> dict[str, Any]:
    cleaner, comparer = pipelines
    rng = random.Random(args.seed)
    unaltered_counts: list[int] = []
    unaltered_kinds: dict[str, int] = {}
    seconds: list[float] = []
    stage_seconds: dict[str, float] = {}
    alterations: list[dict[str, Any]] = []
    for position, (cluster_id, articles) in enumerate(clusters):
        cleaned = cleaner.prepare(articles, on_error="skip")
        if len(cleaned) < 2:
            continue
        comparer.timings.clear()
        clock = Stopwatch()
        comparison = comparer.compare(cleaned, on_error="skip")
        seconds.append(clock.seconds)
        for stage, value in comparer.timings.items():
            stage_seconds[stage] = stage_seconds.get(stage, 0.0) + value
        unaltered_counts.append(len(comparison.contradictions))
        texts = {article.id: article.text for article in comparison.articles}
        for contradiction in comparison.contradictions:
            unaltered_kinds[contradiction.kind] = unaltered_kinds.get(contradiction.kind, 0) + 1
            sample_pool.append(
                {
                    "dataset": name,
                    "cluster": cluster_id,
                    "kind": contradiction.kind,
                    "explanation": contradiction.explanation,
                    "spans": [
                        {"article": s.article, "text": texts[s.article][s.start : s.end]} for s in contradiction.spans
                    ],
                    "label": None,
                }
            )
        usable = list(comparison.articles)
        documents = segment_many(usable, nlp)  # type: ignore[arg-type]
        facts = find_facts(documents)
        cluster_text = " ".join(article.text for article in usable)
        for kind in KINDS:
            candidates = [fact for fact in facts if fact.kind == kind]
            rng.shuffle(candidates)
            done = 0
            for fact in candidates:
                if done >= args.per_kind:
                    break
                new_value = altered_value(fact, rng, pool, cluster_text)
                if not new_value or new_value == fact.entity.text:
                    continue
                done += 1
                article = next(a for a in usable if a.id == fact.article)
                start = fact.entity.start
                text = article.text[:start] + new_value + article.text[fact.entity.end :]
                altered = [replace(a, text=text) if a.id == article.id else a for a in usable]
                result = comparer.compare(altered, on_error="skip")
                hit, reported_kind = found_alteration(result, article.id, start, start + len(new_value))
                alterations.append(
                    {
                        "cluster": cluster_id,
                        "kind": kind,
                        "article": article.id,
                        "was": fact.entity.text,
                        "now": new_value,
                        "sentence": fact.sentence.text,
                        "other_article": fact.other,
                        "other_sentence": fact.other_sentence.text,
                        "found": hit,
                        "reported_kind": reported_kind,
                    }
                )
        nlp.cache.clear()
        done_kinds = sum(1 for a in alterations if a["cluster"] == cluster_id)
        print(
            f"{name} {position + 1}/{len(clusters)} {cluster_id}: {len(comparison.contradictions)} reported, "
            f"{done_kinds} altered, {sum(a['found'] for a in alterations if a['cluster'] == cluster_id)} found, "
            f"{seconds[-1]:.2f}s",
            file=sys.stderr,
        )
    by_kind = {}
    for kind in KINDS:
        rows = [a for a in alterations if a["kind"] == kind]
        by_kind[kind] = {
            "altered": len(rows),
            "found": sum(a["found"] for a in rows),
            "recall": round(sum(a["found"] for a in rows) / len(rows), 3) if rows else None,
            "reported_as_expected_kind": sum(a["reported_kind"] == EXPECTED_KIND[kind] for a in rows),
        }
    found = sum(a["found"] for a in alterations)
    return {
        "clusters": len(unaltered_counts),
        "altered": len(alterations),
        "found": found,
        "recall": round(found / len(alterations), 3) if alterations else None,
        "by_kind": by_kind,
        "unaltered": {
            "contradictions": sum(unaltered_counts),
            "per_cluster_mean": round(statistics.mean(unaltered_counts), 3) if unaltered_counts else None,
            "per_cluster_median": statistics.median(unaltered_counts) if unaltered_counts else None,
            "clusters_with_none": sum(1 for count in unaltered_counts if count == 0),
            "by_kind": unaltered_kinds,
        },
        "compare_seconds_per_cluster": {
            "mean": round(statistics.mean(seconds), 3) if seconds else None,
            "median": round(statistics.median(seconds), 3) if seconds else None,
            "max": round(max(seconds), 3) if seconds else None,
            "stages_mean": {stage: round(value / len(seconds), 4) for stage, value in stage_seconds.items()},
        },
        "alterations": alterations,
        "unaltered_contradictions": [item for item in sample_pool if item["dataset"] == name],
    }


#: Places to put in for a place: well-known cities and countries, so that the altered sentence
#: still reads as news and spaCy still sees a place.
PLACES = """Amsterdam Ankara Athens Baghdad Bangkok Barcelona Beijing Berlin Bogota Boston Brussels Budapest Cairo
Chicago Copenhagen Dallas Damascus Dublin Geneva Hamburg Havana Helsinki Houston Istanbul Jakarta Jerusalem Kabul
Karachi Kiev Lagos Lima Lisbon London Madrid Manila Marseille Melbourne Miami Milan Montreal Moscow Mumbai Munich
Nairobi Oslo Ottawa Paris Prague Rome Santiago Seattle Seoul Singapore Stockholm Sydney Taipei Tehran Tokyo Toronto
Vienna Warsaw Zurich Argentina Australia Austria Belgium Brazil Canada Chile China Colombia Denmark Egypt Finland
France Germany Greece India Indonesia Iran Iraq Ireland Israel Italy Japan Kenya Mexico Morocco Nigeria Norway
Pakistan Peru Poland Portugal Russia Spain Sweden Switzerland Syria Thailand Turkey Ukraine Venezuela Vietnam""".split()


def name_pool(all_clusters: dict[str, list[tuple[str, list[Article]]]], nlp: Any) -> dict[str, list[str]]:
    """People from the clusters' first articles (two-word names spaCy finds at least twice), and places."""
    counts: dict[str, int] = {}
    texts = [articles[0].text[:3000] for clusters in all_clusters.values() for _, articles in clusters[:40]]
    for doc in nlp.pipe(texts, batch_size=16):
        for entity in doc.ents:
            if entity.label_ == "PERSON" and len(entity.text.split()) == 2 and entity.text.istitle():
                counts[entity.text] = counts.get(entity.text, 0) + 1
    return {"person": sorted(name for name, count in counts.items() if count >= 2), "place": PLACES}


def table(results: dict[str, dict[str, Any]]) -> str:
    lines = [
        "| dataset | clusters | altered | found | recall | number | date | person | place "
        "| contradictions per unaltered cluster | compare s/cluster (mean) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, result in results.items():
        kinds = " | ".join(
            f"{k['recall']:.2f} ({k['found']}/{k['altered']})" if k["recall"] is not None else "-"
            for k in result["by_kind"].values()
        )
        recall = f"{result['recall']:.3f}" if result["recall"] is not None else "-"
        lines.append(
            f"| {name} | {result['clusters']} | {result['altered']} | {result['found']} | {recall} | {kinds} "
            f"| {result['unaltered']['per_cluster_mean']} | {result['compare_seconds_per_cluster']['mean']} |"
        )
    return "\n".join(lines) + "\n"


def write_sample(path: Path, sample: list[dict[str, Any]]) -> None:
    lines = [
        "# Unaltered-cluster contradictions to label by hand",
        "",
        "For each item, mark `correct` when the spans really state the same fact differently",
        "(a number, date, person, place or quoted words), `wrong` otherwise. Precision = correct / labelled.",
        "",
    ]
    for number, item in enumerate(sample, start=1):
        lines.append(f"## {number}. {item['dataset']} {item['cluster']} ({item['kind']})")
        lines.append("")
        lines.append(f"{item['explanation']}")
        lines.append("")
        for span in item["spans"]:
            lines.append(f"- `{span['article']}`: {span['text']}")
        lines.append("")
        lines.append("label: ")
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--datasets", nargs="+", choices=sorted(DATASETS), default=["duc2004", "longbench"])
    parser.add_argument("--limit", type=int, default=None, help="at most this many clusters per dataset")
    parser.add_argument("--split", choices=["all", "dev", "test"], default="all", help="dev: even clusters, test: odd")
    parser.add_argument("--per-kind", type=int, default=1, help="facts of each kind to alter per cluster")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sample", type=int, default=30, help="unaltered-cluster contradictions to label")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    paths = {name: args.data / DATASETS[name] for name in args.datasets}
    missing = [str(path) for path in paths.values() if not path.is_file()]
    if missing:
        print(f"contradictions: data missing ({', '.join(missing)}); pass --data", file=sys.stderr)
        return 2
    all_clusters = {name: load_clusters(name, path) for name, path in paths.items()}
    for name, clusters in all_clusters.items():
        if args.split != "all":
            clusters = [c for index, c in enumerate(clusters) if index % 2 == (0 if args.split == "dev" else 1)]
        all_clusters[name] = clusters[: args.limit] if args.limit else clusters

    config = Config()
    base = Pipeline(config)
    nlp = CachingNlp(base.nlp)
    encoder = CachingEncoder(base.encoder)
    cleaner = Pipeline(config, encoder=encoder, nlp=nlp)  # type: ignore[arg-type]
    # The texts handed to compare are already cleaned; cleaning them again could move offsets.
    comparer = Pipeline(config.replace(clean=False), encoder=encoder, nlp=nlp)  # type: ignore[arg-type]
    pool = name_pool(all_clusters, base.nlp)
    sample_pool: list[dict[str, Any]] = []
    results: dict[str, dict[str, Any]] = {}
    for name, clusters in all_clusters.items():
        results[name] = run_dataset(name, clusters, (cleaner, comparer), nlp, args, pool, sample_pool)
        encoder.cache.clear()
    altered = sum(r["altered"] for r in results.values())
    found = sum(r["found"] for r in results.values())
    overall = {
        "altered": altered,
        "found": found,
        "recall": round(found / altered, 3) if altered else None,
        "unaltered_contradictions_per_cluster": round(
            sum(r["unaltered"]["contradictions"] for r in results.values())
            / max(1, sum(r["clusters"] for r in results.values())),
            3,
        ),
    }
    sample = random.Random(args.seed).sample(sample_pool, min(args.sample, len(sample_pool)))
    output = {
        "code_version": code_version(),
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "args": {key: str(value) if isinstance(value, Path) else value for key, value in vars(args).items()},
        "config": {"spacy_model": config.spacy_model, "embedding_model": config.embedding_model},
        "data_fingerprints": {name: hashlib.sha256(path.read_bytes()).hexdigest()[:16] for name, path in paths.items()},
        "overall": overall,
        "results": results,
        "sample": sample,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    suffix = (
        "" if args.split == "all" and not args.limit else f"-{args.split}" + (f"-{args.limit}" if args.limit else "")
    )
    (args.out / f"contradictions{suffix}.json").write_text(
        json.dumps(output, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    markdown = table(results) + (
        f"\nOverall recall {overall['recall']} ({found}/{altered}); "
        f"{overall['unaltered_contradictions_per_cluster']} contradictions per unaltered cluster.\n"
    )
    (args.out / f"contradictions{suffix}.md").write_text(markdown, encoding="utf-8")
    write_sample(args.out / f"contradictions-sample{suffix}.md", sample)
    print(markdown)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
