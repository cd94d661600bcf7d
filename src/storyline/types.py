"""Core data types that flow through the pipeline.

input -> Article -> Document(sentences) -> Alignment -> Summary -> str
                                                     and Comparison (agreements, contradictions, quotes, timeline)

All types are frozen, slotted dataclasses: cheap, immutable and picklable (for worker
processes). This module imports nothing else from storyline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "Alignment",
    "Article",
    "Citation",
    "Claim",
    "Comparison",
    "Contradiction",
    "ContradictionKind",
    "Document",
    "Entity",
    "Problem",
    "Quote",
    "Sentence",
    "Summary",
    "SummarySentence",
    "TimelineEvent",
]


@dataclass(frozen=True, slots=True)
class Article:
    """One news article after reading (and, once cleaned, with page clutter removed).

    ``text`` is the article body. Every citation offset in a :class:`Summary` points into it.
    """

    id: str
    text: str
    source: str
    title: str | None = None
    published: str | None = None  # ISO date "YYYY-MM-DD" (or longer ISO timestamp) when known
    url: str | None = None
    # Where it was read from ("path", "path:line", "<stdin>"): for messages only, so it takes no
    # part in equality (a summary read back from JSON equals the one written).
    origin: str = field(default="", compare=False)


@dataclass(frozen=True, slots=True)
class Entity:
    """A named entity, number or date inside a sentence (offsets into Article.text)."""

    text: str
    label: str  # spaCy label: PERSON, ORG, GPE, DATE, CARDINAL, ...
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of an article with its exact character span in ``Article.text``."""

    id: str  # "a2:s14": article id, sentence index; stable across runs
    article_id: str
    index: int  # position of the sentence in its article, from 0
    text: str
    start: int
    end: int
    paragraph: int = 0  # index of the paragraph the sentence is in, from 0
    entities: tuple[Entity, ...] = ()


@dataclass(frozen=True, slots=True)
class Document:
    """An article split into sentences."""

    article: Article
    sentences: tuple[Sentence, ...]


@dataclass(frozen=True, slots=True)
class Alignment:
    """Which sentences of different articles state the same fact.

    ``groups`` maps every article id to its near-duplicate group (the same wire story run by
    several outlets shares one group id). ``support`` maps every sentence id to the sentence
    ids of *other* article groups that state the same fact, best match first.
    """

    documents: tuple[Document, ...]
    groups: dict[str, int]
    support: dict[str, tuple[str, ...]]
    similarity: dict[tuple[str, str], float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Citation:
    """An exact span of source text: ``article.text[start:end]``."""

    article: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class SummarySentence:
    """One summary sentence. ``citations[0]`` is the span its text was taken from."""

    text: str
    citations: tuple[Citation, ...]


ContradictionKind = Literal["number", "date", "entity", "quote", "other"]


@dataclass(frozen=True, slots=True)
class Claim:
    """A fact in the sources: its text (one outlet's sentence) and every span that states it."""

    text: str
    support: tuple[Citation, ...]  # support[0] is the span ``text`` was taken from


@dataclass(frozen=True, slots=True)
class Contradiction:
    """Two or more sources that state the same fact differently (a number, date, name or quotation),
    with the confidence in [0, 1] that they do (the judge's, see compare/judge.py)."""

    kind: ContradictionKind
    explanation: str  # one line naming each side: 'RFE/RL: "at least the fourth time"; LA Times: ...'
    spans: tuple[Citation, ...]  # the sentences that disagree, one per side at least
    confidence: float

    def __post_init__(self) -> None:
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence must be in [0, 1], got {self.confidence!r}")


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct quotation with its speaker and every span that carries it."""

    speaker: str | None  # the named person (or organisation); None when no source names one
    text: str
    support: tuple[Citation, ...]  # support[0] is the quoted words ``text`` was taken from


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    """A dated event: its date made absolute, the sentence that dates it, and every span that does."""

    date: str  # "YYYY-MM-DD", "YYYY-MM" or "YYYY"
    text: str
    support: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class Comparison:
    """How the sources of one cluster compare: what they agree on, what rests on one outlet, where
    they differ, whom they quote and when things happened. Every item cites exact source spans
    (offsets into the texts of ``articles``)."""

    articles: tuple[Article, ...]
    agreements: tuple[Claim, ...] = ()  # facts two or more outlets report, most important first
    single_source: tuple[Claim, ...] = ()  # newsworthy facts only one outlet reports
    contradictions: tuple[Contradiction, ...] = ()
    quotes: tuple[Quote, ...] = ()  # most widely carried first
    timeline: tuple[TimelineEvent, ...] = ()  # in date order


@dataclass(frozen=True, slots=True)
class Problem:
    """An input that was skipped or changed, with a message saying what to do."""

    input: str  # file name, "file:line" or record id
    stage: Literal["read", "clean", "check", "summarize"]
    message: str
    skipped: bool = True


@dataclass(frozen=True, slots=True)
class Summary:
    """The result of summarizing one cluster of articles."""

    sentences: tuple[SummarySentence, ...]
    articles: tuple[Article, ...]
    notes: tuple[str, ...] = ()  # things the reader should know ("single source", ...)
    comparison: Comparison | None = None  # set when a comparison was asked for

    @property
    def text(self) -> str:
        """The summary as plain text, one paragraph."""
        return " ".join(sentence.text for sentence in self.sentences)
