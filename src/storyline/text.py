"""The shared text rules: what a word is, which words carry no content, how a word is stemmed, which
openers make a sentence lean on the one before, and the fingerprint of a text.

Knows strings only; imports nothing else from storyline. Every stage that reads words takes its
rules from here. Where two stages use different lists or stemmers, each stage's thresholds were
tuned with its own (a cut-off set with one list moves with another), so both are kept, side by
side and named for what they are for; merge two only after re-running the benchmarks named beside
them.
"""

from __future__ import annotations

import hashlib
import re

__all__ = [
    "ALPHANUMERIC",
    "CLAIM_DEPENDENT_OPENERS",
    "CLAIM_STOPWORDS",
    "CONCEPT_STOPWORDS",
    "DEPENDENT_OPENERS",
    "DEPENDENT_PHRASES",
    "ENGLISH_FUNCTION_WORDS",
    "LETTERS",
    "SENTENCE_END",
    "UNIT_STOPWORDS",
    "WORD",
    "WORD_CHARACTERS",
    "fingerprint",
    "plural_stem",
    "remove_invisible",
    "suffix_stem",
]

# --- characters no reader should see ------------------------------------------------------------

#: Bidirectional overrides, embeddings and isolates (they can make a page show text in another order
#: than it is stored, "Trojan Source"), and zero-width characters (they hide inside words, so two
#: copies of a sentence stop matching). Removed from every text as it is read (issue 32).
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u061c\u180e\ufeff]")


def remove_invisible(text: str) -> str:
    """The text without bidirectional controls and zero-width characters (:data:`INVISIBLE`)."""
    return INVISIBLE.sub("", text)


# --- what a word is ---------------------------------------------------------------------------

#: A word: letters and digits, with apostrophes inside ("don't", "O'Brien", "Reuters’s"). The word of
#: the selection's concepts, the comparison's word overlaps and the cleaner's line features.
WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
#: A run of letters, no digits: the words of the language check, of the exact-duplicate fingerprint
#: and of a story's content words.
LETTERS = re.compile(r"[^\W\d_]+")
#: A run of letters and digits: the word triples of the near-duplicate test (stories.index.minhash).
ALPHANUMERIC = re.compile(r"[^\W_]+")
#: A run of word characters (letters, digits and "_"): the alignment's rare terms and near-duplicate
#: 5-grams, and the words of a quotation.
WORD_CHARACTERS = re.compile(r"\w+")
#: The end of a line or text that ends like a sentence: final punctuation (also of scripts written
#: without spaces), then closing quotes or brackets. The layout's paragraph ends and the cleaner's
#: line features.
SENTENCE_END = re.compile(r"""[.!?…。！？]['"’”)\]」』）]*\s*$""")

# --- words that carry no content ----------------------------------------------------------------

#: Common English function words. Prose is about 40-50% function words; menus, captions and tag
#: lists have few (the cleaner, tuned with benchmarks/cleaning.py); under 15% of them, a text is not
#: English (sources.check); a story's content words leave them out (stories.index, tuned with
#: benchmarks/clustering.py). English only: the cleaner adds other languages' function words itself.
ENGLISH_FUNCTION_WORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if in into is
    it its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them themselves
    then there these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yours yourself yourselves said says say
    since still though told according""".split()
)

#: Words that state no fact of a claim: what two sentences share besides them says whether they state
#: one fact (compare; its overlap thresholds were set with this list on the dev split of
#: benchmarks/contradictions.py). Keeps "not" and "no", which deny what a sentence states.
CLAIM_STOPWORDS = frozenset(
    """a an the and or but if of to in on at by for with from as is are was were be been being has have
    had do does did this that these those it its he she they them his her their we our you your i me my
    will would could should can may might must shall said says say about into over after before than
    then there here who whom which what when where why how also just more most other some such only own
    same so too very s t up out that's""".split()
)

#: Words that are no summary concept (select: a sentence is worth the concepts it covers; tuned on
#: Multi-News val with benchmarks/ablate.py): the claim list without "that's" and with the
#: negations and the commonest number words, which every sentence of a story may carry.
CONCEPT_STOPWORDS = (CLAIM_STOPWORDS - {"that's"}) | frozenset({"not", "no", "new", "one", "two"})

#: Words that end the unit of a figure ("four people [who]", "$5 million [in]"): nlp.quantities reads
#: the words after a number up to one of these (its readings were set with benchmarks/contradictions.py).
UNIT_STOPWORDS = frozenset(
    """of in on at to for from by with and or but who which that were was are is be been had have has
    said says a an the this these those than as after before when while into over under per each
    across since during until it its their his her they he she we you i not no""".split()
)

# --- stems --------------------------------------------------------------------------------------


def plural_stem(word: str) -> str:
    """A word lower-cased without its possessive and plural "s" ("officials" -> "official", "boss" stays).

    The comparison's stem: it pairs words of two sentences, where a light touch keeps "news" and
    "new" apart.
    """
    word = word.lower().replace("’", "'").removesuffix("'s")
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def suffix_stem(word: str) -> str:
    """A word lower-cased without its first of "'s", "ies" (-> "y"), "es", "s", "ing", "ed" (3+ letters left).

    The selection's stem: concepts ("rescued", "rescues", "rescuing") count once whatever the form.
    """
    word = word.lower().replace("’", "'")
    for suffix in ("'s", "ies", "es", "s", "ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


# --- sentences that lean on the one before ---------------------------------------------------------

#: First words of a sentence that cannot stand on its own: a pronoun, a connective or an adverb that
#: points back (select.stands_alone: such a sentence is only taken right after its predecessor).
DEPENDENT_OPENERS = frozenset(
    """he she it they him her his its their them this these those that there also but and or so
    yet still however moreover meanwhile nevertheless furthermore additionally then thus therefore
    besides otherwise likewise similarly instead nonetheless anyway plus both such""".split()
)
#: Phrases that open a sentence leaning on the one before, as those words do.
DEPENDENT_PHRASES = re.compile(
    r"^(in addition|as a result|on the other hand|at the same time|even so|after that|by contrast|"
    r"in contrast|for (his|her|their|its) part)\b",
    re.IGNORECASE,
)
#: The openers the comparison's claims avoid when choosing which sentence stands for a fact: the
#: list above without seven adverbs, as the comparison's output was set and checked with it
#: (benchmarks/contradictions.py); adding them would change which sentence some agreements quote.
CLAIM_DEPENDENT_OPENERS = DEPENDENT_OPENERS - frozenset(
    {"still", "besides", "otherwise", "likewise", "similarly", "anyway", "plus"}
)

# --- fingerprint --------------------------------------------------------------------------------


def fingerprint(text: str) -> str:
    """A hash of the text's words, blind to case, spacing and punctuation (the exact-duplicate test)."""
    words = " ".join(word.lower() for word in LETTERS.findall(text))
    return hashlib.sha1(words.encode("utf-8")).hexdigest()
