"""Aligning facts across articles and grouping near-duplicate stories (align.py)."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pytest

from storyline.align import align, key_terms, near_duplicate_groups
from storyline.types import Entity, Sentence
from tests.unit.conftest import make_document

WIRE = (
    "PORT WENDELL (FPA) — The Kestrel Narrows Bridge stayed closed in both directions on Wednesday, a day after "
    "the container ship Corvina Bay lost power and struck one of its piers. Commuters from the eastern suburbs "
    "faced long delays on the detour through the Millrace Tunnel and along Harbor Avenue. Mayor Annika Brandvold "
    "said state engineers were still assessing a cracked concrete column and that the bridge would remain shut "
    "for at least two weeks. Officials have not said what caused the ship to lose power."
)
OTHER = (
    "Ferry operators in Port Wendell added twelve extra crossings a day to carry commuters across the harbour "
    "while the damaged bridge is repaired. The harbour master said the new timetable would start on Thursday "
    "morning and run until further notice, with the first boat leaving Slate Island at half past five. Tickets "
    "will cost the same as before, and monthly passes bought for the bridge toll will be accepted on board."
)

DIMENSION = 8


def unit(index: int) -> npt.NDArray[np.float32]:
    vector = np.zeros(DIMENSION, dtype=np.float32)
    vector[index] = 1.0
    return vector


def at_cosine(cosine: float, base: int = 0, other: int = 1) -> npt.NDArray[np.float32]:
    """A unit vector whose cosine with ``unit(base)`` is ``cosine``."""
    return (cosine * unit(base) + math.sqrt(1.0 - cosine**2) * unit(other)).astype(np.float32)


def stack(*rows: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    return np.stack(rows).astype(np.float32)


def test_near_duplicate_groups_joins_a_wire_copy_with_an_extra_paragraph() -> None:
    documents = [
        make_document("wire", WIRE),
        make_document("other", OTHER),
        make_document("copy", WIRE, "Reporting by the Port Wendell Ledger newsroom; editing by the night desk staff."),
    ]
    groups = near_duplicate_groups(documents)
    assert groups == {"wire": 0, "other": 1, "copy": 0}


def test_near_duplicate_groups_keeps_different_stories_apart() -> None:
    groups = near_duplicate_groups([make_document("a", WIRE), make_document("b", OTHER)])
    assert groups["a"] != groups["b"]


def test_identical_vectors_in_different_articles_are_aligned() -> None:
    documents = [
        make_document("a", "The bridge was closed on Wednesday.", "Engineers checked the column."),
        make_document("b", "The crossing stayed shut on Wednesday.", "Ferries ran all day long."),
    ]
    alignment = align(documents, stack(unit(0), unit(1), unit(0), unit(2)))
    assert alignment.support["a:s0"] == ("b:s0",)
    assert alignment.support["b:s0"] == ("a:s0",)
    assert alignment.similarity[("a:s0", "b:s0")] == pytest.approx(1.0)


def test_orthogonal_vectors_are_not_aligned() -> None:
    documents = [
        make_document("a", "The bridge was closed on Wednesday.", "Engineers checked the column."),
        make_document("b", "Ferries ran all day long.", "Tickets cost the same as before."),
    ]
    alignment = align(documents, stack(unit(0), unit(1), unit(2), unit(3)))
    assert all(found == () for found in alignment.support.values())
    assert alignment.similarity == {}


def test_sentences_of_the_same_article_are_never_aligned() -> None:
    documents = [
        make_document("a", "The bridge was closed on Wednesday.", "The bridge was closed on Wednesday again."),
        make_document("b", "Ferries ran all day long.", "Tickets cost the same as before."),
    ]
    alignment = align(documents, stack(unit(0), unit(0), unit(2), unit(3)))
    assert alignment.support["a:s0"] == ()
    assert alignment.support["a:s1"] == ()


def test_support_lists_at_most_one_sentence_per_other_article_best_first() -> None:
    documents = [
        make_document("a", "The bridge was closed on Wednesday."),
        make_document("b", "The bridge stayed shut on Wednesday.", "The bridge was closed, officials said."),
        make_document("c", "The crossing was closed on Wednesday."),
    ]
    vectors = stack(unit(0), at_cosine(0.9), at_cosine(0.95), at_cosine(0.8, other=2))
    alignment = align(documents, vectors)
    assert alignment.support["a:s0"] == ("b:s1", "c:s0")
    for sentence_id, supported in alignment.support.items():
        articles = [other.rsplit(":", 1)[0] for other in supported]
        assert len(articles) == len(set(articles))
        assert sentence_id.rsplit(":", 1)[0] not in articles


def test_copies_that_tie_but_for_the_last_bits_are_cited_in_document_order() -> None:
    # One wire sentence run by three outlets: its copies' similarities differ only by float
    # rounding, which must not decide the order of citations.
    documents = [
        make_document("a", "The bridge was closed on Wednesday."),
        make_document("b", "The bridge was closed on Wednesday."),
        make_document("c", "The bridge was closed on Wednesday."),
    ]
    for nudged in (1, 2):
        vectors = stack(unit(0), unit(0), unit(0))
        vectors[nudged] = at_cosine(1.0 - 1e-6)
        assert align(documents, vectors).support["a:s0"] == ("b:s0", "c:s0")


def test_moderate_similarity_is_aligned_only_with_a_shared_rare_term() -> None:
    # Raw cosine 0.65: above the low threshold (0.6) but below the high one (0.72) for small
    # clusters, so a shared number decides.
    documents = [
        make_document("a", "Commuters waited 45 minutes at the detour."),
        make_document("b", "Drivers faced delays of 45 minutes."),
        make_document("c", "Drivers faced long delays in the morning."),
    ]
    vectors = stack(unit(0), at_cosine(0.65), at_cosine(0.65, other=2))
    alignment = align(documents, vectors)
    assert alignment.support["a:s0"] == ("b:s0",)
    assert alignment.support["c:s0"] == ()


def test_align_with_no_sentences_gives_empty_support() -> None:
    documents = [make_document("a"), make_document("b")]
    alignment = align(documents, np.zeros((0, DIMENSION), dtype=np.float32))
    assert alignment.support == {}
    assert alignment.groups == {"a": 0, "b": 1}


def test_align_rejects_a_vector_count_that_does_not_match() -> None:
    with pytest.raises(ValueError, match="vectors"):
        align([make_document("a", "One sentence here.", "Two sentences here.")], stack(unit(0)))


def test_key_terms_picks_numbers_and_key_entities() -> None:
    text = "Ana Ruiz said the Harbour Authority spent $1,200. on the first Dutch tug in 2026."
    sentence = Sentence(
        "a:s0",
        "a",
        0,
        text,
        0,
        len(text),
        entities=(
            Entity("Ana Ruiz", "PERSON", 0, 8),
            Entity("the Harbour Authority", "ORG", 14, 35),
            Entity("first", "ORDINAL", 53, 58),
            Entity("Dutch", "NORP", 59, 64),
            Entity("2026", "DATE", 76, 80),
        ),
    )
    assert key_terms(sentence) == {"ana ruiz", "harbour authority", "1,200", "2026"}


def test_key_terms_of_a_plain_sentence_is_empty() -> None:
    sentence = Sentence("a:s0", "a", 0, "The bridge was closed.", 0, 22)
    assert key_terms(sentence) == frozenset()
