"""The rows of benchmarks.rouge: Storyline, the peer summarizers, the oracle and DUC's published systems.

How the peers choose sentences (all share one offline sentence splitter, scoring.split_sentences):

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
  the cut then shortens), ``summarize(..., on_error="skip")``: unusable articles are skipped and
  counted; a cluster with none left (StorylineError) is a failure scored as an empty summary.
"""

from __future__ import annotations

import functools
import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from benchmarks.common import Stopwatch, UsageError
from benchmarks.datasets import Cluster, DatasetSpec
from benchmarks.scoring import count_words, fill_budget, split_sentences, truncate_words

__all__ = [
    "PEERS",
    "STORYLINE_VARIANT",
    "Context",
    "Oracle",
    "System",
    "SystemUnavailable",
    "build_system",
    "first3",
    "make_sumy",
    "resolve_systems",
    "roundrobin",
]

PEERS = ("first3", "roundrobin", "lexrank", "textrank", "lsa", "summa", "oracle")
WORD_PATTERN = re.compile(r"[^\W\d_](?:[^\W\d_]|['-])*")


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
    """Import Pipeline, Config, Article and StorylineError (installed: make setup)."""
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
    clock = Stopwatch()
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
    system.setup_seconds = clock.seconds
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
    from storyline.select import SELECTORS

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
