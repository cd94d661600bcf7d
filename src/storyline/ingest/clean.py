"""Remove web-page clutter from plain text copied from a news page.

Knows lines, words and punctuation; knows no NLP models and no other articles.

A reader who copies a whole page gets the article plus page furniture: navigation, "Share",
"Advertisement", photo captions and credits, tag lists, comment policies, sign-up prompts and
the outlet's description of itself. No list of the strings is kept here: each line is judged
by its *shape*:

1. features of the line alone: length, final punctuation, share of capitalised words, share
   of common English function words (prose has many, menus and captions few), separator
   characters ("|", "·"), and the density of words typical of page furniture;
2. the article body is the run of lines with the most prose in it (a maximum-sum segment
   over per-line scores, so a short caption or an ad marker inside the article does not cut
   it in two, but a long footer does);
3. prose-like lines outside that run are kept only when they share the article's topic
   words (a stray article paragraph is kept; the outlet's self-description is not).

Every constant was tuned on ``benchmarks/cleaning.py`` (the article extraction benchmark) and
the seed story; re-run that benchmark after changing one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Cleaned", "LineKind", "clean_page_text", "clean_text", "STOPWORDS"]

#: Common English function words. Prose is about 40-50% function words; menus, captions and
#: tag lists have few. Also used to tell English from other languages.
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if in into is
    it its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them themselves
    then there these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yours yourself yourselves said says say
    since still though told according""".split()
)

# Words typical of page furniture (navigation, sharing, sign-up, comments, media credits).
# A line is judged by their *density*, so an article sentence that mentions "photos" once
# stays, while "Share this photo gallery on Facebook" goes.
_FURNITURE = frozenset(
    """advertisement advertisements advertising ad ads sponsored promoted share shares shared
    sharing tweet retweet email e-mail print comments comment commenting commentary subscribe
    subscribed subscriber subscribers subscription newsletter newsletters signup sign login log
    logout register registration account password username profile menu navigation nav search
    home homepage sections skip content accessibility links link cookie cookies privacy policy
    terms conditions copyright reserved rights follow facebook twitter instagram linkedin youtube
    whatsapp pinterest reddit tiktok telegram rss app apps download gallery galleries photo photos
    image images video videos watch listen podcast podcasts slideshow caption credit credits
    getty afp shutterstock istock toggle enlarge click tap here related recommended trending
    popular latest stories story read more loading please javascript browser settings
    personalise personalize preferences notifications alerts alert submit submitted contributions
    guidelines editorial discretion report reporting community join members member premium
    unlock offer deals coupon sale shop store feedback contact careers jobs advertise about
    sitemap next previous prev back top page pages view views continue close open expand
    collapse update updated published posted am pm gmt edt est bst utc file""".split()
)

# Pages talk to their reader ("you", "please", "our"); news prose does so only inside quotes.
_READER_ADDRESS = frozenset("you your yours we our us please".split())
_QUOTED = re.compile(r"[\"“”][^\"“”]*[\"“”]")

_SEPARATORS = re.compile(r"[|·•»›◦▪►▶►–—/]")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
_SENTENCE_END = re.compile(r"""[.!?…]['"’”)\]]*\s*$""")
_URL = re.compile(r"(https?://|www\.)\S+|\S+@\S+\.\w+", re.IGNORECASE)
_COPYRIGHT = re.compile(r"(©|\(c\)|copyright\b|all rights reserved)", re.IGNORECASE)
_CREDIT = re.compile(
    r"(\((photo|image|picture|file|video)\b[^)]*\)|\b(photo|image|picture)\s*(credit)?\s*:|"
    r"\b(getty images|afp|ap photo|reuters/|shutterstock|istock)\b|^\s*(file|photo|image|source)\s*:)",
    re.IGNORECASE,
)
_TIMESTAMP = re.compile(r"^[\d\s:./,-]+(am|pm|gmt|utc|est|edt)?$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Cleaned:
    """The result of cleaning one page's text."""

    title: str | None
    text: str  # the article body, paragraphs separated by a blank line
    removed: tuple[str, ...]  # the lines that were dropped, in order (for debugging and tests)


@dataclass(frozen=True, slots=True)
class LineKind:
    """Features and verdict for one line (exposed for tests and for tuning)."""

    text: str
    words: int
    prose: float  # how much the line looks like article prose, 0..1
    furniture: float  # how much it looks like page furniture, 0..1
    address: float = 0.0  # share of words (outside quotes) that talk to the reader: you, we, please


def _words(line: str) -> list[str]:
    return _WORD.findall(line)


def describe(line: str) -> LineKind:
    """Score one line: how much it looks like prose and how much like page furniture."""
    words = _words(line)
    count = len(words)
    if count == 0:
        return LineKind(line, 0, 0.0, 1.0, 0.0)
    lower = [word.lower() for word in words]
    stop_share = sum(word in STOPWORDS for word in lower) / count
    furniture_share = sum(word in _FURNITURE for word in lower) / count
    alphabetic = [word for word in words if word[0].isalpha()]
    capital_share = (sum(word[0].isupper() for word in alphabetic) / len(alphabetic)) if alphabetic else 1.0
    ends_sentence = bool(_SENTENCE_END.search(line))
    separators = len(_SEPARATORS.findall(line))

    # Prose: long enough, ends like a sentence, many function words, not all capitalised.
    length_score = min(count / 12.0, 1.0)
    prose = length_score * (0.45 + 0.35 * min(stop_share / 0.3, 1.0) + 0.2 * (1.0 - capital_share))
    if ends_sentence:
        prose = min(1.0, prose + 0.25)
    elif count < 20:
        prose *= 0.5
    if count >= 4 and capital_share > 0.8 and not ends_sentence:
        prose *= 0.5  # Title Case Lines Are Headings, Menus Or Captions

    unquoted = [word.lower() for word in _words(_QUOTED.sub(" ", line))]
    address_share = (sum(word in _READER_ADDRESS for word in unquoted) / len(unquoted)) if unquoted else 0.0
    furniture = min(1.0, furniture_share * 1.6 + address_share * 2.0)
    if count <= 4:
        furniture = max(furniture, 0.35 if not ends_sentence else 0.1)
        if furniture_share > 0:
            furniture = max(furniture, 0.9)
    if separators >= 2 and separators * 3 >= count:
        furniture = max(furniture, 0.9)
    if _URL.search(line) and len(_URL.sub("", line).split()) < 6:
        furniture = 1.0
    if _COPYRIGHT.search(line) and count < 40:
        furniture = max(furniture, 0.9)
    if _CREDIT.search(line) and count < 30:
        furniture = max(furniture, 0.8)
    if _TIMESTAMP.match(line.strip()):
        furniture = 1.0
    if line.rstrip().endswith(":") and count <= 8:
        furniture = max(furniture, 0.6)  # "Read more on:", "Related:"
    return LineKind(line, count, round(prose, 4), round(furniture, 4), round(address_share, 4))


def _line_score(kind: LineKind) -> float:
    """Positive for article prose (weighted by length), negative for furniture."""
    if kind.words == 0:
        return 0.0
    quality = kind.prose - kind.furniture
    weight = min(kind.words, 40)
    if quality > 0.25:
        return quality * weight
    # Short, non-prose lines (captions, headings, markers) cost little, so one inside the
    # article does not split it; long furniture runs cost a lot.
    return (quality - 0.25) * min(weight, 8)


def _best_segment(scores: list[float]) -> tuple[int, int]:
    """Indices [start, end) of the contiguous run of lines with the largest total score."""
    best, best_start, best_end = 0.0, 0, 0
    total, start = 0.0, 0
    for index, score in enumerate(scores):
        if total <= 0:
            total, start = 0.0, index
        total += score
        if total > best:
            best, best_start, best_end = total, start, index + 1
    return best_start, best_end


def _content_words(line: str) -> set[str]:
    return {word.lower() for word in _words(line) if len(word) > 2 and word.lower() not in STOPWORDS}


def _unwrap(text: str) -> list[str]:
    """Split text into lines, joining hard-wrapped paragraphs (lines of similar width) first."""
    lines: list[str] = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        rows = [row.strip() for row in block.split("\n") if row.strip()]
        if len(rows) >= 3:
            widths = [len(row) for row in rows[:-1]]
            wrapped = min(widths) >= 40 and max(widths) <= 110 and max(widths) - min(widths) <= 35
            wrapped = wrapped and sum(not _SENTENCE_END.search(row) for row in rows[:-1]) * 2 >= len(rows) - 1
            if wrapped:
                lines.append(" ".join(rows))
                continue
        lines.extend(rows)
    return [re.sub(r"[ \t\u00a0]+", " ", line) for line in lines]


def _looks_like_headline(kind: LineKind) -> bool:
    text = kind.text.strip()
    return (
        3 <= kind.words <= 25
        and kind.furniture < 0.5
        and not text.endswith((".", ":", ";", ","))
        and not _TIMESTAMP.match(text)
    )


def _topic_words(kinds: list[LineKind]) -> tuple[dict[str, int], set[int]]:
    """Content words of the page's longest prose lines (anchors), with how many anchors use each.

    The longest prose paragraphs of a news page are almost always the article's own, so
    their vocabulary tells article lines from prose-shaped furniture (policies, blurbs).
    """
    prose = [index for index, kind in enumerate(kinds) if kind.prose - kind.furniture > 0.25]
    prose.sort(key=lambda index: -kinds[index].words)
    anchors = set(prose[: max(3, int(len(prose) * 0.4))])
    counts: dict[str, int] = {}
    for index in anchors:
        for word in _content_words(kinds[index].text):
            counts[word] = counts.get(word, 0) + 1
    return counts, anchors


def _topicality(kind: LineKind, topic: dict[str, int], is_anchor: bool) -> float:
    """Share of a line's content words that (other) anchor lines also use."""
    words = _content_words(kind.text)
    if not words:
        return 0.0
    needed = 2 if is_anchor else 1
    return sum(topic.get(word, 0) >= needed for word in words) / len(words)


def _headline_index(kinds: list[LineKind]) -> int | None:
    """The first headline-like line before the first full prose paragraph, if any."""
    for index, kind in enumerate(kinds):
        if kind.words >= 12 and _SENTENCE_END.search(kind.text) and kind.prose - kind.furniture > 0.25:
            return None
        if _looks_like_headline(kind):
            return index
    return None


def clean_page_text(text: str) -> Cleaned:
    """Split page text into its headline and article body, dropping page furniture.

    Args:
        text: plain text as copied from a web page (one paragraph or page element per line).

    Returns:
        The headline (the first headline-like line before the body, if any), the body with
        paragraphs separated by blank lines, and the removed lines.
    """
    lines = _unwrap(text)
    if not lines:
        return Cleaned(None, "", ())
    kinds = [describe(line) for line in lines]
    headline = _headline_index(kinds)

    topic, anchors = _topic_words(kinds)
    topical = [_topicality(kind, topic, index in anchors) for index, kind in enumerate(kinds)]
    scores = []
    for index, kind in enumerate(kinds):
        score = _line_score(kind)
        if index == headline:
            score = 0.0
        elif score > 0 and kind.words >= 8 and topical[index] < 0.25 and (kind.furniture >= 0.25 or kind.address > 0):
            # Prose-shaped, off-topic and talking to the reader: a comment policy or the
            # outlet's blurb. Off-topic alone is not enough: article asides are off-topic too.
            score = -score * (1.0 - topical[index] * 4)
        scores.append(score)
    start, end = _best_segment(scores)
    if end <= start:
        return Cleaned(None, "", tuple(lines))

    keep = [False] * len(lines)
    for index, kind in enumerate(kinds):
        if index == headline:
            continue
        is_prose = scores[index] > 0
        if start <= index < end:
            if is_prose:
                keep[index] = True
            elif kind.furniture < 0.3 and _SENTENCE_END.search(kind.text) and kind.words >= 3:
                keep[index] = True  # a short one-sentence paragraph: "Officials declined to comment."
        elif is_prose and kind.words >= 8:
            # Outside the main run: keep only what is clearly about the same thing as the body.
            keep[index] = topical[index] >= 0.35 and kind.furniture < 0.3

    title = lines[headline].strip() if headline is not None else None
    body = "\n\n".join(line for line, kept in zip(lines, keep, strict=True) if kept)
    removed = tuple(line for line, kept in zip(lines, keep, strict=True) if not kept)
    return Cleaned(title, body, removed)


def clean_text(text: str) -> str:
    """Return the article body of page text, with page furniture and the headline removed."""
    return clean_page_text(text).text
