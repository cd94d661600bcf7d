"""Choose, order and cite summary sentences: Alignment -> Summary.

Selection is a budgeted coverage problem: each sentence covers "concepts" (content-word
unigrams and bigrams) worth the number of independent outlets that mention them (a concept
only one outlet has counts a little), plus how central the sentence is and how many other
outlets state the same fact. Two solvers pick the set:

* ``"ilp"`` (selector ``coverage.v2``, the default): an integer program chooses the whole set
  at once, the most concept weight covered within the budget (Gillick and Favre, 2009);
* ``"greedy"`` (selector ``coverage.v1``): sentences are added by value per word until the
  budget is spent.

A sentence is never taken with one that repeats its fact: the alignment pairs them, or they are
nearly the same vector (greedy also skips a sentence with too few new concepts).

A sentence that cannot stand on its own (it opens with a pronoun or a connective, or goes on
with a quotation) is only taken right after the sentence it leans on, and printed there.
Chosen sentences are ordered by where they sit in their articles, so the leads come first.

Every default below was measured on Multi-News val (benchmarks/ablate.py).

Knows nothing about output formats.
"""

from __future__ import annotations

import functools
import json
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from itertools import pairwise
from typing import Literal

import numpy as np
import numpy.typing as npt

from storyline.config import SOLVER_SECONDS
from storyline.errors import ConfigError
from storyline.nlp.segment import dateline_length
from storyline.text import CONCEPT_STOPWORDS, DEPENDENT_OPENERS, DEPENDENT_PHRASES, WORD, suffix_stem
from storyline.types import Alignment, Citation, Sentence, Summary, SummarySentence

__all__ = [
    "SENTENCE_FEATURES",
    "LinearModel",
    "SelectionWeights",
    "dateline_length",
    "load_model",
    "select",
    "sentence_features",
    "stands_alone",
    "word_count",
]

Matrix = npt.NDArray[np.float32]

_PRONOUN_ATTRIBUTION = re.compile(
    r"[,\"”]\s*(he|she|they|it)\s+(said|says|added|adds|told|noted|explained)\b", re.IGNORECASE
)
_BARE_QUOTE = re.compile(r"""^["“][^"“”]*["”]$""")


@dataclass(frozen=True, slots=True)
class SelectionWeights:
    """How much each signal counts. Tuned on Multi-News val (benchmarks/rouge.py multinews-val)."""

    coverage: float = 1.0  # new concepts covered, per sqrt(word)
    centrality: float = 0.6  # cosine to the cluster's centroid
    support: float = 0.4  # share of other outlets stating the same fact
    position: float = 0.5  # closeness to the article's lead (val: neutral, its texts are leads; kept for long ones)
    redundancy: float = 0.85  # skip a sentence this similar to a chosen one
    novelty: float = 0.2  # skip a sentence whose concepts are less than this share new
    chain: bool = True  # let a dependent sentence follow its chosen predecessor
    singleton: float = 0.3  # weight of a concept only one outlet mentions
    length_exponent: float = 0.5  # value is divided by (words ** this)
    same_fact: bool = True  # skip a sentence the alignment pairs with a chosen one (never repeat a fact)
    min_words: int = 6
    max_words: int = 70
    ilp_sentence: float = 0.5  # solver "ilp": weight of the chosen sentences' own value against coverage
    ilp_min_weight: float = 1.0  # solver "ilp": concepts lighter than this are left out of the program
    learned: float = 0.0  # with a value model: weight of its score in each sentence's value
    # With a value model: > 0 standardises its scores within the cluster, over the sentences that may be
    # chosen, to 1 + learned_spread * z. Then the sentence term keeps one scale beside the concept
    # coverage whatever the cluster's size (a raw score shifts with cluster-wide features such as the
    # number of articles, which tips that balance on inputs unlike the training data). 0: raw score.
    learned_spread: float = 0.0


def word_count(text: str) -> int:
    """Number of words (the unit of every budget): whitespace-separated tokens holding a letter or a digit.

    A dash, a bracket or a quotation mark standing alone ("--", "(", "``") is no word, as a reader
    and ROUGE count them; counting them would leave part of the budget unused on texts that space out
    their punctuation (Multi-News: about 3% of the tokens, on 600 val clusters).
    """
    return sum(1 for token in text.split() if any(character.isalnum() for character in token))


def stands_alone(text: str) -> bool:
    """Whether a sentence reads on its own (no dangling pronoun, connective or quote fragment)."""
    # Newswire archives (AP, NYT) write quotation marks ``TeX-style'': read them as plain ones.
    stripped = text.strip().replace("``", '"').replace("''", '"')
    if not stripped or not (stripped[0].isupper() or stripped[0].isdigit() or stripped[0] in "\"“‘'"):
        return False
    words = WORD.findall(stripped)
    if not words:
        return False
    if words[0].lower() in DEPENDENT_OPENERS or DEPENDENT_PHRASES.match(stripped.lstrip("\"“‘' ")):
        return False
    if stripped.endswith((":", "?", ",", ";")) or stripped[-1].isalnum():
        return False
    if stripped.count('"') % 2 or stripped.count("“") != stripped.count("”"):
        return False  # the quotation goes on in the next sentence (or started in the last one)
    if _BARE_QUOTE.match(stripped):
        return False  # a quotation with no speaker: the attribution is in another sentence
    return not _PRONOUN_ATTRIBUTION.search(stripped)


def _concepts(text: str) -> set[str]:
    words = [suffix_stem(word) for word in WORD.findall(text)]
    content = [word for word in words if word not in CONCEPT_STOPWORDS and len(word) > 1]
    bigrams = {f"{a} {b}" for a, b in pairwise(words) if a not in CONCEPT_STOPWORDS or b not in CONCEPT_STOPWORDS}
    return set(content) | bigrams


def select(
    alignment: Alignment,
    vectors: Matrix,
    *,
    words: int = 250,
    max_sentences: int | None = None,
    weights: SelectionWeights | None = None,
    solver: Literal["greedy", "ilp"] = "greedy",
    value_model: LinearModel | None = None,
    fill: bool = False,
    solver_seconds: float | None = SOLVER_SECONDS,
) -> Summary:
    """Choose sentences within the budget, order them as a story and cite every supporting article.

    Args:
        alignment: the cluster's documents and their sentence alignment.
        vectors: one normalised row per sentence, in the alignment's sentence order.
        words: the word budget (the summary never exceeds it, unless ``fill``).
        max_sentences: optional cap on the number of sentences.
        weights: selection weights (defaults tuned on Multi-News val).
        solver: "ilp" chooses the whole set by an integer program, "greedy" one sentence at a time.
        value_model: a learned model of each sentence's value per word (see :func:`load_model`);
            ``weights.learned`` times its score is added to the sentence's value.
        fill: when the chosen sentences leave words of the budget unused, add one more sentence
            at the end that runs past it, so that the first ``words`` words hold no gap (for
            evaluations that cut every summary at exactly that many words, as DUC's does).
        solver_seconds: wall-clock limit of the integer program, after which its best solution
            found is taken (or the greedy one); None: no limit, so that the summary never depends on
            how busy the machine is (see :data:`storyline.config.SOLVER_SECONDS`).

    Returns:
        The summary, with the articles as given.
    """
    weights = weights or SelectionWeights()
    sentences = [sentence for document in alignment.documents for sentence in document.sentences]
    articles = tuple(document.article for document in alignment.documents)
    if not sentences:
        return Summary((), articles, _notes(alignment))
    by_id = {sentence.id: sentence for sentence in sentences}
    signals = _signals(alignment, vectors, weights)
    lengths = signals.lengths
    concepts, concept_weight, openings, sizes = (
        signals.concepts,
        signals.concept_weight,
        signals.openings,
        signals.sizes,
    )
    base = [
        weights.centrality * float(signals.centrality[i])
        + weights.support * (signals.support[i] / max(1, signals.group_count - 1))
        + weights.position / (1.0 + sentence.index) ** 0.5
        for i, sentence in enumerate(sentences)
    ]
    eligible = [i for i in range(len(sentences)) if weights.min_words <= sizes[i] <= weights.max_words]
    if value_model is not None and weights.learned:
        scores = value_model.predict(_sentence_matrix(signals, value_model.features), vectors)
        if weights.learned_spread > 0:
            scores = _standardise(scores, eligible or list(range(len(sentences))), weights.learned_spread)
        base = [value + weights.learned * float(score) for value, score in zip(base, scores, strict=True)]
    standalone = {i for i in eligible if signals.standalone[i]}
    # A sentence that leans on the one before it (a pronoun, a connective, a quotation going
    # on) may follow that sentence once it is chosen: it is then printed right after it.
    previous = {
        i: i - 1
        for i in range(1, len(sentences))
        if sentences[i - 1].article_id == sentences[i].article_id and sentences[i - 1].index == sentences[i].index - 1
    }
    if not standalone:
        standalone = set(eligible or range(len(sentences)))
    dependent = {i for i in eligible if i not in standalone and i in previous} if weights.chain else set()

    position_of = {sentence.id: i for i, sentence in enumerate(sentences)}
    paired = [{position_of[other] for other in alignment.support.get(sentence.id, ())} for sentence in sentences]
    problem = _Problem(concepts, concept_weight, base, sizes, standalone, dependent, previous, paired, vectors)
    if solver == "ilp":
        chosen = _solve_ilp(problem, words, max_sentences, weights, solver_seconds)
    else:
        chosen = _solve_greedy(problem, words, max_sentences, weights)
    taken = set(chosen)

    published = {article.id: article.published or "" for article in articles}
    heads = [i for i in chosen if i not in dependent]
    heads.sort(
        key=lambda i: (
            sentences[i].index / max(1, lengths[sentences[i].article_id]),
            published[sentences[i].article_id],
            -base[i],
        )
    )
    ordered: list[int] = []
    for head in heads:
        ordered.append(head)
        following = head + 1
        while following in taken and following in dependent:
            ordered.append(following)
            following += 1
    chosen = ordered
    used = sum(sizes[i] for i in chosen)
    if fill and used < words and (max_sentences is None or len(chosen) < max_sentences):
        extra = _overflow(
            problem,
            chosen,
            words - used,
            [sentence.text[o:] for sentence, o in zip(sentences, openings, strict=True)],
            weights,
        )
        if extra is not None:
            chosen.append(extra)
    summary_sentences = tuple(_cite(sentences[i], openings[i], alignment, by_id) for i in chosen)
    return Summary(summary_sentences, articles, _notes(alignment))


@dataclass(frozen=True, slots=True)
class LinearModel:
    """A linear model over named features, fitted on Multi-News val by benchmarks/learn_value.py.

    Features are standardised (``(x - mean) / scale``) before the weights apply; with ``lower`` and
    ``upper`` (the range seen in training, standardised) each is first held inside that range, so an
    input unlike the training data (a 60-sentence article where training saw 15) does not push a
    score past anything the fit has seen. ``vector_coef``, when given, weighs the sentence's vector
    too (what kind of statement it is), and ``encoder`` names the embedding model those weights read.
    """

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    lower: tuple[float, ...] = ()
    upper: tuple[float, ...] = ()
    vector_coef: tuple[float, ...] = ()
    encoder: str | None = None

    def predict(
        self, matrix: npt.NDArray[np.float64], vectors: npt.NDArray[np.float32] | None = None
    ) -> npt.NDArray[np.float64]:
        """One score per row of ``matrix`` (columns in the order of ``features``).

        ``vectors`` (one row per sentence) are needed when the model weighs them (``vector_coef``).

        Raises:
            ConfigError: the model weighs vectors and none, or ones of another dimension, are given.
        """
        if len(matrix) == 0:
            return np.zeros(0)
        standard = (matrix - np.asarray(self.mean)) / np.asarray(self.scale)
        if self.lower:
            standard = np.clip(standard, np.asarray(self.lower), np.asarray(self.upper))
        result: npt.NDArray[np.float64] = standard @ np.asarray(self.coef) + self.intercept
        if self.vector_coef:
            if vectors is None or vectors.shape != (len(matrix), len(self.vector_coef)):
                got = "none" if vectors is None else f"shape {vectors.shape}"
                raise ConfigError(
                    f"this selection model weighs {len(self.vector_coef)}-dimensional sentence vectors of "
                    f"{self.encoder or 'its encoder'}, got {got}; use that embedding model or selector coverage.v2"
                )
            result = result + vectors.astype(np.float64) @ np.asarray(self.vector_coef)
        return result

    def to_json(self) -> dict[str, object]:
        """The model as plain JSON values (what :func:`load_model` reads)."""
        data: dict[str, object] = {
            "features": list(self.features),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "coef": list(self.coef),
            "intercept": self.intercept,
        }
        if self.lower:
            data["lower"], data["upper"] = list(self.lower), list(self.upper)
        if self.vector_coef:
            data["vector_coef"], data["encoder"] = list(self.vector_coef), self.encoder
        return data


def _standardise(scores: npt.NDArray[np.float64], among: Sequence[int], spread: float) -> npt.NDArray[np.float64]:
    """``1 + spread * z``, with z the scores standardised by their mean and spread ``among`` those rows."""
    reference = scores[list(among)]
    deviation = float(reference.std())
    result: npt.NDArray[np.float64] = 1.0 + spread * (scores - float(reference.mean())) / (deviation or 1.0)
    return result


def load_model(name: str) -> LinearModel:
    """Load a linear model shipped in the package (``storyline/weights/NAME.json``).

    Raises:
        ConfigError: no such model, or its file does not describe one.
    """
    return _load_model(name)


@functools.lru_cache(maxsize=8)
def _load_model(name: str) -> LinearModel:
    resource = resources.files("storyline") / "weights" / f"{name}.json"
    try:
        data = json.loads(resource.read_text(encoding="utf-8"))
        features = tuple(str(feature) for feature in data["features"])
        unknown = sorted(set(features) - set(SENTENCE_FEATURES))
        if unknown:
            raise ValueError(f"unknown features {unknown}")
        model = LinearModel(
            features,
            tuple(float(value) for value in data["mean"]),
            tuple(float(value) for value in data["scale"]),
            tuple(float(value) for value in data["coef"]),
            float(data["intercept"]),
            tuple(float(value) for value in data.get("lower", ())),
            tuple(float(value) for value in data.get("upper", ())),
            tuple(float(value) for value in data.get("vector_coef", ())),
            data.get("encoder"),
        )
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ConfigError(
            f"selection model '{name}' cannot be loaded ({error}); regenerate it with benchmarks/learn_value.py"
        ) from error
    if not len(model.mean) == len(model.scale) == len(model.coef) == len(features):
        raise ConfigError(f"selection model '{name}': features, mean, scale and coef differ in length")
    if model.lower and not len(model.lower) == len(model.upper) == len(features):
        raise ConfigError(f"selection model '{name}': lower and upper must give one bound per feature")
    return model


#: What a sentence value model may look at, each computed by :func:`_sentence_matrix`.
SENTENCE_FEATURES = (
    "lead",  # 1 / sqrt(1 + index in article)
    "first",  # the article's first sentence
    "relative_position",  # index / sentences in the article
    "article_order",  # the article's place in the cluster, 0 (first) .. 1 (last)
    "article_sentences",  # log(1 + sentences in the article)
    "words",  # log(words)
    "centrality",  # cosine to the cluster centroid
    "support",  # share of the other outlets that state the same fact
    "supported",  # at least one other outlet does
    "coverage",  # concept weight held, over the cluster's most
    "coverage_per_word",  # concept weight per word, over the cluster's most
    "numbers",  # holds a digit
    "entities",  # named entities, at most 5, over 5
    "quote",  # holds a quotation mark
    "standalone",  # reads on its own
    "articles",  # log(articles in the cluster)
    "outlets",  # log(independent outlets in the cluster)
)


@dataclass(frozen=True, slots=True)
class _Signals:
    """What selection knows of each sentence before choosing."""

    sentences: Sequence[Sentence]
    lengths: dict[str, int]  # article id -> its number of sentences
    article_order: dict[str, int]  # article id -> its place in the cluster
    group_count: int
    concepts: Sequence[set[str]]
    concept_weight: dict[str, float]
    centrality: npt.NDArray[np.float32]
    support: Sequence[int]
    openings: Sequence[int]
    sizes: Sequence[int]
    standalone: Sequence[bool]


def _signals(alignment: Alignment, vectors: Matrix, weights: SelectionWeights) -> _Signals:
    sentences = [sentence for document in alignment.documents for sentence in document.sentences]
    group_count = len(set(alignment.groups.values()))
    concepts = [_concepts(sentence.text) for sentence in sentences]
    concept_weight = _concept_weights(sentences, concepts, alignment.groups, group_count, weights.singleton)
    centroid = _centroid(sentences, vectors, alignment.groups)
    centrality = vectors @ centroid if len(vectors) else np.zeros(0, dtype=np.float32)
    # A dateline ("PORT WENDELL (FPA) — ") is where the story was filed, not part of its fact: the
    # summary quotes the sentence from just after it (the citation still starts the exact slice).
    openings = [
        dateline_length(sentence.text, first=index == 0)
        for document in alignment.documents
        for index, sentence in enumerate(document.sentences)
    ]
    return _Signals(
        sentences=sentences,
        lengths={document.article.id: len(document.sentences) for document in alignment.documents},
        article_order={document.article.id: k for k, document in enumerate(alignment.documents)},
        group_count=group_count,
        concepts=concepts,
        concept_weight=concept_weight,
        centrality=centrality,
        support=[_support_groups(sentence, alignment) for sentence in sentences],
        openings=openings,
        sizes=[word_count(sentence.text[opening:]) for sentence, opening in zip(sentences, openings, strict=True)],
        standalone=[
            stands_alone(sentence.text[opening:]) for sentence, opening in zip(sentences, openings, strict=True)
        ],
    )


def sentence_features(
    alignment: Alignment, vectors: Matrix, features: Sequence[str] = SENTENCE_FEATURES
) -> npt.NDArray[np.float64]:
    """The value-model features of every sentence (rows in the alignment's sentence order)."""
    return _sentence_matrix(_signals(alignment, vectors, SelectionWeights()), features)


def _sentence_matrix(signals: _Signals, features: Sequence[str]) -> npt.NDArray[np.float64]:
    sentences, sizes = signals.sentences, signals.sizes
    held = np.array([sum(signals.concept_weight.get(c, 0.0) for c in found) for found in signals.concepts])
    per_word = held / np.maximum(1, np.asarray(sizes, dtype=np.float64))
    articles = len(signals.lengths)
    columns: dict[str, Callable[[], npt.ArrayLike]] = {
        "lead": lambda: [1.0 / (1.0 + s.index) ** 0.5 for s in sentences],
        "first": lambda: [float(s.index == 0) for s in sentences],
        "relative_position": lambda: [s.index / max(1, signals.lengths[s.article_id]) for s in sentences],
        "article_order": lambda: [signals.article_order[s.article_id] / max(1, articles - 1) for s in sentences],
        "article_sentences": lambda: [np.log1p(signals.lengths[s.article_id]) for s in sentences],
        "words": lambda: np.log(np.maximum(1, np.asarray(sizes, dtype=np.float64))),
        "centrality": lambda: signals.centrality.astype(np.float64),
        "support": lambda: [count / max(1, signals.group_count - 1) for count in signals.support],
        "supported": lambda: [float(count > 0) for count in signals.support],
        "coverage": lambda: held / (held.max() or 1.0),
        "coverage_per_word": lambda: per_word / (per_word.max() or 1.0),
        "numbers": lambda: [float(any(ch.isdigit() for ch in s.text)) for s in sentences],
        "entities": lambda: [min(5, len(s.entities)) / 5 for s in sentences],
        "quote": lambda: [float(any(mark in s.text for mark in '"“”')) for s in sentences],
        "standalone": lambda: [float(flag) for flag in signals.standalone],
        "articles": lambda: np.full(len(sentences), np.log(max(1, articles))),
        "outlets": lambda: np.full(len(sentences), np.log(max(1, signals.group_count))),
    }
    if not sentences:
        return np.zeros((0, len(features)))
    return np.column_stack([np.asarray(columns[name](), dtype=np.float64) for name in features])


@dataclass(frozen=True, slots=True)
class _Problem:
    """What a solver needs: each sentence's concepts, value, size and which ones may be taken."""

    concepts: Sequence[set[str]]
    concept_weight: dict[str, float]
    base: Sequence[float]
    sizes: Sequence[int]
    standalone: set[int]
    dependent: set[int]
    previous: dict[int, int]
    paired: Sequence[set[int]]
    vectors: Matrix


def _solve_greedy(problem: _Problem, words: int, max_sentences: int | None, weights: SelectionWeights) -> list[int]:
    """Add the sentence of best value per word until the budget is spent (coverage.v1)."""
    concepts, concept_weight, base, sizes = problem.concepts, problem.concept_weight, problem.base, problem.sizes
    standalone, dependent, previous, paired, vectors = (
        problem.standalone,
        problem.dependent,
        problem.previous,
        problem.paired,
        problem.vectors,
    )
    covered: set[str] = set()
    chosen: list[int] = []
    taken: set[int] = set()
    used = 0
    max_coverage = max((sum(concept_weight.get(c, 0.0) for c in concepts[i]) for i in standalone), default=1.0) or 1.0
    while True:
        if max_sentences is not None and len(chosen) >= max_sentences:
            break
        best, best_value = -1, -np.inf
        for i in sorted(standalone | {i for i in dependent if previous[i] in taken}):
            if i in taken or used + sizes[i] > words:
                continue
            if chosen and float(np.max(vectors[chosen] @ vectors[i])) >= weights.redundancy:
                continue
            if weights.same_fact and not taken.isdisjoint(paired[i]):
                continue
            total = sum(concept_weight.get(c, 0.0) for c in concepts[i])
            gained = sum(concept_weight.get(c, 0.0) for c in concepts[i] - covered)
            if chosen and total > 0 and gained < weights.novelty * total:
                continue  # its fact is mostly told already
            new = gained / max_coverage
            value = (weights.coverage * new + base[i]) / sizes[i] ** weights.length_exponent
            if value > best_value:
                best, best_value = i, value
        if best < 0:
            break
        chosen.append(best)
        taken.add(best)
        covered |= concepts[best]
        used += sizes[best]
    return chosen


def _solve_ilp(
    problem: _Problem, words: int, max_sentences: int | None, weights: SelectionWeights, seconds: float | None
) -> list[int]:
    """Choose the set of sentences that covers the most concept weight within the budget.

    An integer program over sentences and concepts (the concept-coverage model of Gillick and
    Favre, 2009, "A Scalable Global Model for Summarization"): maximise the weight of the
    concepts covered plus each chosen sentence's own value, with the words within the budget.
    Two sentences that state one fact (aligned, or nearly the same vector) are never both
    taken, and a dependent sentence only with the one it leans on. Falls back to the greedy
    solver when the solver finds no solution within ``seconds`` (None: no limit).
    """
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_matrix

    allowed = set(problem.standalone)
    for i in sorted(problem.dependent):  # ascending, so a chain of dependents joins link by link
        if problem.previous[i] in allowed:
            allowed.add(i)
    candidates = sorted(allowed)
    if not candidates:
        return []
    column = {sentence: k for k, sentence in enumerate(candidates)}
    # Concepts are sets of strings, whose order changes from one process to the next (hash
    # seeds): numbered in sorted order, the program is the same in every process, and so is the
    # solver's pick among equally good summaries (copies of one wire sentence in two outlets).
    concept_ids: dict[str, int] = {}
    holders: dict[int, list[int]] = {}  # concept -> the columns of the sentences that hold it
    for i in candidates:
        for concept in sorted(problem.concepts[i]):
            if problem.concept_weight.get(concept, 0.0) >= weights.ilp_min_weight:
                k = concept_ids.setdefault(concept, len(concept_ids))
                holders.setdefault(k, []).append(column[i])
    n, m = len(candidates), len(concept_ids)
    total_weight = sum(problem.concept_weight[concept] for concept in concept_ids) or 1.0
    objective = np.zeros(n + m)
    for i in candidates:
        objective[column[i]] = weights.ilp_sentence * problem.base[i] * problem.sizes[i] / max(1, words)
    for concept, k in concept_ids.items():
        objective[n + k] = problem.concept_weight[concept] / total_weight
    rows: list[int] = []
    cols: list[int] = []
    values: list[float] = []
    lower: list[float] = []
    upper: list[float] = []

    def constrain(terms: list[tuple[int, float]], low: float, high: float) -> None:
        row = len(lower)
        for col, value in terms:
            rows.append(row)
            cols.append(col)
            values.append(value)
        lower.append(low)
        upper.append(high)

    constrain([(column[i], float(problem.sizes[i])) for i in candidates], 0.0, float(words))
    if max_sentences is not None:
        constrain([(column[i], 1.0) for i in candidates], 0.0, float(max_sentences))
    for k, held_by in holders.items():  # a concept counts only when a chosen sentence holds it
        constrain([(n + k, 1.0)] + [(col, -1.0) for col in held_by], -np.inf, 0.0)
    for i in candidates:
        if i in problem.dependent:  # never in standalone (see select)
            constrain([(column[i], 1.0), (column[problem.previous[i]], -1.0)], -np.inf, 0.0)
    similar = problem.vectors[candidates] @ problem.vectors[candidates].T
    exclusive = {(int(a), int(b)) for a, b in np.argwhere(np.triu(similar >= weights.redundancy, 1))}
    if weights.same_fact:
        for i in candidates:
            exclusive.update(
                (min(column[i], column[j]), max(column[i], column[j])) for j in problem.paired[i] if j in column
            )
    for a, b in sorted(exclusive):  # at most one of two sentences that tell the same fact
        constrain([(a, 1.0), (b, 1.0)], -np.inf, 1.0)
    matrix = coo_matrix((values, (rows, cols)), shape=(len(lower), n + m)).tocsr()
    result = milp(
        -objective,
        constraints=LinearConstraint(matrix, lower, upper),
        integrality=np.concatenate([np.ones(n), np.zeros(m)]),
        bounds=Bounds(0.0, 1.0),
        options={} if seconds is None else {"time_limit": seconds},
    )
    if result.x is None:
        return _solve_greedy(problem, words, max_sentences, weights)
    return [i for i in candidates if result.x[column[i]] > 0.5]


def _overflow(
    problem: _Problem, chosen: list[int], left: int, texts: Sequence[str], weights: SelectionWeights
) -> int | None:
    """The sentence to append past the budget: the one whose first ``left`` words cover the most
    concept weight not covered yet (then the highest own value), among the standalone sentences that
    are too long for the ``left`` words (one that fits was left out by the solver on purpose) and
    repeat no chosen fact. Measured on Multi-News val at 100 words (benchmarks/ablate.py ilp_fill)."""
    covered = set().union(*(problem.concepts[i] for i in chosen)) if chosen else set()
    taken = set(chosen)
    best: int | None = None
    best_key = (-np.inf, -np.inf)
    for i in sorted(problem.standalone):
        if i in taken or problem.sizes[i] <= left or not taken.isdisjoint(problem.paired[i]):
            continue
        if chosen and float(np.max(problem.vectors[chosen] @ problem.vectors[i])) >= weights.redundancy:
            continue
        kept = " ".join(_first_words(texts[i], left))
        gained = sum(problem.concept_weight.get(concept, 0.0) for concept in sorted(_concepts(kept) - covered))
        key = (gained, problem.base[i])
        if key > best_key:
            best, best_key = i, key
    return best


def _first_words(text: str, count: int) -> list[str]:
    """The whitespace tokens of ``text`` up to and including its ``count``-th word (see word_count)."""
    tokens: list[str] = []
    seen = 0
    for token in text.split():
        if seen >= count:
            break
        tokens.append(token)
        seen += any(character.isalnum() for character in token)
    return tokens


def _concept_weights(
    sentences: Sequence[Sentence],
    concepts: Sequence[set[str]],
    groups: dict[str, int],
    group_count: int,
    singleton: float = 0.0,
) -> dict[str, float]:
    """Weight of a concept: how many independent outlets (near-duplicate groups) mention it."""
    seen: dict[str, set[int]] = {}
    frequency: Counter[str] = Counter()
    for sentence, found in zip(sentences, concepts, strict=True):
        for concept in found:
            seen.setdefault(concept, set()).add(groups[sentence.article_id])
            frequency[concept] += 1
    if group_count > 1:
        return {concept: float(len(ids)) if len(ids) >= 2 else singleton for concept, ids in seen.items()}
    return {concept: float(count) if count >= 2 else singleton for concept, count in frequency.items()}


def _centroid(sentences: Sequence[Sentence], vectors: Matrix, groups: dict[str, int]) -> npt.NDArray[np.float32]:
    """Mean sentence vector, each near-duplicate group weighted once."""
    by_group: dict[int, list[int]] = {}
    for index, sentence in enumerate(sentences):
        by_group.setdefault(groups[sentence.article_id], []).append(index)
    means = [vectors[indices].mean(axis=0) for indices in by_group.values()]
    centroid = np.mean(means, axis=0)
    norm = float(np.linalg.norm(centroid))
    result: npt.NDArray[np.float32] = (centroid / norm if norm else centroid).astype(np.float32)
    return result


def _support_groups(sentence: Sentence, alignment: Alignment) -> int:
    """How many other independent outlets state this sentence's fact."""
    own = alignment.groups[sentence.article_id]
    others = {alignment.groups[sid.rsplit(":", 1)[0]] for sid in alignment.support.get(sentence.id, ())}
    others.discard(own)
    return len(others)


def _cite(sentence: Sentence, opening: int, alignment: Alignment, by_id: dict[str, Sentence]) -> SummarySentence:
    citations = [Citation(sentence.article_id, sentence.start + opening, sentence.end)]
    for other_id in alignment.support.get(sentence.id, ()):
        other = by_id[other_id]
        citations.append(Citation(other.article_id, other.start, other.end))
    return SummarySentence(sentence.text[opening:], tuple(citations))


def _notes(alignment: Alignment) -> tuple[str, ...]:
    articles = [document.article for document in alignment.documents]
    notes: list[str] = []
    if len(articles) == 1:
        notes.append(f"Single source: only one article ({articles[0].source}); nothing could be cross-checked.")
    elif len(set(alignment.groups.values())) == 1:
        notes.append(
            f"Single source: all {len(articles)} articles carry the same story text; nothing could be cross-checked."
        )
    by_group: dict[int, list[str]] = {}
    for article in articles:
        by_group.setdefault(alignment.groups[article.id], []).append(article.source)
    for sources in by_group.values():
        if 1 < len(sources) < len(articles):
            notes.append(f"Same story text (counted once): {', '.join(sources)}.")
    return tuple(notes)
