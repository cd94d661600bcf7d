"""Invariants of every summary, on random clusters drawn from sentences about one fictional event.

Runs the whole pipeline with the real spaCy model and the fake (hashed bag-of-words) encoder,
so it stays fast. The invariants are the ones in STYLE.md section 8: every summary sentence is
cited, each first citation is the sentence's exact source span, every span lies inside its
article, the budget holds, the output is deterministic and JSON round-trips.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.codec import summary_from_dict, summary_to_dict
from storyline.config import Config
from storyline.pipeline import Pipeline
from storyline.select import word_count
from storyline.sources.check import prose_words
from storyline.types import Summary
from tests.unit.conftest import HashedBagOfWords

if TYPE_CHECKING:
    from spacy.language import Language

pytestmark = pytest.mark.model

# A fire at a chemical warehouse in the fictional town of Linthorpe Falls. Facts recur in
# different words (the fire's start, the injured firefighters, the evacuation, the cause),
# as they do across outlets; a few sentences cannot stand alone (pronoun or connective
# openers, quote fragments, a question) so the selector's fallbacks are exercised too.
POOL = (
    "A fire broke out at the Brackwater Chemicals warehouse on Mill Road in Linthorpe Falls late on Saturday night.",
    "Flames tore through a chemical warehouse in Linthorpe Falls shortly before 11 p.m. on Saturday.",
    "The blaze at the Brackwater Chemicals site on Mill Road began at about 10:50 p.m., fire officials said.",
    "Three firefighters were taken to Linthorpe General Hospital with minor burns and smoke inhalation.",
    "Fire Chief Dana Okafor said three of her crew members were treated for minor injuries.",
    "Three firefighters were hurt fighting the fire, none of them seriously, according to the fire department.",
    "About 200 residents living near Mill Road were told to leave their homes overnight.",
    "Police evacuated roughly 200 people from streets around the warehouse as a precaution.",
    "Residents within half a mile of the warehouse were ordered to evacuate early on Sunday.",
    "More than 60 firefighters from five stations fought the blaze for nine hours.",
    "Crews from five fire stations needed about nine hours to bring the fire under control.",
    "The fire was declared under control at around 8 a.m. on Sunday, the fire department said.",
    "The cause of the fire is under investigation, Chief Okafor told reporters on Sunday.",
    "Investigators have not yet said what started the fire at the Brackwater Chemicals warehouse.",
    "Officials said it was too early to say how the fire started.",
    "A thick plume of black smoke could be seen from across the Linthorpe valley on Sunday morning.",
    "Dark smoke drifted over the town for several hours after the fire started.",
    "Mayor Tomas Reyes opened the gym at Linthorpe High School as an emergency shelter for evacuated families.",
    "The city set up a shelter at Linthorpe High School for people who had to leave their homes.",
    "Linthorpe High School and two primary schools will stay closed on Monday, the school district announced.",
    "The school district said classes at three schools near Mill Road were cancelled for Monday.",
    "The state environmental agency placed air quality monitors around the site on Sunday.",
    "Air quality readings taken on Sunday afternoon were within safe limits, the environmental agency said.",
    "Brackwater Chemicals said in a statement that all of its employees were accounted for.",
    "The company said no workers were inside the warehouse when the fire began.",
    "The warehouse stored cleaning products and industrial solvents, according to company records.",
    "Environmental officials are checking whether water used to fight the fire reached the Linthorpe River.",
    "Booms were placed across a drainage channel to stop runoff from reaching the river.",
    "Residents were allowed to return to their homes on Sunday evening after the evacuation order was lifted.",
    "The evacuation order was lifted at 6 p.m. on Sunday, police said.",
    '"Our firefighters did an extraordinary job in very dangerous conditions," Mayor Tomas Reyes said.',
    '"We were lucky that the wind carried the smoke away from the town centre," Chief Okafor said.',
    "Neighbours described hearing a series of loud bangs before the flames spread to the roof.",
    "One resident, Priya Nandakumar, said she woke to the sound of explosions shortly before midnight.",
    "Mill Road will remain closed to traffic while engineers check the damaged building.",
    "He said the company would cooperate fully with the investigation.",
    "But some residents said they were not told about the evacuation until after midnight.",
    "They spent the night at the shelter in the high school gym.",
    '"It was terrifying."',
    "Will the warehouse be rebuilt on the same site?",
)

SOURCES = ("Linthorpe Gazette", "Valley Herald", "Mill Road Monitor", "State Wire Service", "Riverside Times")
DATES = ("2026-05-17", "2026-05-18", None)


@st.composite
def _joined(draw: st.DrawFn) -> str:
    chosen = draw(st.lists(st.sampled_from(POOL), min_size=3, max_size=10, unique=True))
    breaks = draw(st.lists(st.booleans(), min_size=len(chosen) - 1, max_size=len(chosen) - 1))
    pieces = [chosen[0]]
    for sentence, new_paragraph in zip(chosen[1:], breaks, strict=True):
        pieces.append("\n\n" if new_paragraph else " ")
        pieces.append(sentence)
    return "".join(pieces)


def article_texts() -> st.SearchStrategy[str]:
    """An article: 3-10 distinct pool sentences in random order, split into random paragraphs, with
    the prose an article needs (three short ones, '"It was terrifying."' among them, fall under
    min_words and are rightly refused: not the well-formed input these invariants are about)."""
    return _joined().filter(lambda text: prose_words(text) >= Config().min_words)


@st.composite
def clusters(draw: st.DrawFn) -> list[dict[str, Any]]:
    """1-4 article records about the event, with distinct ids and random outlets and dates."""
    texts = draw(st.lists(article_texts(), min_size=1, max_size=4))
    return [
        {
            "id": f"a{index + 1}",
            "text": text,
            "source": draw(st.sampled_from(SOURCES)),
            "published": draw(st.sampled_from(DATES)),
        }
        for index, text in enumerate(texts)
    ]


def summarize(
    records: list[dict[str, Any]], words: int, clean: bool, encoder: HashedBagOfWords, nlp: Language
) -> Summary:
    pipeline = Pipeline(Config(words=words, clean=clean), encoder=encoder, nlp=nlp)
    # "skip": two drawn articles can be the same text, which the pipeline counts once.
    return pipeline.summarize(records, on_error="skip")


@settings(max_examples=25, deadline=None)
@given(records=clusters(), words=st.integers(min_value=20, max_value=300), clean=st.booleans())
def test_summary_invariants(
    fake_encoder: HashedBagOfWords, nlp: Language, records: list[dict[str, Any]], words: int, clean: bool
) -> None:
    summary = summarize(records, words, clean, fake_encoder, nlp)
    texts = {article.id: article.text for article in summary.articles}
    given_ids = {record["id"] for record in records}

    assert summary.sentences, "a cluster of well-formed news sentences gives a non-empty summary"
    assert set(texts) <= given_ids
    assert sum(word_count(sentence.text) for sentence in summary.sentences) <= words
    for sentence in summary.sentences:
        assert sentence.citations, f"uncited summary sentence: {sentence.text!r}"
        first = sentence.citations[0]
        assert texts[first.article][first.start : first.end] == sentence.text
        for citation in sentence.citations:
            assert citation.article in texts, f"cites {citation.article!r}, which is not in summary.articles"
            assert 0 <= citation.start < citation.end <= len(texts[citation.article])

    assert summarize(records, words, clean, fake_encoder, nlp) == summary
    assert summary_from_dict(summary_to_dict(summary)) == summary
