"""Comparing the sources of a cluster (compare.py), with the real spaCy and embedding models.

Each test writes a small cluster of two or three short reports of one (fictional) event and
checks what ``Pipeline.compare`` says about it: contradictions found, paraphrases left alone,
quotations merged with their speaker, dates placed on the timeline.

The contradiction tests are tests of the rules: the pipeline here has a judge that follows the
rules' own verdict (the ``rules_keep`` evidence), so a test fails when a rule changes, whatever the
trained judge makes of it. What the trained judge decides is tested at the end of this file and on
the seed story (tests/e2e/test_compare.py).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from storyline import Article, Config, Pipeline
from storyline.align import align
from storyline.compare import Candidate, candidates, load_judge
from storyline.compare.facts import _Reference, _sentence_facts
from storyline.compare.judge import FEATURES
from storyline.compare.names import _is_alias, _listed, _name_like, _one_holder, _same_office, _side_by_side, _speaker
from storyline.compare.pair import _neighbours
from storyline.nlp.segment import segment_many
from storyline.types import Citation, Comparison, Entity, Sentence

pytestmark = pytest.mark.model

LEAD = (
    "A container ship lost power and struck a support pier of the Kestrel Narrows Bridge in Port Wendell early "
    "Tuesday, shutting one of the city's busiest commuter routes."
)
TAIL = (
    "Officials have not said what caused the power failure aboard the Corvina Bay, and the investigation into the "
    "collision is continuing."
)
# The same facts in another outlet's words (so the two are not copies of one wire story).
OTHER_LEAD = (
    "The Kestrel Narrows Bridge was closed on Tuesday after the Corvina Bay, a container ship that had lost "
    "propulsion, drifted into one of its piers."
)
OTHER_TAIL = "Investigators are still trying to find out why the vessel's engines failed, the harbor authority said."


def rules_judge(path: Path) -> Path:
    """A judge of one split on the rules' verdict: what they would report, fully confident."""
    split = {
        "depth": 1,
        "feature": [FEATURES.index("rules_keep"), -1, -1],
        "threshold": [0.5, 0.0, 0.0],
        "left": [1, -1, -1],
        "right": [2, -1, -1],
        "value": [0.0, -50.0, 50.0],
    }
    artifact = {
        "version": "rules",
        "features": list(FEATURES),
        "threshold": 0.5,
        "model": {"kind": "trees", "base": 0.0, "trees": [split]},
    }
    path.write_text(json.dumps(artifact), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    return Pipeline(Config(judge=str(rules_judge(tmp_path_factory.mktemp("judge") / "rules.json"))))


@pytest.fixture(scope="module")
def judged() -> Pipeline:
    """The pipeline with the bundled, trained judge."""
    return Pipeline(Config())


def article(identifier: str, *paragraphs: str, published: str | None = "2026-03-11") -> Article:
    return Article(id=identifier, text="\n\n".join(paragraphs), source=identifier.title(), published=published)


def check_spans(comparison: Comparison) -> None:
    """Every span is inside its article, and an item's text is the text of its first span."""
    texts = {a.id: a.text for a in comparison.articles}

    def slice_of(span: Citation) -> str:
        assert 0 <= span.start < span.end <= len(texts[span.article])
        return texts[span.article][span.start : span.end]

    for claim in (*comparison.agreements, *comparison.single_source):
        assert slice_of(claim.support[0]) == claim.text
    for quote in comparison.quotes:
        assert slice_of(quote.support[0]) == quote.text
    for event in comparison.timeline:
        assert slice_of(event.support[0]) == event.text
    for contradiction in comparison.contradictions:
        assert len({span.article for span in contradiction.spans}) >= 2
        for span in contradiction.spans:
            slice_of(span)


def compare(pipeline: Pipeline, articles: Sequence[Article]) -> Comparison:
    comparison = pipeline.compare(articles)
    check_spans(comparison)
    return comparison


def compare_two(pipeline: Pipeline, one: str, other: str) -> Comparison:
    """Two outlets' reports of the bridge story, told in their own words, differing in one sentence."""
    return compare(pipeline, [article("ledger", LEAD, one, TAIL), article("observer", OTHER_LEAD, other, OTHER_TAIL)])


def assert_one_contradiction(comparison: Comparison, kind: str, *sides: str) -> None:
    """The comparison reports exactly one contradiction, of this kind, naming every side."""
    assert [c.kind for c in comparison.contradictions] == [kind]
    explanation = comparison.contradictions[0].explanation
    assert all(side in explanation for side in sides), explanation


def cited_text(comparison: Comparison, span: Citation) -> str:
    text = next(a.text for a in comparison.articles if a.id == span.article)
    return text[span.start : span.end]


def test_a_different_count_is_a_number_contradiction(pipeline: Pipeline) -> None:
    comparison = compare(
        pipeline,
        [
            article(
                "ledger",
                LEAD,
                "Four people were taken to hospitals with injuries that were not life-threatening.",
                TAIL,
            ),
            article(
                "observer",
                LEAD,
                "Six people were taken to hospitals with injuries that were not life-threatening.",
                TAIL,
            ),
        ],
    )
    assert [c.kind for c in comparison.contradictions] == ["number"]
    contradiction = comparison.contradictions[0]
    assert "Four people" in contradiction.explanation and "Six people" in contradiction.explanation
    assert {cited_text(comparison, span).split()[0] for span in contradiction.spans} == {"Four", "Six"}


def test_the_only_sum_of_two_reworded_sentences_is_one_figure(pipeline: Pipeline) -> None:
    # Each sentence names one sum of money and little else differs, but the words around the sums
    # differ ("the pier, $12 million, will be paid" against "pay the repair bill of $19 million"):
    # with no other sum in either sentence, the two can only be one figure given two ways.
    comparison = compare_two(
        pipeline,
        "The repair bill for the damaged pier, $12 million, will be paid by the port authority.",
        "The port authority will pay the repair bill of $19 million for the damaged pier.",
    )
    assert_one_contradiction(comparison, "number", "$12 million", "$19 million")


def test_a_sum_beside_another_sum_is_not_taken_for_the_lone_one(pipeline: Pipeline) -> None:
    # With two sums on one side, nothing says which of them the other outlet's sum stands for.
    comparison = compare_two(
        pipeline,
        "The repair bill for the damaged pier, $12 million, will be paid by the port authority, which spent "
        "$3 million last year.",
        "The port authority will pay the repair bill of $19 million for the damaged pier.",
    )
    assert [c.kind for c in comparison.contradictions] == []


def test_a_different_day_is_a_date_contradiction(pipeline: Pipeline) -> None:
    comparison = compare(
        pipeline,
        [
            article(
                "ledger", LEAD, "Mayor Annika Brandvold declared a local state of emergency on Tuesday afternoon.", TAIL
            ),
            article(
                "courier", LEAD, "Mayor Annika Brandvold declared a local state of emergency on Monday afternoon.", TAIL
            ),
        ],
    )
    assert [c.kind for c in comparison.contradictions] == ["date"]
    assert "Tuesday" in comparison.contradictions[0].explanation
    assert "Monday" in comparison.contradictions[0].explanation


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Mayor Annika Brandvold", "Mayor Paul Ashgrove"),  # who
        ("to Boston", "to Baltimore"),  # where
    ],
)
def test_a_different_person_or_place_is_an_entity_contradiction(pipeline: Pipeline, first: str, second: str) -> None:
    sentence = "Two tugboats towed the damaged ship to Boston on Tuesday, {} told reporters at the harbor."
    if first.startswith("Mayor"):
        sentence = "{} told reporters that two tugboats would tow the damaged ship to a safe anchorage."
        one, other = sentence.format(first), sentence.format(second)
    else:
        base = "Two tugboats towed the damaged ship {} on Tuesday afternoon, the harbor master said."
        one, other = base.format(first), base.format(second)
    comparison = compare(
        pipeline, [article("ledger", LEAD, one, TAIL), article("observer", OTHER_LEAD, other, OTHER_TAIL)]
    )
    assert_one_contradiction(comparison, "entity", first.split()[-1], second.split()[-1])


def test_a_changed_quotation_is_a_quote_contradiction(pipeline: Pipeline) -> None:
    comparison = compare(
        pipeline,
        [
            article("ledger", LEAD, '"We will reopen the bridge within two weeks," Mayor Annika Brandvold said.', TAIL),
            article(
                "observer", LEAD, '"We will not reopen the bridge within two weeks," Mayor Annika Brandvold said.', TAIL
            ),
        ],
    )
    assert "quote" in [c.kind for c in comparison.contradictions]
    assert len(comparison.quotes) == 1  # the same quotation, carried by both
    assert comparison.quotes[0].speaker == "Annika Brandvold"


def test_paraphrases_are_not_contradictions(pipeline: Pipeline) -> None:
    comparison = compare(
        pipeline,
        [
            article(
                "first",
                "The president wrote to the supreme leader in October about fighting the militants.",
                "Any cooperation would depend on whether Iran and six world powers reach a nuclear deal in time.",
                "The bridge normally carries about 52,000 vehicles a day between downtown and the eastern suburbs.",
                '"Nobody drives across that bridge until our engineers look me in the eye," Mayor Brandvold said.',
                published="2014-11-07",
            ),
            article(
                "second",
                "The president wrote to the supreme leader in mid-October about fighting the militants.",
                "Any cooperation would depend on whether Iran and the US and five other world powers reach a nuclear "
                "deal in time.",
                "The bridge normally carries 52,300 vehicles a day between downtown and the eastern suburbs.",
                '"No one is driving across that bridge until our engineers can look me in the eye," Mayor Annika '
                "Brandvold said.",
                published="2014-11-07",
            ),
        ],
    )
    assert comparison.contradictions == ()
    assert [q.speaker for q in comparison.quotes] == ["Annika Brandvold"]  # merged: small differences only
    assert {span.article for span in comparison.quotes[0].support} == {"first", "second"}


def test_quotes_merge_across_outlets_with_the_speaker_resolved(pipeline: Pipeline) -> None:
    comparison = compare(
        pipeline,
        [
            article(
                "rferl",
                "White House Press Secretary Josh Earnest declined to comment on the report about the letter.",
                "Earnest added that the administration's policy toward Iran had not changed at all.",
                'He said: "The United States will not cooperate militarily with Iran in that effort."',
            ),
            article(
                "news24",
                "President Barack Obama has written a letter to Iran's supreme leader about the militants.",
                '"The United States will not co-operate militarily with Iran in that effort," White House spokesperson '
                "Josh Earnest said.",
            ),
        ],
    )
    [quote] = [q for q in comparison.quotes if "militarily" in q.text]
    assert quote.speaker == "Josh Earnest"
    assert {span.article for span in quote.support} == {"rferl", "news24"}


def test_agreements_and_single_source_claims(pipeline: Pipeline) -> None:
    only_ledger = (
        "Last month the Harbor Authority approved a $38 million contract to replace the fender system on every pier."
    )
    comparison = compare(
        pipeline,
        [
            article("ledger", LEAD, only_ledger, TAIL),
            article(
                "courier",
                OTHER_LEAD,
                "A harbor pilot radioed a mayday about ninety seconds before the ship hit.",
                OTHER_TAIL,
            ),
        ],
    )
    agreed = {claim.text: {span.article for span in claim.support} for claim in comparison.agreements}
    assert {"ledger", "courier"} in agreed.values()  # the lead
    assert only_ledger in [claim.text for claim in comparison.single_source]
    for claim in comparison.single_source:
        assert len({span.article for span in claim.support}) == 1


def test_timeline_dates_are_made_absolute_from_the_publication_date(pipeline: Pipeline) -> None:
    comparison = compare(
        pipeline,
        [
            article(
                "wire",
                "The White House declined to comment on Thursday on the report about the letter to the leader.",
                "Last month the president wrote to the supreme leader about fighting the militants in the region.",
                "The deadline for the nuclear talks between Iran and world powers is Nov. 24, officials said.",
                "The president authorised air strikes against the militants in Iraq in August, officials said.",
                published="2014-11-07",  # a Friday
            ),
            article(
                "paper",
                "Negotiators will meet again before the Nov. 24 deadline for a nuclear deal, the officials said.",
                "The meeting between the president and congressional leaders is due on Friday afternoon.",
                published=None,
            ),
        ],
    )
    dates = [(event.date, event.text.split()[1]) for event in comparison.timeline]
    assert dates == [
        ("2014-08", "president"),
        ("2014-10", "month"),
        ("2014-11-06", "White"),
        ("2014-11-24", "deadline"),
    ] or dates == [("2014-08", "president"), ("2014-10", "month"), ("2014-11-06", "White"), ("2014-11-24", "the")]
    deadline = comparison.timeline[-1]
    assert {span.article for span in deadline.support} == {"wire", "paper"}  # the undated paper borrows the year
    # "on Friday" in the undated paper: its day cannot be known, so it is left out.
    assert not any("congressional" in event.text for event in comparison.timeline)


def test_a_dateline_in_a_text_copy_dates_the_article(pipeline: Pipeline) -> None:
    text = (
        "Bridge closed after ship strikes pier\n\nBy Mara Lindqvist, Ledger Staff Writer\nMarch 11, 2026\n\n"
        "The Kestrel Narrows Bridge will remain closed after a container ship slammed into one of its support piers "
        "early Tuesday, city officials said on Wednesday.\n\n"
        "Four people were taken to hospitals with injuries that were not life-threatening, the fire department said."
    )
    comparison = compare(pipeline, [Article(id="ledger", text=text, source="Ledger")])
    assert [event.date for event in comparison.timeline] == ["2026-03-10"] or [
        event.date for event in comparison.timeline
    ] == ["2026-03-10", "2026-03-11"]


def test_a_capital_for_its_country_and_two_facts_in_one_frame_are_not_contradictions(pipeline: Pipeline) -> None:
    comparison = compare(
        pipeline,
        [
            article(
                "first",
                "Damascus also accuses Turkey of building a series of dams on the Euphrates River that threaten "
                "its water supply.",
                "There are an estimated 8 to 15 million Kurds in Turkey, most of them in the southeast.",
            ),
            article(
                "second",
                "Syria also accuses Turkey of building a series of dams on the Euphrates River that threaten its "
                "water supply.",
                "There are some 4,000 Kurds living in Romania, most of them in the capital.",
            ),
        ],
    )
    assert comparison.contradictions == ()


def test_how_things_stood_when_each_was_written_is_no_contradiction(pipeline: Pipeline) -> None:
    comparison = compare(
        pipeline,
        [
            article(
                "wednesday",
                "Chechen police were searching on Wednesday for the bodies of four kidnapped foreigners in the hills.",
                "The four engineers worked for a telephone company and were seized in Grozny in early October.",
                published="1998-12-09",
            ),
            article(
                "thursday",
                "Chechen police were still searching today for the bodies of four kidnapped foreigners in the hills.",
                "The engineers, employed by a telephone firm, were abducted in Grozny in early October.",
                published="1998-12-10",
            ),
        ],
    )
    assert comparison.contradictions == ()


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("Damascus", "Syria", True),  # a capital for its country
        ("Turkey", "Turkish", True),  # a place and its people
        ("Kazakhstan", "Kazakstan", True),  # one name spelt two ways
        ("Gaza City", "the Gaza Strip", True),
        ("U.S.", "the United States", True),
        ("Barack Obama", "Obama", True),
        ("Va.", "Virginia", True),  # a state's AP abbreviation
        ("Gadhafi", "Gadhadi", True),  # one letter mistyped
        ("England", "Britain", True),  # a part of a country for the country
        ("England", "Scotland", False),  # two parts are two places
        ("Iran", "Iraq", False),
        ("Austria", "Australia", False),
        ("Moscow", "Geneva", False),
    ],
)
def test_names_of_one_place_or_person(first: str, second: str, same: bool) -> None:
    assert _is_alias(first, second) is same


def test_a_person_put_for_another_in_a_reworded_sentence_is_found(pipeline: Pipeline) -> None:
    comparison = compare_two(
        pipeline,
        "Harbor pilot Marten Oyelaran, a veteran of thirty years on the river, was guiding the ship when "
        "its engines failed.",
        "The ship was being guided by a veteran harbor pilot of thirty years on the river, Gideon Falkner, "
        "when its engines failed.",
    )
    assert_one_contradiction(comparison, "entity", "Oyelaran", "Falkner")


def test_two_people_quoted_in_one_frame_are_no_contradiction(pipeline: Pipeline) -> None:
    comparison = compare_two(
        pipeline,
        "The harbor authority quoted city engineer Dana Whitcombe as saying that the repairs to the damaged "
        "pier should not be read as a reason to close the port.",
        "The harbor authority quoted transport commissioner Luis Arroyave as saying that the repairs to the "
        "damaged pier and the channel would take most of the summer.",
    )
    assert [c for c in comparison.contradictions if c.kind == "entity"] == []


def test_numerals_and_number_words_in_one_quotation_are_the_same_words(pipeline: Pipeline) -> None:
    comparison = compare_two(
        pipeline,
        '"Seven to 10 times the ship drifted toward that same pier during the night," Mayor Annika Brandvold said.',
        '"7-10 times the ship drifted toward that same pier during the night," Mayor Annika Brandvold said.',
    )
    assert [c for c in comparison.contradictions if c.kind == "quote"] == []
    assert len(comparison.quotes) == 1


def test_two_events_on_two_days_in_loosely_alike_sentences_are_no_contradiction(pipeline: Pipeline) -> None:
    comparison = compare_two(
        pipeline,
        "Also on Sunday, a dispute was brewing over the scheduled meeting of the harbor commission during "
        "the mayor's visit.",
        "The hardest moment of the mayor's visit will be her address on Monday to the harbor commission "
        "and the pilots' union.",
    )
    assert [c for c in comparison.contradictions if c.kind == "date"] == []


def test_a_day_that_owns_its_event_still_dates_it(pipeline: Pipeline) -> None:
    comparison = compare_two(
        pipeline,
        "The repair contract for the damaged pier will be signed at Thursday's council meeting in the harbor hall.",
        "The repair contract for the damaged pier will be signed in the harbor hall at a council meeting on Friday.",
    )
    assert_one_contradiction(comparison, "date", "Thursday", "Friday")


def test_one_frame_told_of_two_people_or_places_is_no_contradiction(pipeline: Pipeline) -> None:
    comparison = compare_two(
        pipeline,
        "Deckhand Ruben Castellano, 19, of Port Wendell, is charged with seven counts of reckless "
        "endangerment and two counts of failing to report a hazard.",
        "Deckhand Tomas Birkeland, 23, of Port Wendell, was charged with five counts of reckless "
        "endangerment and two counts of failing to report a hazard.",
    )
    assert comparison.contradictions == ()


def test_names_in_a_list_of_parallel_sentences_are_no_contradiction(pipeline: Pipeline) -> None:
    comparison = compare(
        pipeline,
        [
            article(
                "ledger",
                LEAD,
                "Deckhand Ruben Castellano, 19, of Port Wendell, is charged with reckless endangerment of the crew.",
                "Deckhand Tomas Birkeland, 23, of Marlow, is charged with reckless endangerment of the crew.",
                "Deckhand Aino Lehtinen, 27, of Calder, is charged with reckless endangerment of the crew.",
                TAIL,
            ),
            article(
                "observer",
                OTHER_LEAD,
                "Deckhand Ines Moravec, 31, of Port Wendell, was charged with reckless endangerment of the crew.",
                OTHER_TAIL,
            ),
        ],
    )
    assert [c for c in comparison.contradictions if c.kind == "entity"] == []


def test_two_places_a_third_outlet_names_together_are_no_contradiction(pipeline: Pipeline) -> None:
    # Harbor Point lies in Port Wendell: the third outlet says so, so "in Harbor Point" and "in Port
    # Wendell" are the same story told at two scales, not two outlets disagreeing on where.
    one = "The damaged ship was towed to an anchorage in Harbor Point on Tuesday afternoon, the harbor master said."
    other = "The damaged ship was towed to an anchorage in Marlow on Tuesday afternoon, the harbor master said."
    third = "Harbor Point is the deepest water in the bay. Ferries to Marlow stopped running after the collision."
    alone = compare(pipeline, [article("ledger", LEAD, one, TAIL), article("observer", OTHER_LEAD, other, OTHER_TAIL)])
    assert [c.kind for c in alone.contradictions] == ["entity"]  # two outlets alone: they disagree
    comparison = compare(
        pipeline,
        [
            article("ledger", LEAD, one, TAIL),
            article("observer", OTHER_LEAD, other, OTHER_TAIL),
            article(
                "courier",
                "Engineers are inspecting the cracked column of the Kestrel Narrows Bridge after a ship hit it.",
                third,
                "City officials asked drivers to use the Millrace Tunnel while engineers inspect the cracked column.",
            ),
        ],
    )
    assert [c for c in comparison.contradictions if c.kind == "entity"] == []


@pytest.mark.parametrize(("inner", "outer"), [("Minneapolis", "Minnesota"), ("Baltimore", "Maryland")])
def test_a_place_and_the_place_it_lies_in_are_no_contradiction(pipeline: Pipeline, inner: str, outer: str) -> None:
    # One event told at two scales ("in Minneapolis", "in Minnesota") is a refinement, as "October"
    # and "mid-October" are; a place outside the other (Boston, Minnesota) is still a rival.
    base = "The damaged ship was towed to a dry dock in {} on Tuesday afternoon, the harbor master said."
    for first, second, rivals in ((inner, outer, False), (outer, inner, False), ("Boston", outer, True)):
        comparison = compare_two(pipeline, base.format(first), base.format(second))
        assert [c.kind for c in comparison.contradictions] == (["entity"] if rivals else []), (first, second)


def test_figures_in_two_different_quotations_are_two_statements(pipeline: Pipeline) -> None:
    # The harbor master said two things, perhaps hours apart; only the same quotation with another
    # figure in it disagrees.
    said = "the harbor master told reporters on Tuesday."
    one = f'"Divers have found four pieces of the broken hull near the pier," {said}'
    seen = "With the fuel slick we saw and the discovery of two pieces of the broken hull"
    other = f'"{seen}, I can confirm it is the ship," {said}'
    assert compare_two(pipeline, one, other).contradictions == ()
    changed = compare_two(pipeline, one, one.replace("four", "two"))
    assert sorted(c.kind for c in changed.contradictions) == ["number", "quote"]


def test_a_place_that_acts_is_a_party_even_inside_the_other(pipeline: Pipeline) -> None:
    # "U.S. officials" and "Chicago officials" are two parties, though Chicago lies in the U.S.
    base = "{} officials conveyed their concerns to the shipping company and urged it to pay for the repairs."
    comparison = compare_two(pipeline, base.format("Maryland"), base.format("Baltimore"))
    assert [c.kind for c in comparison.contradictions] == ["entity"]


def test_one_person_denied_what_another_is_said_to_have_done_is_no_contradiction(pipeline: Pipeline) -> None:
    comparison = compare_two(
        pipeline,
        "Captain Ruben Castellano has applied for a review of the harbor authority's decision.",
        "Captain Tomas Birkeland has not applied for a review of the harbor authority's decision.",
    )
    assert comparison.contradictions == ()


def test_a_weekday_against_a_month_in_other_words_is_no_contradiction(pipeline: Pipeline) -> None:
    comparison = compare_two(
        pipeline,
        "The harbor authority filed its claim against the ship's owner in May, and a hearing is set for Monday.",
        "The harbor authority filed its claim against the ship's owner in May, before a new fender was fitted in June.",
    )
    assert [c for c in comparison.contradictions if c.kind == "date"] == []


def test_counts_far_apart_count_different_things(pipeline: Pipeline) -> None:
    comparison = compare_two(
        pipeline,
        "About 1,500 commuters gathered outside the closed bridge on Tuesday to protest the closure.",
        "Some 41 commuters gathered outside city hall on Tuesday to protest the closure.",
    )
    assert [c for c in comparison.contradictions if c.kind == "number"] == []


def test_a_dateline_place_is_where_the_story_was_filed() -> None:
    text = "MARLOW — Calder police are searching for a man who stole a harbor pilot's boat on Sunday."
    entities = (Entity("MARLOW", "GPE", 0, 6), Entity("Calder", "GPE", 9, 15))
    sentence = Sentence("a:s0", "a", 0, text, 0, len(text), entities=entities)
    facts = _sentence_facts(sentence, _Reference(None, False))
    assert [name.text for name in facts.names] == ["Calder"]
    # Not at the start of the sentence: no dateline, a name like any other.
    shifted = tuple(Entity(e.text, e.label, e.start + 19, e.end + 19) for e in entities)
    later = Sentence("a:s3", "a", 3, "Calder police said " + text, 0, len(text) + 19, entities=shifted)
    assert [name.text for name in _sentence_facts(later, _Reference(None, False)).names] == ["MARLOW", "Calder"]


def test_a_name_inside_a_hyphenated_word_is_not_a_fact_of_the_sentence() -> None:
    text = "The Calder-area pilot was flown to Marlow on Sunday."
    entities = (Entity("Calder", "GPE", 4, 10), Entity("Marlow", "GPE", 35, 41))
    sentence = Sentence("a:s2", "a", 2, text, 0, len(text), entities=entities)
    assert [name.text for name in _sentence_facts(sentence, _Reference(None, False)).names] == ["Marlow"]


def test_a_photo_caption_date_dates_the_photo_not_the_story() -> None:
    text = "FILE - In this Sept. 30, 2003, file photo, the Corvina Bay is loaded at the Port Wendell terminal."
    entities = (Entity("Sept. 30, 2003", "DATE", 15, 29),)
    sentence = Sentence("a:s5", "a", 5, text, 0, len(text), entities=entities)
    assert _sentence_facts(sentence, _Reference(None, False)).dates == []
    plain = "The Corvina Bay was loaded at the Port Wendell terminal on Sept. 30, 2003."
    at = plain.index("Sept.")
    entities = (Entity("Sept. 30, 2003", "DATE", at, at + 14),)
    sentence = Sentence("a:s5", "a", 5, plain, 0, len(plain), entities=entities)
    assert len(_sentence_facts(sentence, _Reference(None, False)).dates) == 1


def test_a_vague_amount_against_a_count_is_no_contradiction(pipeline: Pipeline) -> None:
    comparison = compare_two(
        pipeline,
        "The Corvina Bay has had several engine failures in the harbor since it was built.",
        "The Corvina Bay has had 14 engine failures in the harbor since it was built.",
    )
    assert [c for c in comparison.contradictions if c.kind == "number"] == []
    exact = compare_two(
        pipeline,
        "The Corvina Bay has had 9 engine failures in the harbor since it was built.",
        "The Corvina Bay has had 14 engine failures in the harbor since it was built.",
    )
    assert [c.kind for c in exact.contradictions] == ["number"]


def test_years_that_name_which_one_are_labels_both_outlets_know(pipeline: Pipeline) -> None:
    """ "The 1996 storm" and "the 2011 collision" name two events when each outlet knows both years;
    a year that dates an event ("in 1996") is compared as before."""
    one = "The pier had been rebuilt after the 1996 storm flooded the harbor's eastern terminals."
    other = "The pier had been rebuilt after the 2011 collision damaged the harbor's eastern terminals."
    alone = compare_two(pipeline, one, other)
    assert [c.kind for c in alone.contradictions] == ["date"]  # nothing says both belong to the story
    comparison = compare(
        pipeline,
        [
            article("ledger", LEAD, one, TAIL, "The 2011 collision closed the bridge for a month."),
            article("observer", OTHER_LEAD, other, OTHER_TAIL, "The 1996 storm tore the pier's fenders away."),
        ],
    )
    assert [c for c in comparison.contradictions if c.kind == "date"] == []
    changed = compare_two(
        pipeline,
        "The pier had been rebuilt after a storm flooded the harbor's eastern terminals in 1996.",
        "The pier had been rebuilt after a storm flooded the harbor's eastern terminals in 1998.",
    )
    assert [c.kind for c in changed.contradictions] == ["date"]


def test_a_common_word_capitalised_at_the_start_of_a_sentence_is_no_name(pipeline: Pipeline) -> None:
    comparison = compare_two(
        pipeline,
        "Texas authorities say the ship's captain radioed for help before the collision.",
        "Officials say the ship's captain radioed for help before the collision, harbor officials said.",
    )
    assert [c for c in comparison.contradictions if c.kind == "entity"] == []


def _entities(text: str, names: Sequence[tuple[str, str]]) -> tuple[Entity, ...]:
    found = []
    for name, label in names:
        at = text.index(name)
        found.append(Entity(name, label, at, at + len(name)))
    return tuple(found)


def test_names_joined_by_commas_and_and_are_a_list_other_names_of_one_kind_are_not() -> None:
    listed = "Aides to Ana Ruiz, Tom Brandt and Lea Moss are expected at the pier on Sunday."
    people = _entities(listed, [("Ana Ruiz", "PERSON"), ("Tom Brandt", "PERSON"), ("Lea Moss", "PERSON")])
    sentence = Sentence("a:s1", "a", 1, listed, 0, len(listed), entities=people)
    assert [e.text for e in _listed(sentence, list(people))] == ["Ana Ruiz", "Tom Brandt", "Lea Moss"]
    route = "The ship sailed from Valparaiso in Chile to Lisbon, Portugal, with a crew of 20."
    places = _entities(route, [("Valparaiso", "GPE"), ("Chile", "GPE"), ("Lisbon", "GPE"), ("Portugal", "GPE")])
    sentence = Sentence("a:s2", "a", 2, route, 0, len(route), entities=places)
    assert _listed(sentence, list(places)) == []


def test_a_lower_case_name_in_cased_text_is_a_common_word() -> None:
    text = "Ana Ruiz said marijuana has long been grown on the hills above Port Wendell."
    entities = _entities(text, [("Ana Ruiz", "PERSON"), ("marijuana", "ORG"), ("Port Wendell", "GPE")])
    sentence = Sentence("a:s3", "a", 3, text, 0, len(text), entities=entities)
    assert [e.text for e in _sentence_facts(sentence, _Reference(None, False)).names] == ["Ana Ruiz", "Port Wendell"]
    lowered = text.lower()  # a corpus written all in lower case keeps its names
    sentence = Sentence("a:s3", "a", 3, lowered, 0, len(lowered), entities=_entities(lowered, [("marijuana", "ORG")]))
    assert [e.text for e in _sentence_facts(sentence, _Reference(None, False)).names] == ["marijuana"]


def test_two_lists_that_differ_in_one_name_disagree_on_it(pipeline: Pipeline) -> None:
    crew = "The injured crew members {} were taken to Mercy General after the collision."
    same = "John Carter, Mary Wilson and {}"
    comparison = compare_two(
        pipeline, crew.format(same.format("Peter Hughes")), crew.format(same.format("Sarah Collins"))
    )
    assert_one_contradiction(comparison, "entity", "Hughes", "Collins")
    # Two names apart: two different lists (say, of two days), not one name got wrong.
    other = "John Carter, Sarah Collins and David Moore"
    apart = compare_two(pipeline, crew.format(same.format("Peter Hughes")), crew.format(other))
    assert [c for c in apart.contradictions if c.kind == "entity"] == []


def test_who_is_quoted_is_no_other_party_to_the_fact(pipeline: Pipeline) -> None:
    comparison = compare_two(
        pipeline,
        "Harbor spokesman Luis Arroyave said the damaged ship was towed to Boston on Tuesday afternoon.",
        "The damaged ship was towed to Baltimore on Tuesday afternoon, said harbor engineer Dana Whitcombe.",
    )
    assert_one_contradiction(comparison, "entity", "Boston", "Baltimore")


def test_a_place_put_for_another_in_a_reworded_sentence_is_found(pipeline: Pipeline) -> None:
    comparison = compare_two(
        pipeline,
        "Harbor officials are scheduled to meet next week in Baltimore for the annual safety review.",
        "The mayor is scheduled to travel to Norfolk for the harbor officials' annual safety review.",
    )
    assert_one_contradiction(comparison, "entity", "Baltimore", "Norfolk")


def test_sentences_alike_but_for_who_they_name_are_compared(pipeline: Pipeline) -> None:
    # Few words in common (other names, other words): only with each name counted as "a person" do
    # the two read as one statement, and then the two names are rivals for it.
    comparison = compare_two(
        pipeline,
        "Mary Wilson, 20, and a friend were trying to take pictures from the bridge tower on Tuesday night "
        "when she fell.",
        "Police believe John Carter, 20, and a friend had climbed the tower scaffolding on Tuesday night to "
        "photograph the bridge.",
    )
    assert_one_contradiction(comparison, "entity", "Wilson", "Carter")


def test_the_words_next_to_a_name_skip_other_names_and_dates() -> None:
    text = "She shot herself at a distribution center Thursday in Harford County, Maryland, officials said."
    entities = _entities(text, [("Thursday", "DATE"), ("Harford County", "GPE"), ("Maryland", "GPE")])
    sentence = Sentence("a:s4", "a", 4, text, 0, len(text), entities=entities)
    start = text.index("Harford")
    assert _neighbours(sentence, start, start + len("Harford County")) == ("center", "official")


def test_a_hospital_or_a_court_is_no_unknown_persons_name() -> None:
    assert _name_like(Entity("Walter Brandt", "ORG", 0, 13))  # a person spaCy's small model did not know
    for text in ("Christiana Hospital", "Harford County Court", "Shawa Cultural Center"):
        assert not _name_like(Entity(text, "ORG", 0, len(text)))


def test_a_rival_name_the_sentence_also_tells_elsewhere_is_still_a_rival(pipeline: Pipeline) -> None:
    # The observer names Denmark too, but in the words both outlets share: Denmark is not told as a
    # part of Portugal, so where the crew flies home is still in dispute.
    comparison = compare_two(
        pipeline,
        "The ship's owner, a shipping company based in Denmark, said the crew would fly home to Denmark on Friday.",
        "The ship's owner, a shipping company based in Denmark, said the crew would fly home to Portugal on Friday.",
    )
    assert_one_contradiction(comparison, "entity", "Denmark", "Portugal")


@pytest.mark.parametrize(
    ("text", "first", "second", "expected"),
    [
        ("The crew was taken to a clinic in Laramie, Wyo., on Friday.", "Laramie", "Wyo.", True),
        ("Det Con Tim Bird told the inquest the route had changed.", "Det", "Tim Bird", True),
        ("A shooting in Aberdeen in Harford County left three dead.", "Aberdeen", "Harford County", True),
        ("They fought for the United States, while the Iran government held their families.", "Iran", "U.S.", False),
    ],
)
def test_two_names_side_by_side_are_told_as_one(text: str, first: str, second: str, expected: bool) -> None:
    labels = {"Laramie": "GPE", "Wyo.": "GPE", "Det": "PERSON", "Tim Bird": "PERSON", "Aberdeen": "GPE"}
    labels |= {"Harford County": "GPE", "Iran": "GPE", "the United States": "GPE"}
    names = [(name, label) for name, label in labels.items() if name in text]
    sentence = Sentence("a:s2", "a", 2, text, 0, len(text), entities=_entities(text, names))
    one = next(e for e in sentence.entities if e.text == first)
    other = next((e for e in sentence.entities if e.text == second), Entity(second, "GPE", 0, 0))
    assert _side_by_side(sentence, one, other) is expected


def test_a_denial_away_from_the_rival_names_does_not_part_them(pipeline: Pipeline) -> None:
    # "could not get a line aboard" denies something of the crew, not of the pilot: who piloted the
    # tug is still in dispute (a denial next to the name would part them, as for Birkeland above).
    comparison = compare_two(
        pipeline,
        "The tug that reached the ship first was piloted by Ruth Okafor, and its crew of four could not get a "
        "line aboard before noon.",
        "The tug that reached the ship first was piloted by Ellen Vance, and its crew of four got a line aboard "
        "before noon.",
    )
    assert_one_contradiction(comparison, "entity", "Okafor", "Vance")


@pytest.mark.parametrize(("office", "contradicted"), [("chief", True), ("spokesman", False)])
def test_one_office_given_to_two_people_in_reworded_sentences(
    pipeline: Pipeline, office: str, contradicted: bool
) -> None:
    # An agency has one chief but several spokesmen: two outlets quoting two of them are both right.
    article_word = "the" if office == "chief" else "a"
    preposition = "of" if office == "chief" else "for"
    comparison = compare_two(
        pipeline,
        f"Harbor authority {office} Ines Varga said the pilot had asked for tugs minutes before the crash.",
        f"Tomas Lindqvist, {article_word} {office} {preposition} the Port Wendell Harbor Authority, told reporters on "
        "Wednesday that no tug was close enough to reach the drifting vessel in time.",
    )
    if contradicted:
        assert_one_contradiction(comparison, "entity", "Varga", "Lindqvist")
    else:
        assert [c for c in comparison.contradictions if c.kind == "entity"] == []


def test_one_office_in_two_countries_is_two_offices(pipeline: Pipeline) -> None:
    comparison = compare_two(
        pipeline,
        "Defense Minister Ana Ruiz denied any troop movement near the bridge, but said Chile's patience was "
        "running out.",
        "Defense Minister Tom Brandt ordered the army to limit its exercises near the bridge and along Peru's border.",
    )
    assert [c for c in comparison.contradictions if c.kind == "entity"] == []


def _person(text: str, name: str) -> tuple[Sentence, Entity]:
    (entity,) = _entities(text, [(name, "PERSON")])
    return Sentence("a:s1", "a", 1, text, 0, len(text), entities=(entity,)), entity


@pytest.mark.parametrize(
    ("first", "x", "second", "y", "same"),
    [
        (
            "Wildlife authority spokesman Bashir Hangi said so.",
            "Bashir Hangi",
            "Kurt Lowe, a spokesman for the Uganda Wildlife Authority, said so.",
            "Kurt Lowe",
            True,
        ),
        (
            "Kurdish rebel leader Ana Ruiz is held.",
            "Ana Ruiz",
            "the Kurdish rebel leader, Tom Brandt, is held.",
            "Tom Brandt",
            True,
        ),
        # another grade of the office, a bare title, one title that is not within the other
        (
            "Israeli Prime Minister Ana Ruiz said so.",
            "Ana Ruiz",
            "Former Israeli Prime Minister Tom Brandt said so.",
            "Tom Brandt",
            False,
        ),
        (
            "Chechen President Ana Ruiz said so.",
            "Ana Ruiz",
            "Chechen Vice President Tom Brandt said so.",
            "Tom Brandt",
            False,
        ),
        (
            "It met chief executive Ana Ruiz today.",
            "Ana Ruiz",
            "It met Chief Executive Tom Brandt today.",
            "Tom Brandt",
            False,
        ),
        ("said government spokesman Ana Ruiz.", "Ana Ruiz", "said Assad's spokesman Tom Brandt.", "Tom Brandt", False),
        (
            "Ana Ruiz, a spokesman for the National Republican Congressional Committee, said so.",
            "Ana Ruiz",
            "Tom Brandt, a spokesman for the Republican Senatorial Campaign Committee, said so.",
            "Tom Brandt",
            False,
        ),
    ],
)
def test_an_office_is_the_same_where_title_grade_and_whose_office_agree(
    first: str, x: str, second: str, y: str, same: bool
) -> None:
    assert _same_office(*_person(first, x), *_person(second, y)) is same


def test_an_agency_has_several_spokesmen_but_one_chief() -> None:
    chief = _person("Wildlife service chief Ana Ruiz said so.", "Ana Ruiz")
    spokesman = _person("Wildlife service spokesman Ana Ruiz said so.", "Ana Ruiz")
    assert _one_holder(*chief, *_person("Tom Brandt, the chief of the Kenya Wildlife Service, said so.", "Tom Brandt"))
    other = _person("Tom Brandt, a spokesman for the Kenya Wildlife Service, said so.", "Tom Brandt")
    assert _same_office(*spokesman, *other) and not _one_holder(*spokesman, *other)


def test_a_name_in_the_possessive_after_said_is_not_who_spoke() -> None:
    assert _speaker(*_person("The minister said Chile's patience was running out.", "Chile")) is False
    assert _speaker(*_person("The minister said Chile would wait.", "Chile")) is True


def test_the_one_count_of_a_thing_told_two_ways_in_other_words_is_found(pipeline: Pipeline) -> None:
    comparison = compare_two(
        pipeline,
        "At the time of the crash, the pilot had two lifeboats ready on deck, the harbor authority said.",
        "The pilot had six lifeboats ready on deck when the ship hit the pier, the report said.",
    )
    assert_one_contradiction(comparison, "number", "two lifeboats", "six lifeboats")


def candidates_of(pipeline: Pipeline, articles: Sequence[Article]) -> tuple[Candidate, ...]:
    documents = segment_many(list(articles), pipeline.nlp)
    vectors = pipeline.encoder.encode([s.text for d in documents for s in d.sentences])
    return candidates(align(documents, vectors), vectors)


def test_every_candidate_carries_every_reading_the_judge_weighs(pipeline: Pipeline) -> None:
    # A count, a day and a quotation told differently, and a rival person: one candidate of each kind.
    first = article(
        "ledger",
        LEAD,
        "Four people were taken to hospitals on Tuesday, harbor chief Dana Whitcombe said.",
        '"We will reopen the bridge within a week," the mayor said.',
    )
    second = article(
        "observer",
        OTHER_LEAD,
        "Six people were taken to hospitals on Wednesday, harbor chief Marco Ruiz said.",
        '"We will not reopen the bridge within a week," the mayor said.',
    )
    found = candidates_of(pipeline, [first, second])
    assert {c.kind for c in found} >= {"number", "date", "quote"}
    for candidate in found:
        assert set(candidate.evidence) == set(FEATURES), candidate.kind
        assert all(isinstance(value, float) for value in candidate.evidence.values())
        assert candidate.evidence[f"kind_{candidate.kind}"] == 1.0
        texts = {a.id: a.text for a in (first, second)}
        for span, side in zip(candidate.spans, candidate.sides, strict=True):
            assert side in texts[span.article][span.start : span.end]  # the words that differ, in their span


def test_the_trained_judge_reports_a_count_told_two_ways(judged: Pipeline) -> None:
    comparison = compare_two(
        judged,
        "Four people were taken to hospitals with injuries that were not life-threatening.",
        "Six people were taken to hospitals with injuries that were not life-threatening.",
    )
    assert_one_contradiction(comparison, "number", "Four people", "Six people")
    assert comparison.contradictions[0].confidence >= load_judge().threshold


@pytest.mark.xfail(
    strict=True,
    reason="judge.v1 is trained on altered sentences, which differ only in the value: two events in one "
    "frame look the same to it (0.99; the rules reported this pair too). See docs/contradictions.md.",
)
def test_the_trained_judge_leaves_two_dates_of_two_events_alone(judged: Pipeline) -> None:
    # The mission launches in one month and ends years later: two facts told alike (issue 35's example).
    comparison = compare_two(
        judged,
        "The repair mission is scheduled to launch in July 2018, the harbor authority said.",
        "The repair mission is scheduled to end in June 2025, the harbor authority said.",
    )
    assert not comparison.contradictions
