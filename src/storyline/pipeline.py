"""Wire the stages: clean -> check -> segment -> embed -> align -> select (and compare).

The only module that imports every stage; holds no algorithm code. ``Pipeline`` holds the
config and the (lazily loaded, per-process cached) models.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib
import json
import logging
import queue
import re
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import numpy as np
import numpy.typing as npt

from storyline.align import align
from storyline.compare import compare as compare_sources
from storyline.compare import load_judge
from storyline.config import Config
from storyline.errors import InputError
from storyline.memory import trim_heap
from storyline.nlp.dates import find_dateline
from storyline.nlp.embed import Encoder, load_encoder, resolve_model
from storyline.nlp.segment import import_spacy, load_spacy, segment_many
from storyline.records import ArticleLike, as_articles
from storyline.select import SelectionWeights, Selector, get_selector, selector_encoder
from storyline.sources.check import check_article, clean_article, find_duplicates
from storyline.types import Alignment, Article, Comparison, Document, Problem, Summary

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["Pipeline", "constants_version", "summarize"]

log = logging.getLogger(__name__)

#: What a selector with a learned value falls back to when the configured encoder is not the one its learned
#: value was fitted on: the same integer program with the hand-set value, which reads no vectors.
FALLBACK_SELECTOR = "coverage.v2"

#: While the encoder runs beside spaCy, spaCy takes about this many characters at a time (a DUC 2004
#: article, or four Multi-News ones), so the encoder gets sentences early. spaCy's CPU time per
#: paragraph, on one BLAS thread: DUC 2004 the same with batches of 1 to 64 articles, Multi-News
#: val 1.19x with 2 articles a batch, 1.02x with 8, against 64 (issue 37).
STREAM_CHARS = 4000

Matrix = npt.NDArray[np.float32]
#: One cluster ready to select from: its alignment, sentence vectors and the datelines of undated articles.
_Staged = tuple[Alignment, Matrix, dict[str, date]]
OnError = Literal["raise", "skip"]
T = TypeVar("T")


class Pipeline:
    """The summarization pipeline with its config and models (loaded on first use)."""

    def __init__(
        self,
        config: Config | None = None,
        *,
        encoder: Encoder | None = None,
        nlp: Language | None = None,
        status: Callable[[str | None], Any] | None = None,
    ) -> None:
        """Args:
        config: the settings (default: :meth:`Config.from_env`).
        encoder, nlp: models to use instead of loading the configured ones.
        status: told what the pipeline waits for while it loads its models (a short message),
            then None when they are loaded; the CLI shows it as a status line on a terminal.
        """
        self.config = config or Config.from_env()
        self._encoder = encoder
        self._nlp = nlp
        self._status = status
        self.timings: dict[str, float] = {}

    @property
    def nlp(self) -> Language:
        """The spaCy pipeline (loaded on first use)."""
        if self._nlp is None:
            self._nlp = load_spacy(self.config.spacy_model)
        return self._nlp

    @property
    def encoder(self) -> Encoder:
        """The sentence encoder (loaded on first use)."""
        if self._encoder is None:
            self._encoder = load_encoder(
                self.config.embedding_model,
                device=self.config.device,
                precision=self.config.embedding_precision,
                backend=self.config.embedding_backend,
                local_files_only=self.config.local_files_only,
            )
        return self._encoder

    def release_memory(self) -> None:
        """Give back to the system the memory the last work freed: what the encoder's runtime keeps
        for its largest batch so far, and what the C heap keeps. For a process that stays up between
        pieces of work (``serve``); the models stay loaded."""
        release = getattr(self._encoder, "release_memory", None)
        if release is not None:
            release()
        trim_heap()

    def load(self) -> None:
        """Load both models now, rather than on first use: the encoder on a second thread while
        spaCy loads on this one (onnxruntime builds its session mostly outside the GIL; issue 37).

        Raises:
            ModelLoadError: either model cannot be loaded.
        """
        if self._nlp is not None and self._encoder is not None:
            return
        if self._status is not None:
            self._status("loading the language models")
        try:
            if self._nlp is None and self._encoder is None:
                # spaCy's import first, alone: it keeps thinc from importing torch by hiding it
                # for a moment (nlp/segment.py), which an encoder importing torch beside it would see.
                import_spacy(self.config.spacy_model)
                failed: list[BaseException] = []

                def load_encoder() -> None:
                    try:
                        _ = self.encoder
                        # The selector's solver, too: a second of imports on a busy machine, which
                        # belongs to the start, not to the first cluster (torch's path imported it
                        # with scikit-learn).
                        import scipy.optimize  # noqa: F401
                    except BaseException as error:  # noqa: BLE001 - raised on this thread below
                        failed.append(error)

                worker = threading.Thread(target=load_encoder, name="storyline-load", daemon=True)
                worker.start()
                try:
                    _ = self.nlp
                finally:
                    worker.join()
                if failed:
                    raise failed[0]
            _ = self.nlp, self.encoder
        finally:
            if self._status is not None:
                self._status(None)

    def prepare(
        self, articles: Iterable[ArticleLike], *, on_error: OnError = "raise", problems: list[Problem] | None = None
    ) -> list[Article]:
        """Clean and check articles; drop (or raise on) unusable ones and exact duplicates.

        Raises:
            InputError: with ``on_error="raise"``, the first unusable article.
        """
        found: list[Problem] = problems if problems is not None else []
        usable: list[Article] = []
        for article in as_articles(articles, on_error=on_error, problems=found):
            cleaned, note = clean_article(article, clean=self.config.clean, max_chars=self.config.max_chars)
            if note:
                log.info("%s", note)
                found.append(Problem(article.origin or article.id, "clean", note, skipped=False))
            try:
                check_article(cleaned, min_words=self.config.min_words)
            except InputError as error:
                if on_error == "raise":
                    raise
                log.info("skipped %s", error)
                found.append(Problem(error.input or article.id, "check", str(error)))
                continue
            usable.append(cleaned)
        duplicates = find_duplicates(usable)
        for article in usable:
            if article.id in duplicates:
                original = duplicates[article.id]
                message = f"{article.origin or article.id}: the same text as '{original}'; counted once"
                if on_error == "raise":
                    raise InputError(message, input=article.origin or article.id)
                found.append(Problem(article.origin or article.id, "check", message))
        return [article for article in usable if article.id not in duplicates]

    def summarize(
        self,
        articles: Iterable[ArticleLike],
        *,
        words: int | None = None,
        sentences: int | None = None,
        on_error: OnError = "raise",
        problems: list[Problem] | None = None,
        compare: bool | None = None,
    ) -> Summary:
        """Summarize one cluster of articles about the same event.

        Args:
            articles: Articles, article records (dicts with "text") or plain strings.
            words: word budget (default: the config's).
            sentences: optional cap on the number of sentences (default: the config's).
            on_error: "raise" on the first unusable article, or "skip" it and note it in ``problems``.
            problems: a list that receives a Problem for every skipped or altered article.
            compare: also compare the sources (agreements, contradictions, quotes, timeline) and
                attach the result as ``Summary.comparison``, from the same aligned sentences
                (default: the config's ``compare``).

        Returns:
            The summary; every sentence cites the articles that report its fact.

        Raises:
            InputError: no usable article (always), or any unusable article with on_error="raise".
        """
        return _only(
            self.summarize_many(
                [articles], words=words, sentences=sentences, on_error=on_error, problems=[problems], compare=compare
            )
        )

    def summarize_many(
        self,
        clusters: Sequence[Iterable[ArticleLike]],
        *,
        words: int | None = None,
        sentences: int | None = None,
        on_error: OnError = "raise",
        problems: Sequence[list[Problem] | None] | None = None,
        compare: bool | None = None,
    ) -> list[Summary | Exception]:
        """Summarize several clusters at once: what :meth:`summarize` gives for each, faster.

        The articles of all clusters go through spaCy as one stream and their sentences through
        the encoder in one call, grouped by padded length across clusters, so batches are fuller
        (on Multi-News, 160 clusters encoded together took 0.55 of the time of one by one). The
        vectors do not depend on the batching (``embed.PAD_MULTIPLE``), so each summary is the
        one :meth:`summarize` makes of its cluster alone.

        Args:
            clusters: the articles of each cluster, as for :meth:`summarize`.
            words, sentences, on_error, compare: as for :meth:`summarize`, for every cluster.
            problems: one list (or None) per cluster, receiving that cluster's Problems.

        Returns:
            One outcome per cluster, in order: its Summary, or the exception that ended it (an
            InputError for a cluster with no usable article, or with ``on_error="raise"`` an
            unusable one); one cluster's failure does not stop the others.

        Raises:
            ModelLoadError: a model cannot be loaded (every cluster would fail the same way).
        """
        found = list(problems) if problems is not None else [None] * len(clusters)
        if len(found) != len(clusters):
            raise ValueError("one problems list (or None) per cluster")
        lap = _Lap(self.timings)
        staged = self._stage_many(clusters, on_error, found, lap, purpose="summarize")
        outcomes: list[Summary | Exception] = []
        for stage in staged:
            if isinstance(stage, Exception):
                outcomes.append(stage)
                continue
            try:
                outcomes.append(self._summary(stage, words, sentences, compare, lap))
            except Exception as error:  # a bug hit by one cluster must not take the others with it
                log.debug("summary failed", exc_info=True)
                outcomes.append(error)
        return outcomes

    def _summary(
        self, stage: _Staged, words: int | None, sentences: int | None, compare: bool | None, lap: _Lap
    ) -> Summary:
        alignment, vectors, datelines = stage
        summary = self._selector(
            alignment,
            vectors,
            words=words or self.config.words,
            max_sentences=sentences if sentences is not None else self.config.sentences,
            fill=self.config.fill,
            solver_seconds=self.config.solver_seconds,
        )
        lap("select")
        if compare if compare is not None else self.config.compare:
            comparison = self._compare(alignment, vectors, datelines)
            lap("compare")
            summary = dataclasses.replace(summary, comparison=comparison)
        return summary

    @functools.cached_property
    def _selector(self) -> Selector:
        """The configured selector, or coverage.v2 when it reads vectors of another encoder.

        A learned value that weighs sentence vectors (coverage.v4) was fitted on one
        encoder's vectors; with another embedding model those weights mean nothing, so the integer
        program with the hand-set value is used instead (logged once, when first needed).
        """
        name = self.config.selector
        needed = selector_encoder(name)
        if needed is not None and resolve_model(needed) != resolve_model(self.encoder.name):
            log.warning(
                "selector %s reads vectors of %s; with %s, %s is used instead",
                name,
                needed,
                self.encoder.name,
                FALLBACK_SELECTOR,
            )
            name = FALLBACK_SELECTOR
        return get_selector(name)

    def compare(
        self,
        articles: Iterable[ArticleLike],
        *,
        on_error: OnError = "raise",
        problems: list[Problem] | None = None,
    ) -> Comparison:
        """Compare how the articles of one cluster report it: what they agree on, what only one
        reports, where they contradict each other, whom they quote, and when things happened.

        Args:
            articles: Articles, article records (dicts with "text") or plain strings.
            on_error: "raise" on the first unusable article, or "skip" it and note it in ``problems``.
            problems: a list that receives a Problem for every skipped or altered article.

        Returns:
            The comparison; its spans are offsets into the texts of ``Comparison.articles``.

        Raises:
            InputError: no usable article (always), or any unusable article with on_error="raise".
        """
        lap = _Lap(self.timings)
        alignment, vectors, datelines = self._align(articles, on_error, problems, lap, purpose="compare")
        comparison = self._compare(alignment, vectors, datelines)
        lap("compare")
        return comparison

    def _compare(
        self, alignment: Alignment, vectors: npt.NDArray[np.float32], datelines: dict[str, date]
    ) -> Comparison:
        """Compare with the configured judge (loaded once per path), listing every candidate if asked."""
        return compare_sources(
            alignment,
            vectors,
            datelines=datelines,
            judge=load_judge(self.config.judge),
            all_differences=self.config.all_differences,
        )

    def _align(
        self,
        articles: Iterable[ArticleLike],
        on_error: OnError,
        problems: list[Problem] | None,
        lap: _Lap,
        *,
        purpose: str,
    ) -> _Staged:
        """Clean, check, segment, embed and align one cluster; also the datelines of undated articles."""
        return _only(self._stage_many([articles], on_error, [problems], lap, purpose=purpose))

    def _stage_many(
        self,
        clusters: Sequence[Iterable[ArticleLike]],
        on_error: OnError,
        problems: Sequence[list[Problem] | None],
        lap: _Lap,
        *,
        purpose: str,
    ) -> list[_Staged | InputError]:
        """Clean and check each cluster, segment and embed all of them together, align each."""
        usable: list[list[Article] | InputError] = []
        datelines: list[dict[str, date]] = []
        for articles, found in zip(clusters, problems, strict=True):
            try:
                given = as_articles(articles, on_error=on_error, problems=found)
                kept = self.prepare(given, on_error=on_error, problems=found)
                if not kept:
                    raise InputError(f"no usable article to {purpose}; see the messages above for each input")
            except InputError as error:
                usable.append(error)
                datelines.append({})
                continue
            usable.append(kept)
            # A page copied as text keeps its dateline ("2014-11-07 09:24") above the article; the
            # cleaner drops that line, so it is read from the text as given.
            ids = {article.id for article in kept}
            datelines.append(
                {
                    article.id: day
                    for article in given
                    if article.id in ids and not article.published and (day := find_dateline(article.text)) is not None
                }
            )
        lap("clean")
        every = [article for kept in usable if not isinstance(kept, InputError) for article in kept]
        segmented, vectors = self._segment_and_embed(every, lap)
        documents = iter(segmented)
        per_cluster = [[next(documents) for _ in kept] if not isinstance(kept, InputError) else [] for kept in usable]
        staged: list[_Staged | InputError] = []
        row = 0
        for outcome, cluster, days in zip(usable, per_cluster, datelines, strict=True):
            if isinstance(outcome, InputError):
                staged.append(outcome)
                continue
            count = sum(len(document.sentences) for document in cluster)
            mine = vectors[row : row + count]
            row += count
            staged.append((align(cluster, mine), mine, days))
        lap("align")
        return staged

    def _segment_and_embed(self, articles: list[Article], lap: _Lap) -> tuple[list[Document], Matrix]:
        """Split the articles into sentences (spaCy) and encode the sentences, in document order.

        With an encoder that takes its texts as they come (``encode_stream``, the onnxruntime one),
        the two run side by side: spaCy on this thread, the encoder on another, each paragraph's
        sentences handed over as spaCy finishes it (issue 37). The vectors are those of one
        ``encode`` call (they do not depend on the batching), so the summaries are too. The
        ``segment`` lap is then spaCy's time, with the encoder working beside it, and ``embed``
        only the time the encoder needs after spaCy is done.
        """
        self.load()
        nlp, encoder = self.nlp, self.encoder
        stream = getattr(encoder, "encode_stream", None)
        if stream is None or not articles:
            documents = segment_many(articles, nlp)
            lap("segment")
            texts = [sentence.text for document in documents for sentence in document.sentences]
            vectors = encoder.encode(texts) if texts else np.zeros((0, 1), dtype=np.float32)
            lap("embed")
            return documents, vectors
        chunks: queue.SimpleQueue[list[str] | None] = queue.SimpleQueue()
        encoded: list[Matrix] = []
        failed: list[BaseException] = []

        def encode() -> None:
            try:
                encoded.append(stream(iter(chunks.get, None)))
            except BaseException as error:  # noqa: BLE001 - raised on the caller's thread below
                failed.append(error)

        from threadpoolctl import threadpool_limits

        worker = threading.Thread(target=encode, name="storyline-encoder", daemon=True)
        worker.start()
        try:
            # spaCy's matrix products on one thread: the other core is the encoder's. Its results
            # are the same on one thread or two; a second BLAS thread gained it little even alone,
            # and with small batches it doubled spaCy's CPU time (issue 37).
            with threadpool_limits(limits=1, user_api="blas"):
                documents = segment_many(articles, nlp, on_sentences=chunks.put, batch_chars=STREAM_CHARS)
        finally:
            chunks.put(None)
            lap("segment")
            worker.join()
        lap("embed")
        if failed:
            raise failed[0]
        return documents, encoded[0]


def _only(outcomes: Sequence[T | Exception]) -> T:
    """The one outcome of a one-cluster call: its value, or the exception it carries, raised."""
    (outcome,) = outcomes
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


class _Lap:
    """Adds the seconds since the last call to ``timings[stage]`` (accumulated across calls)."""

    def __init__(self, timings: dict[str, float]) -> None:
        self.timings = timings
        self.mark = time.perf_counter()

    def __call__(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = self.timings.get(stage, 0.0) + now - self.mark
        self.mark = now


#: The modules whose tuned constants shape a summary and its comparison (see :func:`constants_version`).
_TUNED_MODULES = (
    "storyline.text",
    "storyline.records",
    "storyline.sources.clean",
    "storyline.sources.check",
    "storyline.nlp.segment",
    "storyline.nlp.embed",
    "storyline.nlp.export_onnx",  # the ONNX export's version: a new export is new vectors
    "storyline.nlp.dates",
    "storyline.nlp.quantities",
    "storyline.nlp.quotes",
    "storyline.nlp.places",
    "storyline.align",
    "storyline.select",
    "storyline.select.coverage",
    "storyline.compare",
    "storyline.compare.claims",
    "storyline.compare.contradictions",
    "storyline.compare.facts",
    "storyline.compare.names",
    "storyline.compare.pair",
    "storyline.compare.quotes",
    "storyline.compare.text",
    "storyline.compare.timeline",
    "storyline.compare.values",
    "storyline.pipeline",
)
_CONSTANT_NAME = re.compile(r"^_?[A-Z][A-Z0-9_]+$")


@functools.cache
def constants_version() -> str:
    """A digest of every tuned constant that shapes a summary: the module-level UPPER_CASE values of
    the stages (thresholds, weights, word lists, patterns; :data:`_TUNED_MODULES`), the selection's
    default weights and the learned value models (storyline/weights).

    Part of the key under which a story database caches summaries, so that a Storyline with other
    constants makes the summary again instead of serving one made under the old ones. Values that
    are no data (functions, classes) count by their kind only; sets are sorted, so the digest is
    the same in every process.
    """
    parts: list[object] = []
    for name in _TUNED_MODULES:
        module = importlib.import_module(name)
        parts.append(
            [name, {key: _canonical(value) for key, value in vars(module).items() if _CONSTANT_NAME.match(key)}]
        )
    parts.append(_canonical(SelectionWeights()))
    weights = resources.files("storyline") / "weights"
    parts.append(
        [
            [entry.name, hashlib.sha1(entry.read_bytes()).hexdigest()]
            for entry in sorted(weights.iterdir(), key=str)
            # The story link decides which articles a story has, not what its summary says of them
            # (the article set is in the key); a retrained link must not throw every summary away.
            if not entry.name.startswith("story-link.")  # storyline.stories.link.LINK_MODEL
        ]
    )
    return hashlib.sha1(json.dumps(parts, sort_keys=True).encode("utf-8")).hexdigest()[:16]


def _canonical(value: object) -> object:
    """A constant as JSON-ready data that is the same in every process (sets sorted; what is no data, by its kind)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, re.Pattern):
        return ["pattern", value.pattern, int(value.flags)]
    if isinstance(value, (set, frozenset)):
        return sorted((_canonical(item) for item in value), key=lambda item: json.dumps(item, sort_keys=True))
    if isinstance(value, (tuple, list)):
        return [_canonical(item) for item in value]
    if isinstance(value, dict):
        return sorted([[_canonical(key), _canonical(item)] for key, item in value.items()], key=json.dumps)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [type(value).__name__, {f.name: _canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}]
    return f"<{type(value).__name__}>"


def summarize(
    articles: Sequence[ArticleLike],
    words: int = 250,
    *,
    sentences: int | None = None,
    config: Config | None = None,
    on_error: OnError = "raise",
    problems: list[Problem] | None = None,
) -> Summary:
    """Summarize a cluster of articles (texts, records or Articles) into one cited summary.

    A convenience over :class:`Pipeline`; models are cached per process, so repeated calls
    are cheap.

    Raises:
        InputError: no usable article, or (on_error="raise") any unusable one.
    """
    pipeline = Pipeline(config or Config.from_env(words=words, sentences=sentences))
    return pipeline.summarize(articles, words=words, sentences=sentences, on_error=on_error, problems=problems)
