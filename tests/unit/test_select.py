"""Choosing, ordering and citing summary sentences within the budget (select.py)."""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import storyline.select.coverage as select_module
from storyline.align import align
from storyline.errors import ConfigError
from storyline.select import select as select_any
from storyline.select.coverage import (
    SENTENCE_FEATURES,
    LinearModel,
    SelectionWeights,
    dateline_length,
    load_model,
    select,
    sentence_features,
    stands_alone,
    word_count,
)
from storyline.types import Alignment, Document, Summary
from tests.unit.conftest import HashedBagOfWords, make_document

SHARED_FACT = "Four people were hurt when the container ship Corvina Bay struck a pier of the Kestrel Narrows Bridge."
PRONOUN_LEAD = (
    "He said the Kestrel Narrows Bridge would stay closed for two weeks while engineers inspect the cracked pier."
)


def cluster() -> list[Document]:
    return [
        make_document(
            "ledger",
            SHARED_FACT,
            PRONOUN_LEAD,
            "The Kestrel Narrows Bridge was closed in both directions on Tuesday morning.",
            "Commuters from the eastern suburbs faced long delays on the Millrace Tunnel detour.",
            "Mayor Ana Ruiz said the city would add extra ferries across the harbour.",
            source="Port Wendell Ledger",
            published="2026-03-10",
        ),
        make_document(
            "courier",
            "The container ship Corvina Bay lost power shortly after leaving the terminal on Slate Island.",
            SHARED_FACT,
            "Engineers from the state transport department began inspecting the cracked pier on Wednesday.",
            "But the mayor warned that repairs could take longer than two weeks.",
            "The harbour authority said the ship had passed its last inspection in January.",
            source="Saltmarsh Courier",
            published="2026-03-11",
        ),
        make_document(
            "observer",
            "The Kestrel Narrows Bridge will stay closed for at least two weeks, Mayor Ana Ruiz said on Tuesday.",
            "Ferries will run every twenty minutes across the harbour until the bridge reopens to traffic.",
            "Officials have not said what caused the Corvina Bay to lose power near the bridge.",
            '"We will rebuild."',
            source="Calder Coast Observer",
            published="2026-03-10",
        ),
    ]


@pytest.fixture(autouse=True, params=["greedy", "ilp"])
def solver(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test here runs with both solvers: each must keep the same promises."""
    monkeypatch.setattr(sys.modules[__name__], "select", functools.partial(select_any, solver=request.param))
    return str(request.param)


def build(encoder: HashedBagOfWords, documents: list[Document] | None = None) -> tuple[Alignment, np.ndarray]:
    documents = cluster() if documents is None else documents
    texts = [sentence.text for document in documents for sentence in document.sentences]
    vectors = encoder.encode(texts)
    return align(documents, vectors), vectors


def summarize(encoder: HashedBagOfWords, **options: int | None) -> Summary:
    alignment, vectors = build(encoder)
    return select(alignment, vectors, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The container ship struck a pier of the Kestrel Narrows Bridge early on Tuesday.", True),
        ("4,000 commuters used the ferry on Wednesday, the harbour authority said.", True),
        ('"We will rebuild this bridge stronger than before," Mayor Ana Ruiz said on Tuesday.', True),
        ("He added that the bridge would stay closed for two weeks.", False),
        ("She said the repairs would start next month.", False),
        ("They were taken to Saint Anne's Hospital with minor injuries.", False),
        ("But the mayor warned that repairs could take longer.", False),
        ("However, officials have not said what caused the ship to lose power.", False),
        ("In addition, the city will add extra ferries across the harbour.", False),
        ('"We will rebuild."', False),
        ("lower-case start of a sentence that was cut in two.", False),
        ("Will the bridge reopen before the summer tourist season begins?", False),
        ('The mayor said "we will rebuild the bridge stronger than before.', False),
        ('"Nobody will be left without a way to get to work," he said.', False),
        ("The mayor gave three reasons for the closure:", False),
        ("The bridge was closed in both directions on Tuesday", False),
        ("", False),
        ("``We will rebuild this bridge stronger than before,'' Mayor Ana Ruiz said on Tuesday.", True),
        ("``We will rebuild this bridge stronger than before,'' he said.", False),
        ("``We will rebuild.''", False),
        ("The mayor said ``we will rebuild the bridge stronger than before.", False),
    ],
    ids=[
        "news-sentence",
        "starts-with-number",
        "quote-attributed-to-named-person",
        "he-added",
        "she-said",
        "they",
        "but",
        "however",
        "in-addition",
        "bare-quote",
        "lower-case-start",
        "question",
        "unbalanced-quotes",
        "pronoun-attribution",
        "ends-with-colon",
        "no-final-punctuation",
        "empty",
        "tex-quote-attributed-to-named-person",
        "tex-quote-pronoun-attribution",
        "tex-bare-quote",
        "tex-unbalanced-quotes",
    ],
)
def test_stands_alone(text: str, expected: bool) -> None:
    assert stands_alone(text) is expected


@pytest.mark.parametrize("words", [12, 20, 35, 60, 120, 1000])
def test_select_respects_the_word_budget(fake_encoder: HashedBagOfWords, words: int) -> None:
    summary = summarize(fake_encoder, words=words)
    assert sum(word_count(sentence.text) for sentence in summary.sentences) <= words


def test_select_with_a_budget_below_every_sentence_is_empty(fake_encoder: HashedBagOfWords) -> None:
    assert summarize(fake_encoder, words=5).sentences == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The bridge -- closed since Tuesday -- reopens on Friday .", 8),
        ("``We will rebuild,'' she said _ and left .", 7),
        ("( us$ 61.1 million )", 3),
        ("", 0),
    ],
)
def test_word_count_leaves_out_tokens_without_a_letter_or_digit(text: str, expected: int) -> None:
    assert word_count(text) == expected


@pytest.mark.parametrize("words", [20, 35, 60])
def test_fill_adds_one_last_sentence_past_a_budget_left_partly_unused(
    fake_encoder: HashedBagOfWords, words: int
) -> None:
    within = summarize(fake_encoder, words=words)
    filled = summarize(fake_encoder, words=words, fill=True)  # type: ignore[arg-type]
    used = sum(word_count(sentence.text) for sentence in within.sentences)
    assert used < words  # these budgets leave a gap no whole sentence fits into
    assert filled.sentences[:-1] == within.sentences
    extra = filled.sentences[-1]
    assert extra not in within.sentences and stands_alone(extra.text)
    assert used + word_count(extra.text) > words  # it runs past the budget: the first `words` words hold no gap


def test_fill_never_repeats_a_chosen_fact(fake_encoder: HashedBagOfWords) -> None:
    """SHARED_FACT is told by two outlets: the sentence added past the budget is never its other copy."""
    for words in range(15, 90, 5):
        texts = [sentence.text for sentence in summarize(fake_encoder, words=words, fill=True).sentences]  # type: ignore[arg-type]
        assert texts.count(SHARED_FACT) <= 1


def test_fill_adds_nothing_when_the_budget_is_used_up(fake_encoder: HashedBagOfWords) -> None:
    within = summarize(fake_encoder, words=1000)
    assert summarize(fake_encoder, words=1000, fill=True).sentences == within.sentences  # type: ignore[arg-type]


@pytest.mark.parametrize("max_sentences", [1, 2, 3])
def test_select_respects_max_sentences(fake_encoder: HashedBagOfWords, max_sentences: int) -> None:
    summary = summarize(fake_encoder, words=1000, max_sentences=max_sentences)
    assert len(summary.sentences) == max_sentences


def test_first_citation_is_the_sentence_own_exact_span(fake_encoder: HashedBagOfWords) -> None:
    summary = summarize(fake_encoder, words=1000)
    texts = {article.id: article.text for article in summary.articles}
    assert summary.sentences
    for sentence in summary.sentences:
        first = sentence.citations[0]
        assert texts[first.article][first.start : first.end] == sentence.text
        for citation in sentence.citations:
            assert 0 <= citation.start < citation.end <= len(texts[citation.article])


def test_citations_include_the_aligned_sentence_of_another_article(fake_encoder: HashedBagOfWords) -> None:
    alignment, vectors = build(fake_encoder)
    summary = select(alignment, vectors, words=1000)
    [shared] = [sentence for sentence in summary.sentences if sentence.text == SHARED_FACT]
    assert {citation.article for citation in shared.citations} == {"ledger", "courier"}
    by_id = {sentence.id: sentence for document in alignment.documents for sentence in document.sentences}
    for sentence in summary.sentences:
        own = sentence.citations[0]
        [source] = [s for s in by_id.values() if (s.article_id, s.start, s.end) == (own.article, own.start, own.end)]
        supported = [by_id[other] for other in alignment.support[source.id]]
        assert [(c.article, c.start, c.end) for c in sentence.citations[1:]] == [
            (other.article_id, other.start, other.end) for other in supported
        ]


def test_a_fact_stated_twice_is_chosen_once(fake_encoder: HashedBagOfWords) -> None:
    summary = summarize(fake_encoder, words=1000)
    texts = [sentence.text for sentence in summary.sentences]
    assert len(texts) == len(set(texts))


def test_a_dependent_sentence_is_only_chosen_right_after_the_sentence_it_leans_on(
    fake_encoder: HashedBagOfWords,
) -> None:
    summary = summarize(fake_encoder, words=1000)
    texts = [sentence.text for sentence in summary.sentences]
    # "But the mayor warned ..." carries a fact of its own and its predecessor is chosen, so it may follow.
    assert any(not stands_alone(text) for text in texts)
    for position, text in enumerate(texts):
        if not stands_alone(text):
            source = next(d for d in cluster() for s in d.sentences if s.text == text)
            before = [s.text for s in source.sentences]
            assert position > 0
            assert texts[position - 1] == before[before.index(text) - 1]


def test_a_dependent_sentence_is_not_chosen_without_its_predecessor(fake_encoder: HashedBagOfWords) -> None:
    documents = [
        make_document(
            "a",
            "Container traffic at the Slate Island terminal resumed on Thursday after a two-day halt.",
            PRONOUN_LEAD,
            source="A",
        ),
        make_document("b", "The Kestrel Narrows Bridge was closed in both directions on Tuesday morning.", source="B"),
    ]
    alignment, vectors = build(fake_encoder, documents)
    summary = select(alignment, vectors, words=20)
    texts = [sentence.text for sentence in summary.sentences]
    assert PRONOUN_LEAD not in texts
    assert texts


def test_dependent_sentences_are_used_when_nothing_else_is_left(fake_encoder: HashedBagOfWords) -> None:
    documents = [
        make_document("a", PRONOUN_LEAD, "But the mayor warned that repairs could take longer than two weeks.")
    ]
    alignment, vectors = build(fake_encoder, documents)
    summary = select(alignment, vectors, words=1000, max_sentences=1)
    assert len(summary.sentences) == 1


def test_select_is_deterministic(fake_encoder: HashedBagOfWords) -> None:
    assert summarize(fake_encoder, words=60) == summarize(HashedBagOfWords(), words=60)


def test_documents_without_sentences_give_an_empty_summary(fake_encoder: HashedBagOfWords) -> None:
    documents = [make_document("a"), make_document("b")]
    alignment = align(documents, np.zeros((0, fake_encoder.dimension), dtype=np.float32))
    summary = select(alignment, np.zeros((0, fake_encoder.dimension), dtype=np.float32), words=100)
    assert summary.sentences == ()
    assert summary.text == ""
    assert [article.id for article in summary.articles] == ["a", "b"]


def test_no_documents_give_an_empty_summary() -> None:
    alignment = Alignment(documents=(), groups={}, support={})
    summary = select(alignment, np.zeros((0, 4), dtype=np.float32), words=100)
    assert summary == Summary((), ())


def test_single_article_is_still_cited_and_noted(fake_encoder: HashedBagOfWords) -> None:
    alignment, vectors = build(fake_encoder, cluster()[:1])
    summary = select(alignment, vectors, words=60)
    assert summary.sentences
    assert all(sentence.citations[0].article == "ledger" for sentence in summary.sentences)
    assert any(note.startswith("Single source") for note in summary.notes)


def test_near_duplicate_articles_are_noted_as_one_story(fake_encoder: HashedBagOfWords) -> None:
    documents = cluster()
    copy = make_document("copy", *(s.text for s in documents[0].sentences), source="Harbour Wire")
    alignment, vectors = build(fake_encoder, [*documents, copy])
    summary = select(alignment, vectors, words=60)
    assert "Same story text (counted once): Port Wendell Ledger, Harbour Wire." in summary.notes


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("PORT WENDELL (FPA) — A container ship hit the bridge.", "A container ship hit the bridge."),
        ("WASHINGTON (AP) _ The Senate voted on Tuesday.", "The Senate voted on Tuesday."),
        ("BEIJING, China - Officials said the talks would go on.", "Officials said the talks would go on."),
        ("NEW YORK (Reuters) -- Stocks fell sharply on Monday.", "Stocks fell sharply on Monday."),
        ("US President Barack Obama — who wrote the letter — said nothing.", None),
        ("NATO — the alliance of 28 nations — met on Friday.", None),
        ("A report in the WSJ says the letter was sent in October.", None),
    ],
)
def test_dateline_is_left_out_of_the_quoted_sentence(text: str, rest: str | None) -> None:
    assert text[dateline_length(text) :] == (rest or text)


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("Washington - In a rare outreach, the mayor wrote a letter.", "In a rare outreach, the mayor wrote a letter."),
        ("Washington (CNN) — The White House said nothing.", "The White House said nothing."),
        ("Port Wendell, Maine — A ship hit the bridge.", "A ship hit the bridge."),
        ("Obama-era rules still apply to the port.", None),
        ("Mayor Brandvold — who closed the bridge — spoke on Friday.", None),
    ],
)
def test_a_title_case_dateline_is_left_out_only_at_an_articles_start(text: str, rest: str | None) -> None:
    assert text[dateline_length(text, first=True) :] == (rest or text)
    assert dateline_length(text) == 0


def test_summary_quotes_a_sentence_from_after_its_dateline(fake_encoder: HashedBagOfWords) -> None:
    lead = "PORT WENDELL (FPA) — " + SHARED_FACT
    documents = cluster()
    documents[0] = make_document("ledger", lead, *[s.text for s in documents[0].sentences[1:]], source="Ledger")
    alignment, vectors = build(fake_encoder, documents)
    summary = select(alignment, vectors, words=60)
    texts = {article.id: article.text for article in summary.articles}
    assert SHARED_FACT in [sentence.text for sentence in summary.sentences]
    for sentence in summary.sentences:
        assert not sentence.text.startswith("PORT WENDELL")
        first = sentence.citations[0]
        assert texts[first.article][first.start : first.end] == sentence.text


def test_ilp_fills_a_tight_budget_with_the_shared_facts(fake_encoder: HashedBagOfWords) -> None:
    """The integer program chooses the set: two short sentences holding the facts both outlets
    report fit the budget, where the long sentence holding them alone would not."""
    documents = [
        make_document(
            "a",
            "The ferry Marlin sank near Port Orla on Monday.",
            "Rescuers saved forty people.",
            "The ferry Marlin, which carried forty people and a crew of six on its daily run, sank near Port Orla.",
        ),
        make_document("b", "The ferry Marlin sank near Port Orla.", "Rescuers saved forty people from the water."),
    ]
    alignment, vectors = build(fake_encoder, documents)
    summary = select_any(alignment, vectors, words=16, solver="ilp")
    assert sum(word_count(sentence.text) for sentence in summary.sentences) <= 16
    texts = " ".join(sentence.text for sentence in summary.sentences)
    assert "Marlin sank" in texts and "Rescuers saved" in texts


def test_ilp_without_a_time_limit_chooses_as_within_it(
    fake_encoder: HashedBagOfWords, monkeypatch: pytest.MonkeyPatch
) -> None:
    """solver_seconds reaches the solver (None: no limit at all), and a limit that does not bind
    changes nothing: the benchmarks lift it so that a busy machine cannot change a summary."""
    import scipy.optimize

    documents = [
        make_document("a", "The ferry Marlin sank near Port Orla on Monday.", "Rescuers saved forty people."),
        make_document("b", "The ferry Marlin sank near Port Orla.", "Rescuers saved forty people from the water."),
    ]
    alignment, vectors = build(fake_encoder, documents)
    limits: list[object] = []
    solve = scipy.optimize.milp

    def recording(*args: Any, **kwargs: Any) -> Any:
        limits.append(kwargs["options"].get("time_limit"))
        return solve(*args, **kwargs)

    monkeypatch.setattr(scipy.optimize, "milp", recording)
    unlimited = select_any(alignment, vectors, words=16, solver="ilp", solver_seconds=None)
    limited = select_any(alignment, vectors, words=16, solver="ilp")
    assert limits == [None, 5.0]
    assert [s.text for s in unlimited.sentences] == [s.text for s in limited.sentences]


def test_linear_model_standardises_then_weighs() -> None:
    model = LinearModel(("a", "b"), (1.0, 0.0), (2.0, 1.0), (1.0, -1.0), 0.5)
    scores = model.predict(np.array([[3.0, 1.0], [1.0, 0.0], [5.0, 0.0]]))
    assert scores.tolist() == pytest.approx([0.5, 0.5, 2.5])


def test_linear_model_holds_each_feature_to_its_training_range() -> None:
    """A value far outside what the fit saw (standardised 10 where training went up to 2) counts as 2."""
    model = LinearModel(("a",), (0.0,), (1.0,), (1.0,), 0.0, lower=(-1.0,), upper=(2.0,))
    assert model.predict(np.array([[10.0], [1.5], [-7.0]])).tolist() == pytest.approx([2.0, 1.5, -1.0])


def test_linear_model_weighs_the_sentence_vectors_too() -> None:
    model = LinearModel(("a",), (0.0,), (1.0,), (1.0,), 0.0, vector_coef=(2.0, -1.0), encoder="some-encoder")
    vectors = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    assert model.predict(np.array([[0.5], [0.5]]), vectors).tolist() == pytest.approx([2.5, -0.5])


@pytest.mark.parametrize("shape", [None, (2, 3), (3, 2)])
def test_linear_model_with_vector_weights_refuses_missing_or_other_vectors(shape: tuple[int, int] | None) -> None:
    model = LinearModel(("a",), (0.0,), (1.0,), (1.0,), 0.0, vector_coef=(2.0, -1.0), encoder="some-encoder")
    vectors = None if shape is None else np.zeros(shape, dtype=np.float32)
    with pytest.raises(ConfigError, match="some-encoder"):
        model.predict(np.array([[0.5], [0.5]]), vectors)


def test_a_standardised_value_keeps_its_scale_whatever_the_raw_scores(fake_encoder: HashedBagOfWords) -> None:
    """With learned_spread, a value model's scores shifted or stretched as a whole choose the same summary:
    only how a sentence compares with the others of its cluster counts."""
    alignment, vectors = build(fake_encoder)
    weights = SelectionWeights(centrality=0.0, support=0.0, position=0.0, learned=1.0, learned_spread=1.0)
    chosen = []
    for coef, intercept in ((1.0, 0.0), (40.0, 0.0), (1.0, 25.0)):
        model = LinearModel(("relative_position",), (0.0,), (1.0,), (coef,), intercept)
        summary = select_any(alignment, vectors, words=40, weights=weights, solver="ilp", value_model=model)
        chosen.append([sentence.text for sentence in summary.sentences])
    assert chosen[0] == chosen[1] == chosen[2]


def test_a_model_round_trips_through_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = LinearModel(
        ("lead", "words"), (0.1, 2.0), (0.3, 0.5), (0.2, -0.1), 0.01, (-2.0, -3.0), (2.5, 3.0), (0.5, -0.5), "enc"
    )
    (tmp_path / "weights").mkdir()
    (tmp_path / "weights" / "round-trip.json").write_text(json.dumps(model.to_json()), encoding="utf-8")
    monkeypatch.setattr("storyline.select.coverage.resources.files", lambda package: tmp_path)
    select_module._load_model.cache_clear()
    try:
        assert load_model("round-trip") == model
    finally:
        select_module._load_model.cache_clear()


def test_the_shipped_value_model_loads_and_scores_every_sentence(fake_encoder: HashedBagOfWords) -> None:
    model = load_model("sentence-value.v1")
    assert set(model.features) <= set(SENTENCE_FEATURES)
    alignment, vectors = build(fake_encoder)
    scores = model.predict(sentence_features(alignment, vectors, model.features))
    assert scores.shape == (len(vectors),) and np.isfinite(scores).all()


def test_an_unknown_model_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"learn_value\.py"):
        load_model("no-such-model")


def test_features_have_a_row_per_sentence(fake_encoder: HashedBagOfWords) -> None:
    alignment, vectors = build(fake_encoder)
    matrix = sentence_features(alignment, vectors)
    assert matrix.shape == (len(vectors), len(SENTENCE_FEATURES))
    assert np.isfinite(matrix).all()


def test_a_value_model_changes_which_sentences_win(fake_encoder: HashedBagOfWords, solver: str) -> None:
    """A model that prizes the last sentences of an article makes the selector take them."""
    alignment, vectors = build(fake_encoder)
    late = LinearModel(("relative_position",), (0.0,), (1.0,), (50.0,), 0.0)
    weights = SelectionWeights(learned=1.0, ilp_sentence=50.0)
    plain = select_any(alignment, vectors, words=40, solver=solver)  # type: ignore[arg-type]
    learned = select_any(alignment, vectors, words=40, weights=weights, solver=solver, value_model=late)  # type: ignore[arg-type]
    assert sum(word_count(sentence.text) for sentence in learned.sentences) <= 40
    assert [s.text for s in learned.sentences] != [s.text for s in plain.sentences]
