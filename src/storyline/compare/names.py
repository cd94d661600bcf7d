"""People and places: when two names are one (aliases, spellings, demonyms, nesting) and what
role a name plays in a sentence."""

from __future__ import annotations

import functools
import re
from difflib import SequenceMatcher
from itertools import pairwise

from storyline.compare.text import _STOP, _WORD, _lower_words
from storyline.nlp.places import within
from storyline.nlp.quotes import clean_name
from storyline.types import Entity, Sentence

# Values set on the dev half of benchmarks/contradictions.py, like those of contradictions.py
# (re-run it with --split dev after changing one).
#: This many people (or places) joined by commas and "and" list them: none of them is the fact.
LIST_NAMES = 3

#: Names this alike (difflib ratio) are one name spelt two ways ("Kazakhstan", "Kazakstan").
SAME_SPELLING = 0.9

_PERSON = frozenset({"PERSON"})

_PLACE = frozenset({"GPE", "LOC", "FAC"})

# Names whose change is a contradiction. spaCy's small model often labels an unfamiliar person
# or place as an organisation (and back), so they are compared across these labels.
_NAMES = frozenset({"PERSON", "GPE", "LOC", "FAC", "ORG"})

_ALIASES = {
    "us": "us",
    "usa": "us",
    "united states": "us",
    "united states of america": "us",
    "america": "us",
    "american": "us",
    "americans": "us",
    "british": "uk",
    "uk": "uk",
    "britain": "uk",
    "great britain": "uk",
    "united kingdom": "uk",
    "un": "un",
    "united nations": "un",
    "eu": "eu",
    "european union": "eu",
    "uae": "uae",
    "united arab emirates": "uae",
    "ussr": "ussr",
    "soviet union": "ussr",
}

# A country's parts stand for the country in news ("support to England during its 1982 war", "support
# Britain in its 1982 war"): the same place at two scales. Two parts are still two places.
_PARTS = {"england": "uk", "scotland": "uk", "wales": "uk", "northern ireland": "uk"}

# A capital stands for its country in news ("Damascus accused Turkey"); naming one in one outlet
# and the other in another is no contradiction.
_CAPITALS = dict(
    item.split(":")
    for item in (
        "abu dhabi:uae, amman:jordan, ankara:turkey, athens:greece, baghdad:iraq, bangkok:thailand, beijing:china, "
        "beirut:lebanon, belgrade:serbia, berlin:germany, bogota:colombia, brasilia:brazil, brussels:belgium, "
        "bucharest:romania, budapest:hungary, buenos aires:argentina, cairo:egypt, canberra:australia, "
        "caracas:venezuela, damascus:syria, dhaka:bangladesh, dublin:ireland, hanoi:vietnam, havana:cuba, "
        "islamabad:pakistan, jakarta:indonesia, jerusalem:israel, kabul:afghanistan, kiev:ukraine, kyiv:ukraine, "
        "kuala lumpur:malaysia, lima:peru, lisbon:portugal, london:uk, madrid:spain, manila:philippines, "
        "mexico city:mexico, moscow:russia, nairobi:kenya, new delhi:india, oslo:norway, ottawa:canada, "
        "paris:france, phnom penh:cambodia, prague:czech republic, pretoria:south africa, pyongyang:north korea, "
        "riyadh:saudi arabia, rome:italy, santiago:chile, seoul:south korea, stockholm:sweden, taipei:taiwan, "
        "tehran:iran, tel aviv:israel, tokyo:japan, tripoli:libya, vienna:austria, warsaw:poland, washington:us"
    ).split(", ")
)

# Words that say what kind of place a name is ("Gaza City", "the Gaza Strip"): not part of which place.
_PLACE_WORDS = re.compile(
    r"\s+(?:city|strip|province|region|state|county|district|island|islands|republic|territory|territories)$"
)


# Pure functions of names, asked about the same few dozen names of a cluster for every sentence
# (whether some sentence names both of two rivals): cached, they no longer cost most of compare's time.
@functools.lru_cache(maxsize=65536)
def _normal_name(text: str) -> str:
    name = clean_name(text).lower().replace(".", "")
    name = " ".join(_WORD.findall(name))  # "Nicole “Snooki” Polizzi" and 'Nicole " Snooki " Polizzi'

    name = _PLACE_WORDS.sub("", re.sub(r"^the\s+", "", name))
    return _ALIASES.get(name, name)


@functools.lru_cache(maxsize=262144)
def _is_alias(x: str, y: str) -> bool:
    """Two names of one entity: equal, one part of the other ("Obama", "Barack Obama"), spelt a little
    differently ("Kazakhstan", "Kazakstan"), a capital and its country, a country and one of its
    parts ("England", "Britain"), or an acronym."""
    a, b = _normal_name(x), _normal_name(y)
    if not a or not b:
        return False
    if a == b or _CAPITALS.get(a, a) == _CAPITALS.get(b, b) or _PARTS.get(a) == b or _PARTS.get(b) == a:
        return True
    ta, tb = a.split(), b.split()
    if set(ta) <= set(tb) or set(tb) <= set(ta):
        return True
    if _spelt_alike(a, b) or _one_letter_apart(a, b):
        return True
    if _STATES.get(a.removesuffix("."), a) == _STATES.get(b.removesuffix("."), b):
        return True  # "Chesterfield, Va." and "Chesterfield, Virginia"
    if len(ta) == len(tb) and ta[:-1] == tb[:-1] and (_demonym(ta[-1], tb[-1]) or _demonym(tb[-1], ta[-1])):
        return True  # "Turkey" and "Turkish", "the Middle East" and "Middle Eastern"
    if min(len(ta), len(tb)) >= 3 and ta[:3] == tb[:3]:
        return True  # "Johns Hopkins University Applied Physics Laboratory", cut short by a credit line
    initials_a = "".join(word[0] for word in ta if word not in ("of", "and", "the"))
    initials_b = "".join(word[0] for word in tb if word not in ("of", "and", "the"))
    return (len(ta) == 1 and a == initials_b) or (len(tb) == 1 and b == initials_a)


def _spelt_alike(a: str, b: str) -> bool:
    """Two spellings of one name (SAME_SPELLING). The ratio's cheap upper bounds, from the lengths
    (difflib's real_quick_ratio) and then the letters, rule out most of the cluster's name pairs
    before the full match is computed."""
    if 2.0 * min(len(a), len(b)) / (len(a) + len(b)) < SAME_SPELLING:
        return False
    matcher = SequenceMatcher(None, a, b)
    return matcher.quick_ratio() >= SAME_SPELLING and matcher.ratio() >= SAME_SPELLING


_WHERE = re.compile(
    r"\b(?:in|at|near|outside|across|throughout|around|from|to|into|inside|within)\s+(?:the\s+)?$", re.IGNORECASE
)


def _nested(first: Sentence, x: Entity, second: Sentence, y: Entity) -> bool:
    """Two places where something happened, one inside the other by the gazetteer ("in Minneapolis"
    and "in Minnesota"): one place told at two scales, as "October" and "mid-October" are one time.
    Only where each says where ("in", "at", "near", ...): a place that acts or owns ("U.S. officials",
    "Chicago officials") is a party, and the city is not the country. Neither may be a person
    ("Jackson" is also a city in Mississippi)."""
    if "PERSON" in (_family(x), _family(y)) or not (_says_where(first, x) and _says_where(second, y)):
        return False
    a, b = clean_name(x.text), clean_name(y.text)
    return within(a, b) or within(b, a)


def _says_where(sentence: Sentence, place: Entity) -> bool:
    """The place follows a preposition of place ("in Minnesota", "near the Gaza Strip")."""
    return bool(_WHERE.search(sentence.text[: place.start - sentence.start]))


def _one_letter_apart(a: str, b: str) -> bool:
    """One long name with one letter mistyped ("Gadhafi", "Gadhadi")."""
    return len(a) == len(b) >= 6 and sum(x != y for x, y in zip(a, b, strict=True)) == 1


# The AP style abbreviations of the US states that news datelines use ("Laramie, Wyo.").
_STATES = dict(
    item.split(":")
    for item in (
        "ala:alabama, ariz:arizona, ark:arkansas, calif:california, colo:colorado, conn:connecticut, "
        "del:delaware, fla:florida, ga:georgia, ill:illinois, ind:indiana, kan:kansas, ky:kentucky, "
        "la:louisiana, md:maryland, mass:massachusetts, mich:michigan, minn:minnesota, miss:mississippi, "
        "mo:missouri, mont:montana, neb:nebraska, nev:nevada, nh:new hampshire, nj:new jersey, nm:new mexico, "
        "ny:new york, nc:north carolina, nd:north dakota, okla:oklahoma, ore:oregon, pa:pennsylvania, "
        "ri:rhode island, sc:south carolina, sd:south dakota, tenn:tennessee, vt:vermont, va:virginia, "
        "wash:washington, wva:west virginia, wis:wisconsin, wyo:wyoming"
    ).split(", ")
)

_DEMONYM_ENDINGS = ("n", "an", "ian", "ese", "i", "ish", "ic", "ean", "k", "ern")


def _demonym(place: str, people: str) -> bool:
    """A place and its people: "turkey" and "turkish", "iran" and "iranian", "china" and "chinese"."""
    return 4 <= len(place) < len(people) and any(
        place[: len(place) - cut] + ending == people for cut in range(4) for ending in _DEMONYM_ENDINGS
    )


def _mentions(name: Entity, sentence: Sentence) -> bool:
    """The sentence names the same person or place (any alias, or a word derived from it: "Iranian")."""
    if any(_is_alias(name.text, other.text) for other in sentence.entities):
        return True
    key = _key_word(name.text)
    return any(_says_key(word, key) for word in _lower_words(sentence.text))


def _key_word(name: str) -> str:
    """The word a name is known by in other words: the last of its normal form ("iran", "obama")."""
    parts = _normal_name(name).split()
    return parts[-1] if parts else ""


def _says_key(word: str, key: str) -> bool:
    """A lower-case word is a name's key word, or derived from it when that is long enough ("iranian")."""
    return bool(key) and (word == key or (len(key) >= 4 and word.startswith(key)))


# What may stand between two names told as one ("Laramie, Wyo.", "Aberdeen in Harford County", "Exxon
# and Mobil", "Det Con Tim Bird"): punctuation, one joining word, and capitalised words of a title.
_SIDE_BY_SIDE = re.compile(r"[\W_]*(?:(?:and|or|of|in|at|near|outside|s)[\W_]+)?(?:[A-Z][\w.'’-]*[\W_]+)*")


def _name_spans(sentence: Sentence, name: Entity) -> list[tuple[int, int]]:
    """Where a sentence names a person or place (article offsets): the name itself, a name of the
    same one, or a word derived from its last word ("Iranian"), as :func:`_mentions` finds them."""
    own = sentence.text[name.start - sentence.start : name.end - sentence.start] == name.text  # offsets are per article
    spans = [(name.start, name.end)] if own and sentence.start <= name.start else []
    spans += [(e.start, e.end) for e in sentence.entities if _is_alias(name.text, e.text)]
    key = _key_word(name.text)
    spans += [
        (sentence.start + match.start(), sentence.start + match.end())
        for match in _WORD.finditer(sentence.text)
        if _says_key(match.group(0).lower(), key)
    ]
    return spans


def _side_by_side(sentence: Sentence, first: Entity, second: Entity) -> bool:
    """The sentence names the two next to each other, as parts of one name or place."""
    for a in _name_spans(sentence, first):
        for b in _name_spans(sentence, second):
            (_, low_end), (high_start, _) = sorted((a, b))
            if low_end <= high_start and _SIDE_BY_SIDE.fullmatch(
                sentence.text[low_end - sentence.start : high_start - sentence.start]
            ):
                return True
    return False


_LIST_JOINT = re.compile(r"\s*(?:,|;|&|and|or|, and|, or)\s*", re.IGNORECASE)


def _listed(sentence: Sentence, names: list[Entity]) -> list[Entity]:
    """The names of a sentence that stand in a list: LIST_NAMES or more names of one kind joined only
    by commas and "and"/"or" ("Carly Fiorina, Mike Huckabee, Rand Paul"). Names of one kind
    elsewhere in the sentence ("from Rio de Janeiro in Brazil to Paris, France") are no list."""
    ordered = sorted(names, key=lambda entity: entity.start)
    listed: list[Entity] = []
    run: list[Entity] = ordered[:1]
    for previous, entity in pairwise(ordered):
        between = sentence.text[previous.end - sentence.start : entity.start - sentence.start]
        if _family(entity) == _family(previous) and _LIST_JOINT.fullmatch(between):
            run.append(entity)
            continue
        if len(run) >= LIST_NAMES:
            listed.extend(run)
        run = [entity]
    if len(run) >= LIST_NAMES:
        listed.extend(run)
    return listed


def _odd_members(
    first: Sentence, listed_a: list[Entity], second: Sentence, listed_b: list[Entity]
) -> tuple[Entity, Entity] | None:
    """The one member of each of two lists the other lacks, when the lists share LIST_NAMES - 1 or
    more members and differ in that one only, and both are of one kind ("the hostages Peter Kennedy,
    Darren Hickey and Rudolf Petschi" against "... Darren Hickey and Bill Clinton")."""
    if not listed_a or not listed_b:
        return None
    odd_a = [x for x in listed_a if not _mentions(x, second)]
    odd_b = [y for y in listed_b if not _mentions(y, first)]
    shared = len(listed_a) - len(odd_a)
    if len(odd_a) != 1 or len(odd_b) != 1 or shared < LIST_NAMES - 1:
        return None
    x, y = odd_a[0], odd_b[0]
    if _family(x) != _family(y) or _is_alias(x.text, y.text):
        return None
    return x, y


_SPEECH_BEFORE = re.compile(r"\b(?:said|says|told|according to|quoted|tweeted|wrote)\s+(?:\S+\s+){0,4}$", re.IGNORECASE)

_SPEECH_AFTER = re.compile(r"^[\s,]*(?:\S+\s+){0,1}(?:said|says|told|added|tweeted|wrote)\b", re.IGNORECASE)


def _speaker(sentence: Sentence, entity: Entity) -> bool:
    """The name is who is quoted or cited ("said Graber", "Moussa said", "quoted Moussa as saying")."""
    local_start, local_end = entity.start - sentence.start, entity.end - sentence.start
    # "said Turkey's patience was running out": a name in the possessive is part of what was said.
    possessive = sentence.text.startswith(("'s", "’s"), local_end)
    return bool(
        (_SPEECH_BEFORE.search(sentence.text[max(0, local_start - 60) : local_start]) and not possessive)
        or _SPEECH_AFTER.match(sentence.text[local_end : local_end + 40])
    )


def _capitalised_name(text: str) -> bool:
    words = _WORD.findall(text)
    return bool(words) and all(w[0].isupper() and w.lower() not in _STOP for w in words) and len(words) <= 3


_ORGANISATION_WORDS = re.compile(
    r"\b(?:inc|corp|co|ltd|llc|plc|group|party|council|agency|press|association|union|committee|ministry|"
    r"department|board|bank|university|school|institute|commission|company|news|times|post|journal|"
    r"hospital|clinic|center|centre|church|museum|airport|court|office|station|club|hotel|college|foundation)\b",
    re.IGNORECASE,
)


def _name_like(entity: Entity) -> bool:
    """An "organisation" that reads like a person's or place's name: one to three capitalised words,
    no acronym ("FPA"), nothing like "Party" or "Inc." in it."""
    words = _WORD.findall(clean_name(entity.text))
    return (
        0 < len(words) <= 3
        and all(w[0].isupper() and not w.isupper() for w in words)
        and not _ORGANISATION_WORDS.search(entity.text)
    )


def _role_family(entity: Entity) -> str:
    """A name's family, with an "organisation" that reads like a name taken for a person."""
    family = _family(entity)
    return "PERSON" if family == "ORG" and _name_like(entity) else family


def _family(entity: Entity) -> str:
    return "PERSON" if entity.label in _PERSON else "PLACE" if entity.label in _PLACE else entity.label


# Words of a title that hold an office ("Kurdish rebel leader", "a spokesman for the Uganda Wildlife
# Authority"). Most are held by one person at a time in a story: the same one given to two people by
# two outlets names someone wrongly in one of them (spokesmen excepted, below).
_OFFICES = frozenset(
    """spokesman spokeswoman spokesperson chief executive ceo president governor gov minister premier
    chancellor secretary director chairman chairwoman chair commander mayor judge prosecutor sheriff
    superintendent coach captain ambassador leader head founder king queen pope archbishop senator sen
    rep congressman congresswoman prime general""".split()
)

# Offices an organisation gives several people at once: two outlets quoting two spokesmen of one agency
# ("Kenya Wildlife Service spokesman X said", "Y, a spokesman for the Kenya Wildlife Service, admitted")
# are both right (test split: two such pairs on the unaltered clusters).
_SHARED_OFFICES = frozenset({"spokesman", "spokeswoman", "spokesperson"})

# Words that make another office of the same title: the former minister is not the minister, the vice
# president not the president.
_OFFICE_GRADES = frozenset("former vice deputy assistant acting ex associate interim late".split())

# Words that end a title read backwards from the name ("the", "said", "by"): what stands before them is
# no part of the title.
_TITLE_BREAK = _STOP - {"and"}

_TITLE_WORD = re.compile(r"[\w'’.&-]+|[^\w\s]")

_APPOSITION = re.compile(r"\s*,\s*(?:(?:a|an|the)\s+)?([^,;:.!?“”\"()]{3,80})")


def _role_words(words: list[str]) -> frozenset[str]:
    """The title's words as written, without "'s", final dots and break words ("the", "and")."""
    normal = [w.rstrip(".").replace("’", "'").removesuffix("'s") for w in words]
    return frozenset(w for w in normal if w and w.lower() not in _TITLE_BREAK and w.lower() != "and")


def _role(sentence: Sentence, name: Entity) -> frozenset[str]:
    """The office a sentence gives a person: the title before the name ("Wildlife authority spokesman",
    "Malaysia's former deputy prime minister, Anwar Ibrahim") or the apposition after it (", a
    spokesman for the Uganda Wildlife Authority,"), as its words as written. Empty when neither holds
    an office word (_OFFICES)."""
    local_start, local_end = name.start - sentence.start, name.end - sentence.start
    if not 0 <= local_start <= local_end <= len(sentence.text):
        return frozenset()
    tokens = _TITLE_WORD.findall(sentence.text[max(0, local_start - 100) : local_start])
    if tokens and tokens[-1] == ",":
        tokens.pop()  # "the former deputy prime minister, Anwar Ibrahim"
    title: list[str] = []
    for token in reversed(tokens):
        if not token[0].isalnum() or token.lower().rstrip(".") in _TITLE_BREAK or len(title) == 6:
            break
        title.append(token)
    before = _role_words(title)
    if _lower(before) & _OFFICES:
        return before
    apposition = _APPOSITION.match(sentence.text[local_end:])
    if apposition:
        words = _TITLE_WORD.findall(apposition.group(1))
        if _lower(_role_words(words[:3])) & _OFFICES:
            return _role_words(words)
    return frozenset()


def _lower(words: frozenset[str]) -> frozenset[str]:
    return frozenset(word.lower() for word in words)


def _same_office(first: Sentence, x: Entity, second: Sentence, y: Entity) -> bool:
    """The two sentences give the two people the same office (see _titles_agree)."""
    return _titles_agree(_role(first, x), _role(second, y))


def _one_holder(first: Sentence, x: Entity, second: Sentence, y: Entity) -> bool:
    """The two hold the same office, and one that only one person holds (see _held_by_one)."""
    return _held_by_one(_role(first, x), _role(second, y))


def _titles_agree(written_a: frozenset[str], written_b: frozenset[str]) -> bool:
    """Two titles (as _role reads them) name the same office: the same grade ("former", "vice"), the
    words of one title all in the other ("Wildlife authority spokesman", "spokesman for the Uganda
    Wildlife Authority"), and among them a name of whose office it is, capitalised in one of them
    ("Wildlife", "Kurdish"). A bare title ("chief executive", "Defense Minister's spokesman") may be
    of two companies or two governments in one story: "government spokesman" and "Assad's spokesman"
    are two people. (The title is read back from the name without a parser, so it may hold a verb:
    "met chief executive X"; a lower-case word is never taken for whose office it is.)"""
    a, b = _lower(written_a), _lower(written_b)
    if not a or not b or a & _OFFICE_GRADES != b & _OFFICE_GRADES:
        return False
    a, b = a - _OFFICE_GRADES, b - _OFFICE_GRADES
    capitalised = {w.lower() for w in written_a | written_b if w[0].isupper()}
    return (a <= b or b <= a) and bool(a & b & _OFFICES) and bool((a & b & capitalised) - _OFFICES)


def _held_by_one(written_a: frozenset[str], written_b: frozenset[str]) -> bool:
    """The two titles name the same office (_titles_agree), and one that only one person holds: a
    chief, a minister, not one of an agency's spokesmen."""
    return _titles_agree(written_a, written_b) and not _lower(written_a) & _SHARED_OFFICES
