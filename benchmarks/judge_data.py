"""Training data for the contradiction judge, built from Multi-News val and the MSR paraphrase corpus.

    python -m benchmarks.judge_data [--data ../shared/data] [--msrp DIR] [--clusters 1600] [--seed 35]
        [--out results/cache/judge-data.jsonl]

Every example is one candidate that ``compare``'s rules read (``storyline.compare.candidates``: a
sentence pair of two articles giving a different number, date, person or place, or two versions of
a quotation), with its evidence, its two sentences and a label:

- *altered* (label 1): a sentence of one article that the alignment pairs with a sentence of another
  article, both giving one value; the value is changed in the first (a number to another figure, a
  date to another day, month or year, a person or place to one of another cluster, a "not" put in
  or taken out), and the candidates citing the changed words are positives;
- *variant* (label 0): the same sentence pairs with the value told another way that can also be true
  ("about 50" for 52, "mid-October" for "October", "five other powers" for "six powers", "several
  people" for "twelve people", a surname for a full name); candidates citing it are negatives;
- *natural* (label 0): every candidate of the unaltered clusters (two values that differ as the
  outlets wrote them: nearly always two facts, "launch in July 2018" / "end in June 2025").

Multi-News val clusters (``../shared/data/multi_news_plus/val.jsonl.gz``; lower-cased text, so its
names are few) are shuffled with ``--seed``; the first 70% are the training part, the rest the
validation part that model choice and the threshold are read on. The MSR paraphrase corpus (news
sentence pairs with their case, so people and places; ``--msrp`` names a directory holding
``msr_paraphrase_train.txt`` and ``msr_paraphrase_test.txt``, see docs/contradictions.md for where it came
from) adds the same three kinds of example from its pairs, one pair a cluster: its train file to
the training part, its test file to the validation part. Neither the benchmark's clusters (DUC 2004,
LongBench) nor Multi-News test are read.

Writes one JSON line per example (results/ is not committed: the lines quote third-party text).
Exit codes: 0 done; 2 data missing.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from threadpoolctl import threadpool_limits

from benchmarks.common import DATA, RESULTS, Stopwatch
from benchmarks.contradictions import CachingEncoder, CachingNlp
from storyline import Article, Config, Pipeline
from storyline.align import align
from storyline.compare import Candidate, candidates
from storyline.compare.judge import FEATURES
from storyline.nlp.quantities import find_quantities
from storyline.nlp.segment import segment_many
from storyline.types import Alignment, Document, Entity, Sentence

DEFAULT_DATA = DATA
VAL = "multi_news_plus/val.jsonl.gz"
DEFAULT_OUT = RESULTS / "cache" / "judge-data.jsonl"
TRAINING_SHARE = 0.7
#: Clusters whose sentences go to the encoder together.
BLOCK = 100

_MONTHS = "january february march april may june july august september october november december".split()
_WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
_WORDS = "zero one two three four five six seven eight nine ten eleven twelve".split()
_AUXILIARIES = re.compile(r"\b(is|was|are|were|will|would|has|have|had|did|does|can|could|should)\b(?! not\b)")
_DENIAL = re.compile(r"\s+not\b|n't\b")


@dataclass(frozen=True)
class Change:
    """One edit of one article: the words at [start, end) become ``new``."""

    article: str
    start: int
    end: int
    new: str
    kind: str  # "number", "date", "person", "place", "negation" (altered) or "variant-..." (compatible)

    @property
    def label(self) -> int:
        return 0 if self.kind.startswith("variant") else 1


# --- reading the data --------------------------------------------------------------------------


def val_clusters(path: Path) -> list[tuple[str, list[Article]]]:
    clusters = []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            documents = [text for text in record["documents"] if text.strip()]
            if len(documents) < 2:
                continue
            articles = [
                Article(id=f"d{index}", text=text, source=f"val{record['idx']}-d{index}")
                for index, text in enumerate(documents, start=1)
            ]
            clusters.append((f"val{record['idx']}", articles))
    return clusters


def detokenize(text: str) -> str:
    """The MSR corpus's tokens back into written text ("Dominick 's" -> "Dominick's", "$ 2.5" -> "$2.5")."""
    text = text.replace("``", '"').replace("''", '"')
    text = re.sub(r'""', '"', text)
    text = re.sub(r"\s+([,.;:?!%)\]])", r"\1", text)
    text = re.sub(r"([(\[$])\s+", r"\1", text)
    text = re.sub(r"\s+('s|'re|'ve|'ll|'d|n't|')\b", r"\1", text)
    text = re.sub(r"(\d)\s+,\s*(\d{3})\b", r"\1,\2", text)
    text = re.sub(r'"\s+(.*?)\s+"', r'"\1"', text)
    return re.sub(r"\s+", " ", text).strip()


def msrp_clusters(directory: Path, file: str) -> list[tuple[str, list[Article]]]:
    clusters = []
    lines = (directory / file).read_text(encoding="utf-8-sig").splitlines()[1:]
    for line in lines:
        parts = line.split("\t")
        if len(parts) != 5:
            continue
        quality, first_id, second_id, first, second = parts
        articles = [
            Article(id=f"m{first_id}", text=detokenize(first), source=f"msrp{first_id}"),
            Article(id=f"m{second_id}", text=detokenize(second), source=f"msrp{second_id}"),
        ]
        clusters.append((f"msrp{quality}-{first_id}-{second_id}", articles))
    return clusters


# --- staging a cluster -------------------------------------------------------------------------


class Stager:
    """Segment, embed and align a cluster, and read its candidates (models loaded once, texts cached)."""

    def __init__(self) -> None:
        import torch

        # One thread: on a shared machine two would mostly wait for each other (the vectors are the
        # same on one or two, see nlp/embed.py).
        torch.set_num_threads(1)
        base = Pipeline(Config())
        self.nlp = CachingNlp(base.nlp)
        self.encoder = CachingEncoder(base.encoder)
        self.pipeline = Pipeline(Config(), encoder=self.encoder, nlp=self.nlp)  # type: ignore[arg-type]

    def prepare(self, articles: list[Article], *, clean: bool) -> list[Article]:
        return self.pipeline.prepare(articles, on_error="skip") if clean else articles

    def stage(self, articles: list[Article]) -> tuple[list[Document], Alignment, tuple[Candidate, ...]]:
        documents = segment_many(articles, self.nlp)  # type: ignore[arg-type]
        texts = [sentence.text for document in documents for sentence in document.sentences]
        vectors = self.encoder.encode(texts)
        alignment = align(documents, vectors)
        return documents, alignment, candidates(alignment, vectors)

    def forget(self) -> None:
        self.nlp.cache.clear()


# --- what to change ----------------------------------------------------------------------------


def _content(text: str) -> set[str]:
    return {word for word in re.findall(r"[a-z0-9]+", text.lower()) if len(word) > 3}


def _dice(a: set[str], b: set[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def shared_pairs(documents: list[Document], everything: bool) -> list[tuple[Sentence, Sentence]]:
    """Sentence pairs of two articles telling one statement: aligned by meaning, or sharing half their
    longer words (``everything``: any pair, for the one-sentence articles of the paraphrase corpus)."""
    pairs = []
    for index, first_document in enumerate(documents):
        for second_document in documents[index + 1 :]:
            for first in first_document.sentences:
                for second in second_document.sentences:
                    if everything or _dice(_content(first.text), _content(second.text)) >= 0.5:
                        pairs.append((first, second))
    return pairs


def _aligned_pairs(documents: list[Document], support: dict[str, tuple[str, ...]]) -> list[tuple[Sentence, Sentence]]:
    by_id = {s.id: s for d in documents for s in d.sentences}
    pairs = []
    for sentence_id, others in support.items():
        for other_id in others:
            first, second = by_id.get(sentence_id), by_id.get(other_id)
            if first and second and first.article_id != second.article_id:
                pairs.append((first, second))
    return pairs


def _value_entities(sentence: Sentence, labels: Sequence[str]) -> list[Entity]:
    return [e for e in sentence.entities if e.label in labels]


def _normal(text: str) -> str:
    return re.sub(r"^(?:the|on|in|last|this)\s+", "", text.lower().strip(" .,'’s"))


def _written_like(value: float, old: str) -> str:
    """A figure written as the old one was: digits (with commas when it had them) or a word."""
    if old.lower() in _WORDS and value < len(_WORDS) and value == int(value):
        word = _WORDS[int(value)]
        return word.capitalize() if old[:1].isupper() else word
    decimals = len(old.split(".")[1]) if "." in old and old.replace(",", "").replace(".", "").isdigit() else 0
    written = f"{value:,.{decimals}f}"
    return written if "," in old else written.replace(",", "")


def number_changes(sentence: Sentence, other: Sentence, rng: random.Random) -> list[Change]:
    """A figure both sentences give, changed to another one (altered) or told another way (variants)."""
    mine = find_quantities(sentence.text)
    theirs = {q.value for q in find_quantities(other.text)}
    changes: list[Change] = []
    for quantity in mine:
        if quantity.value not in theirs or quantity.kind in ("vague", "ordinal") or quantity.hedge:
            continue
        match = re.search(r"\d[\d,]*(?:\.\d+)?|\b(?:" + "|".join(_WORDS[2:]) + r")\b", quantity.text, re.IGNORECASE)
        if match is None:
            continue
        old = match.group(0)
        start = sentence.start + quantity.start + match.start()
        end = start + len(old)
        value = quantity.value
        factor = rng.choice((0.4, 0.5, 0.7, 1.4, 1.8, 2.5, 3.0))
        new_value = round(value * factor) if value >= 10 else value + rng.choice((2, 3, 4, 5))
        if new_value != value and old.lower() not in ("one",):
            changes.append(Change(sentence.article_id, start, end, _written_like(new_value, old), "number"))
        if value >= 20:
            rounded = float(f"{value:.1g}") if value < 100 else float(f"{value:.2g}")
            if rounded != value:
                hedge = (
                    "about" if abs(rounded - value) / value < 0.1 else ("more than" if rounded < value else "nearly")
                )
                written = _written_like(rounded, old if old[:1].isdigit() else "0")
                changes.append(Change(sentence.article_id, start, end, f"{hedge} {written}", "variant-rounding"))
        if quantity.kind == "count" and quantity.unit and 3 <= value <= 12 and value == int(value):
            words = sentence.text[quantity.end :].split()
            if words and words[0].lower().endswith("s"):
                fewer = _written_like(value - 1, old)
                changes.append(Change(sentence.article_id, start, end, f"{fewer} other", "variant-part"))
            vague = rng.choice(("several", "a number of", "multiple"))
            changes.append(Change(sentence.article_id, start, end, vague, "variant-vague"))
    return changes


def date_changes(sentence: Sentence, other: Sentence, rng: random.Random) -> list[Change]:
    """A month, weekday, day or year both sentences give, changed (altered) or refined (variant)."""
    theirs = {_normal(e.text) for e in _value_entities(other, ("DATE",))}
    changes: list[Change] = []
    for entity in _value_entities(sentence, ("DATE",)):
        if _normal(entity.text) not in theirs:
            continue
        text = entity.text
        month = re.search(r"\b(" + "|".join(_MONTHS) + r")\b", text, re.IGNORECASE)
        weekday = re.search(r"\b(" + "|".join(_WEEKDAYS) + r")\b", text, re.IGNORECASE)
        day = re.search(r"\b(" + "|".join(_MONTHS) + r")\.?\s+(\d{1,2})\b", text, re.IGNORECASE)
        year = re.search(r"\b(19[5-9]\d|20[0-2]\d)\b", text)
        if day:
            number = int(day.group(2))
            new = number + rng.choice((-8, -6, -4, 4, 6, 8))
            new = new if 1 <= new <= 28 else number + 10 if number < 15 else number - 10
            at = entity.start + day.start(2)
            changes.append(Change(sentence.article_id, at, at + len(day.group(2)), str(new), "date"))
        elif month:
            index = _MONTHS.index(month.group(1).lower())
            new_month = _MONTHS[(index + rng.choice((2, 3, 4, 5, 6))) % 12]
            written = new_month.capitalize() if month.group(1)[0].isupper() else new_month
            at = entity.start + month.start(1)
            changes.append(Change(sentence.article_id, at, at + len(month.group(1)), written, "date"))
            refined = rng.choice(("mid-", "early ", "late "))
            changes.append(Change(sentence.article_id, at, at, refined, "variant-refined"))
        elif weekday:
            index = _WEEKDAYS.index(weekday.group(1).lower())
            new_day = _WEEKDAYS[(index + rng.choice((2, 3, 4, 5))) % 7]
            written = new_day.capitalize() if weekday.group(1)[0].isupper() else new_day
            at = entity.start + weekday.start(1)
            changes.append(Change(sentence.article_id, at, at + len(weekday.group(1)), written, "date"))
        elif year:
            new_year = str(int(year.group(1)) + rng.choice((-4, -3, -2, 2, 3)))
            at = entity.start + year.start(1)
            changes.append(Change(sentence.article_id, at, at + 4, new_year, "date"))
            refined = rng.choice(("early ", "late ", "mid-"))
            if not re.search(
                r"\b(?:early|late|mid)", sentence.text[max(0, at - sentence.start - 8) : at - sentence.start]
            ):
                changes.append(Change(sentence.article_id, at, at, refined, "variant-refined"))
    return changes


def name_changes(sentence: Sentence, other: Sentence, rng: random.Random, pool: dict[str, list[str]]) -> list[Change]:
    """A person or place both sentences name, put for another (altered), or a person by surname (variant)."""
    changes: list[Change] = []
    for entity in _value_entities(sentence, ("PERSON", "GPE", "LOC")):
        kind = "person" if entity.label == "PERSON" else "place"
        words = entity.text.split()
        if not words or words[-1].lower() not in other.text.lower():
            continue
        choices = [
            name for name in pool[kind] if name.split()[-1].lower() not in sentence.text.lower() + other.text.lower()
        ]
        if not choices:
            continue
        name = rng.choice(choices)
        if kind == "person" and len(words) == 1:
            name = name.split()[-1]
        changes.append(Change(sentence.article_id, entity.start, entity.end, name, kind))
        if kind == "person" and len(words) >= 2:
            changes.append(Change(sentence.article_id, entity.start, entity.end, words[-1], "variant-surname"))
    return changes


def negation_changes(sentence: Sentence) -> list[Change]:
    """A "not" put after the first auxiliary verb, or the first denial taken out."""
    denial = _DENIAL.search(sentence.text)
    if denial:
        at = sentence.start + denial.start()
        return [Change(sentence.article_id, at, sentence.start + denial.end(), "", "negation")]
    auxiliary = _AUXILIARIES.search(sentence.text)
    if auxiliary:
        at = sentence.start + auxiliary.end()
        return [Change(sentence.article_id, at, at, " not", "negation")]
    return []


def choose_changes(
    documents: list[Document],
    pairs: list[tuple[Sentence, Sentence]],
    rng: random.Random,
    pool: dict[str, list[str]],
    per_kind: int,
) -> list[Change]:
    """Up to ``per_kind`` changes of each kind, each in another sentence pair (seeded)."""
    found: dict[str, list[Change]] = {}
    for first, second in pairs:
        for sentence, other in ((first, second), (second, first)):
            for change in (
                *number_changes(sentence, other, rng),
                *date_changes(sentence, other, rng),
                *name_changes(sentence, other, rng, pool),
                *negation_changes(sentence),
            ):
                found.setdefault(change.kind, []).append(change)
    chosen = []
    for kind in sorted(found):
        options = found[kind]
        rng.shuffle(options)
        chosen += options[:per_kind]
    return chosen


def _changed_sentence(documents: list[Document], change: Change) -> str:
    """The text of the sentence a change falls in, as changed (segmentation may cut it otherwise)."""
    for document in documents:
        for sentence in document.sentences:
            if document.article.id == change.article and sentence.start <= change.start <= sentence.end:
                at, end = change.start - sentence.start, change.end - sentence.start
                return sentence.text[:at] + change.new + sentence.text[end:]
    return change.new


def apply(articles: list[Article], change: Change) -> list[Article]:
    return [
        replace(a, text=a.text[: change.start] + change.new + a.text[change.end :]) if a.id == change.article else a
        for a in articles
    ]


def cites(candidate: Candidate, change: Change) -> bool:
    """The candidate cites the changed words on the changed article's side (by their new offsets). A
    "not" put in or taken out is read by the rules only inside quotations."""
    if change.kind == "negation" and candidate.kind != "quote":
        return False
    end = change.start + len(change.new)
    for span, side in zip(candidate.spans, candidate.sides, strict=True):
        if span.article == change.article and span.start <= change.start and max(end, change.start + 1) <= span.end:
            return True if candidate.kind == "quote" else _touches(side, change)
    return False


def _touches(side: str, change: Change) -> bool:
    new = change.new.strip().lower()
    return not new or new in side.lower() or any(word in side.lower() for word in new.split() if len(word) > 2)


# --- examples ----------------------------------------------------------------------------------


def example(
    cluster: str, part: str, source: str, label: int, candidate: Candidate, documents: list[Document]
) -> dict[str, Any]:
    texts = {}
    for span in candidate.spans:
        article = next(d.article for d in documents if d.article.id == span.article)
        texts[span] = article.text[span.start : span.end]
    return {
        "cluster": cluster,
        "part": part,
        "source": source,
        "label": label,
        "kind": candidate.kind,
        "note": candidate.note,
        "evidence": [candidate.evidence[name] for name in FEATURES],
        "texts": [texts[candidate.spans[0]], texts[candidate.spans[1]]],
        "sides": list(candidate.sides),
    }


def block_examples(
    stager: Stager,
    block: Sequence[tuple[str, str, list[Article], str]],
    rng: random.Random,
    pool: dict[str, list[str]],
) -> Iterator[dict[str, Any]]:
    """The examples of a block of clusters (cluster id, part, articles, corpus). The sentences of the
    whole block, then all its changed sentences, go to the encoder in one call each: full batches."""
    staged = []
    for cluster, part, articles, corpus in block:
        usable = stager.prepare(articles, clean=corpus == "val")
        if len(usable) >= 2:
            staged.append((cluster, part, corpus, usable, segment_many(usable, stager.nlp)))  # type: ignore[arg-type]
    stager.encoder.encode([s.text for *_, documents in staged for d in documents for s in d.sentences])
    plans = []
    for cluster, part, corpus, usable, _ in staged:
        documents, alignment, found = stager.stage(usable)
        for candidate in found:
            yield example(cluster, part, f"{corpus}-natural", 0, candidate, documents)
        pairs = shared_pairs(documents, everything=corpus != "val")
        if corpus == "val":
            pairs = list(dict.fromkeys([*_aligned_pairs(documents, alignment.support), *pairs]))
        changes = choose_changes(documents, pairs, rng, pool, per_kind=2 if corpus == "val" else 1)
        plans.append((cluster, part, corpus, usable, documents, changes))
    stager.encoder.encode([_changed_sentence(p[4], change) for p in plans for change in p[5]])
    for cluster, part, corpus, usable, _, changes in plans:
        for change in changes:
            changed_documents, _, changed_found = stager.stage(apply(usable, change))
            for candidate in changed_found:
                if cites(candidate, change):
                    yield example(cluster, part, f"{corpus}-{change.kind}", change.label, candidate, changed_documents)
    stager.forget()


def name_pool(clusters: list[tuple[str, list[Article]]], stager: Stager) -> dict[str, list[str]]:
    """People and places named in the MSR corpus (cased text): two-word people, one-word places."""
    people: dict[str, int] = {}
    places: dict[str, int] = {}
    texts = [article.text for _, articles in clusters for article in articles]
    for doc in stager.nlp.nlp.pipe(texts, batch_size=64):
        for entity in doc.ents:
            if entity.label_ == "PERSON" and len(entity.text.split()) == 2 and entity.text.istitle():
                people[entity.text] = people.get(entity.text, 0) + 1
            if entity.label_ == "GPE" and entity.text.istitle() and entity.text.isalpha():
                places[entity.text] = places.get(entity.text, 0) + 1
    return {
        "person": sorted(name for name, count in people.items() if count >= 2),
        "place": sorted(name for name, count in places.items() if count >= 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--msrp", type=Path, default=None, help="directory with msr_paraphrase_{train,test}.txt")
    parser.add_argument("--clusters", type=int, default=1600, help="Multi-News val clusters to read")
    parser.add_argument("--msrp-pairs", type=int, default=None, help="at most this many pairs of each MSR file")
    parser.add_argument("--seed", type=int, default=35)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    if not (args.data / VAL).is_file():
        print(f"judge_data: {args.data / VAL} missing; pass --data", file=sys.stderr)
        return 2
    if args.msrp is not None and not (args.msrp / "msr_paraphrase_train.txt").is_file():
        print(f"judge_data: {args.msrp}/msr_paraphrase_train.txt missing; pass --msrp or leave it out", file=sys.stderr)
        return 2
    rng = random.Random(args.seed)
    val = val_clusters(args.data / VAL)
    rng.shuffle(val)
    val = val[: args.clusters]
    cut = int(len(val) * TRAINING_SHARE)
    work: list[tuple[str, str, list[Article], str]] = [
        (cluster, "train" if index < cut else "validation", articles, "val")
        for index, (cluster, articles) in enumerate(val)
    ]
    stager = Stager()
    msrp: list[tuple[str, list[Article]]] = []
    if args.msrp is not None:
        for file, part in (("msr_paraphrase_train.txt", "train"), ("msr_paraphrase_test.txt", "validation")):
            pairs = msrp_clusters(args.msrp, file)[: args.msrp_pairs]
            msrp += pairs
            work += [(cluster, part, articles, "msrp") for cluster, articles in pairs]
    pool = name_pool(msrp, stager) if msrp else {"person": ["Maria Lopez", "John Carter"], "place": ["Lisbon", "Ohio"]}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    clock = Stopwatch()
    counts: dict[str, int] = {}
    with args.out.open("w", encoding="utf-8") as handle, threadpool_limits(1):
        for first in range(0, len(work), BLOCK):
            for row in block_examples(stager, work[first : first + BLOCK], rng, pool):
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
                key = f"{row['source']}:{row['label']}"
                counts[key] = counts.get(key, 0) + 1
            handle.flush()
            print(
                f"{min(first + BLOCK, len(work))}/{len(work)} clusters, {sum(counts.values())} examples, "
                f"{clock.seconds:.0f} s",
                file=sys.stderr,
            )
    print(json.dumps({"examples": counts, "seed": args.seed, "clusters": args.clusters}, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
