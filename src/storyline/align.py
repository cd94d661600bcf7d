"""Find which sentences of different articles state the same fact.

Documents + sentence vectors -> Alignment. Two sentences are aligned by meaning (cosine of
their embeddings) and by what they name (shared entities, numbers and dates), not by word
overlap alone. Articles that are the same wire story (near-duplicates by word shingles) form
one group, so they count once for content but are all cited.

Knows nothing about summaries or output formats.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from storyline.groups import Groups
from storyline.text import WORD_CHARACTERS
from storyline.types import Alignment, Document, Sentence

__all__ = ["align", "centred_similarity", "key_terms", "near_duplicate_groups"]

Matrix = npt.NDArray[np.float32]

# Similarities are cosines of *centred* vectors (the cluster's mean sentence vector
# subtracted): every sentence of a cluster shares its topic, which pushes raw cosines of
# unrelated facts to 0.6-0.7 with all-MiniLM-L6-v2; centring removes that shared part.
# Values checked on the seed story's sentence pairs (benchmarks: seeds, examples cluster).
#: Centred cosine at or above which two sentences state the same fact on meaning alone.
SAME_FACT = 0.55
#: A lower centred cosine suffices when both also name the same rare entity, number or date.
SAME_FACT_WITH_TERMS = 0.38
#: Raw cosine that means the same fact whatever the centring (near-verbatim sentences).
SAME_TEXT = 0.85
#: A term in more than this share of the cluster's sentences is its topic, not a fact marker.
RARE_TERM_SHARE = 0.2
#: Below this many sentences the cluster mean is a poor topic estimate: use raw cosines.
MIN_SENTENCES_TO_CENTRE = 12
#: Word-5-gram containment at or above which two articles are the same story text.
NEAR_DUPLICATE = 0.5

_WORD = WORD_CHARACTERS
_NUMBER = re.compile(r"\d[\d,.]*")
# Labels whose entities identify a fact; ORDINAL ("first") and NORP are too generic to count.
_KEY_LABELS = frozenset(
    {
        "PERSON",
        "ORG",
        "GPE",
        "LOC",
        "FAC",
        "EVENT",
        "DATE",
        "TIME",
        "MONEY",
        "QUANTITY",
        "PERCENT",
        "CARDINAL",
        "LAW",
        "PRODUCT",
        "WORK_OF_ART",
    }
)


def key_terms(sentence: Sentence) -> frozenset[str]:
    """The entities, numbers and dates of a sentence, lower-cased (used to confirm alignments)."""
    terms = {entity.text.lower().removeprefix("the ") for entity in sentence.entities if entity.label in _KEY_LABELS}
    terms.update(match.group(0).rstrip(".,") for match in _NUMBER.finditer(sentence.text))
    return frozenset(term for term in terms if term)


def centred_similarity(vectors: Matrix) -> Matrix:
    """Cosine similarity of the vectors after subtracting their mean (the cluster's topic)."""
    centred = vectors - vectors.mean(axis=0, keepdims=True)
    norms = np.linalg.norm(centred, axis=1, keepdims=True)
    centred = centred / np.where(norms > 0, norms, 1.0)
    result: Matrix = (centred @ centred.T).astype(np.float32)
    return result


def _rare_terms(terms: list[frozenset[str]]) -> list[frozenset[str]]:
    """Drop the terms that appear in so many sentences that they name the topic, not a fact."""
    counts: dict[str, int] = {}
    for found in terms:
        for term in found:
            counts[term] = counts.get(term, 0) + 1
    limit = max(2, RARE_TERM_SHARE * len(terms))
    return [frozenset(term for term in found if counts[term] <= limit) for found in terms]


def _shingles(text: str, size: int = 5) -> set[int]:
    words = [word.lower() for word in _WORD.findall(text)]
    return {hash(tuple(words[i : i + size])) for i in range(max(0, len(words) - size + 1))}


def near_duplicate_groups(documents: Sequence[Document]) -> dict[str, int]:
    """Group articles whose texts are mostly the same (a wire story run by several outlets).

    Returns:
        article id -> group number; the group number is the index of the group's first article.
    """
    shingles = [_shingles(document.article.text) for document in documents]
    groups_of = Groups(len(documents))

    for i in range(len(documents)):
        for j in range(i + 1, len(documents)):
            smaller = min(len(shingles[i]), len(shingles[j]))
            if smaller and len(shingles[i] & shingles[j]) / smaller >= NEAR_DUPLICATE:
                groups_of.join(j, i)
    return {document.article.id: groups_of.root(index) for index, document in enumerate(documents)}


def align(documents: Sequence[Document], vectors: Matrix) -> Alignment:
    """Align the sentences of several documents.

    Args:
        documents: the cluster's documents.
        vectors: one normalised row per sentence, in document order then sentence order.

    Returns:
        The alignment: near-duplicate groups and, per sentence, the sentences of other
        articles that state the same fact (most similar first).
    """
    sentences = [sentence for document in documents for sentence in document.sentences]
    if len(sentences) != len(vectors):
        raise ValueError(f"got {len(vectors)} vectors for {len(sentences)} sentences")
    groups = near_duplicate_groups(documents)
    article_index = {document.article.id: index for index, document in enumerate(documents)}
    article_of = np.array([article_index[sentence.article_id] for sentence in sentences], dtype=np.int64)
    raw = vectors @ vectors.T if len(sentences) else np.zeros((0, 0), dtype=np.float32)
    similarity = centred_similarity(vectors) if len(sentences) >= MIN_SENTENCES_TO_CENTRE else raw
    low = SAME_FACT_WITH_TERMS if len(sentences) >= MIN_SENTENCES_TO_CENTRE else 0.6
    high = SAME_FACT if len(sentences) >= MIN_SENTENCES_TO_CENTRE else 0.72
    terms = _rare_terms([key_terms(sentence) for sentence in sentences])

    support: dict[str, tuple[str, ...]] = {}
    pairs: dict[tuple[str, str], float] = {}
    for i, sentence in enumerate(sentences):
        row = similarity[i]
        other_article = article_of != article_of[i]
        candidates = np.nonzero(((row >= low) | (raw[i] >= SAME_TEXT)) & other_article)[0]
        matches: list[tuple[float, int]] = []
        for candidate in candidates:
            j = int(candidate)
            score = float(row[j])
            if score >= high or raw[i, j] >= SAME_TEXT or terms[i] & terms[j]:
                matches.append((score, j))
        # Keep the best match per other article: one article states a fact once.
        best: dict[str, tuple[float, int]] = {}
        for score, match in matches:
            other = sentences[match].article_id
            if other not in best or score > best[other][0]:
                best[other] = (score, match)
        # Most similar first, to 4 decimals, then in document order: copies of one sentence in
        # several articles tie, or differ only by float rounding, which must not decide the order
        # of the citations.
        ranked = sorted(best.values(), key=lambda item: (-round(item[0], 4), item[1]))
        support[sentence.id] = tuple(sentences[match].id for _, match in ranked)
        for score, j in ranked:
            pairs[(sentence.id, sentences[j].id)] = round(score, 4)
    return Alignment(documents=tuple(documents), groups=groups, support=support, similarity=pairs)
