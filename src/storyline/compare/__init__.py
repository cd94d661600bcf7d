"""Compare the sources of one cluster: Alignment -> Comparison.

What every outlet confirms, what rests on one outlet alone, where they disagree, whom they
quote and when things happened, each item citing exact source spans:

- agreements: facts the alignment finds in two or more outlets (near-duplicate copies of one
  wire story count as one outlet), most widely reported and most central first;
- single_source: the most central sentences no other outlet states;
- contradictions: aligned sentences (the same fact by meaning) that differ in a number or
  amount, a date, a person or place, or the words of a quotation. Wordings that can both be
  true are not contradictions: "six world powers" and "five other world powers" (a part of a
  count), "October" and "mid-October" (a refinement), "about 52,000" and "52,300" (a rounding).
  The rules propose every such pair with what they read in it; a trained judge (judge.py) gives
  each a confidence, and those at or above its threshold are reported (all with
  ``all_differences``);
- quotes: direct quotations with their speakers, merged across outlets when the words are
  nearly the same;
- timeline: dated events, dates made absolute from each article's publication date.

Knows nothing about summaries or output formats.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date

from storyline.compare.claims import _agreements, _fact_groups, _single_source
from storyline.compare.contradictions import _candidates, _contradictions
from storyline.compare.facts import Matrix, _Context, reference_dates
from storyline.compare.judge import Candidate, Judge, load_judge
from storyline.compare.quotes import _quotes
from storyline.compare.timeline import _timeline
from storyline.types import Alignment, Comparison

__all__ = ["Candidate", "Judge", "candidates", "compare", "load_judge", "reference_dates"]

log = logging.getLogger(__name__)


def compare(
    alignment: Alignment,
    vectors: Matrix,
    *,
    datelines: Mapping[str, date] | None = None,
    judge: Judge | None = None,
    all_differences: bool = False,
) -> Comparison:
    """Compare the articles of one cluster.

    Args:
        alignment: the cluster's alignment (documents, near-duplicate groups, aligned sentences).
        vectors: one normalised row per sentence, in document then sentence order (as for align).
        datelines: publication dates found in the page text of articles that have no
            ``published`` date (article id -> date).
        judge: what gives each candidate contradiction its confidence (default: the bundled one).
        all_differences: list every candidate contradiction, not only those at or above the
            judge's threshold (those come first; the others follow, the most confident first).

    Returns:
        Agreements, single-source claims, contradictions, quotes and a timeline, all citing
        exact spans of the articles' (cleaned) texts.
    """
    context = _Context(alignment, vectors, reference_dates([d.article for d in alignment.documents], datelines))
    facts = _fact_groups(context)
    quotes, quote_findings = _quotes(context)
    return Comparison(
        articles=tuple(document.article for document in alignment.documents),
        agreements=_agreements(context, facts),
        single_source=_single_source(context, facts),
        contradictions=_contradictions(context, judge or load_judge(), quote_findings, all_differences=all_differences),
        quotes=quotes,
        timeline=_timeline(context),
    )


def candidates(
    alignment: Alignment, vectors: Matrix, *, datelines: Mapping[str, date] | None = None
) -> tuple[Candidate, ...]:
    """Every candidate contradiction of one cluster with its evidence, before the judge (for training
    and labelling the judge: benchmarks/train_judge.py, benchmarks/judge_precision.py). Arguments as
    for :func:`compare`."""
    context = _Context(alignment, vectors, reference_dates([d.article for d in alignment.documents], datelines))
    _, quote_findings = _quotes(context)
    found = []
    for finding in [*_candidates(context), *quote_findings]:
        (first, second) = sorted(finding.spans, key=lambda sentence_id: context.position[sentence_id])
        found.append(
            Candidate(
                finding.kind,
                (finding.spans[first], finding.spans[second]),
                (finding.sides[first], finding.sides[second]),
                finding.note,
                dict(finding.evidence),
            )
        )
    return tuple(found)
