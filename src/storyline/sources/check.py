"""Decide whether a cleaned article is usable: English prose, not a page notice, not a copy of another.

Knows words and counts; no NLP models. Each failed check raises an InputError whose message
names the article and says what to do.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from storyline.errors import InputError, NotEnglishError
from storyline.sources.clean import clean_page_text
from storyline.sources.layout import normalize_layout
from storyline.text import ENGLISH_FUNCTION_WORDS, LETTERS, fingerprint
from storyline.types import Article

__all__ = [
    "MIN_ENGLISH_SHARE",
    "NOTICE_SHARE",
    "RECURRING_TEXTS",
    "check_article",
    "clean_article",
    "english_share",
    "find_duplicates",
    "page_notice",
    "passages",
    "prose_words",
    "recurring_share",
]

_WORD = LETTERS
_SENTENCE_END = re.compile(r"""[.!?…]['"’”)\]]*$""")

#: Share of function words below which a text is taken as not English. English news prose
#: has 35-50%; German, French or Spanish prose written in Latin letters has under 10% of
#: *English* function words. Checked on the seeds and examples/bad/german.txt.
MIN_ENGLISH_SHARE = 0.15


def english_share(text: str) -> float:
    """Share of the words of ``text`` that are common English function words."""
    words = [word.lower() for word in _WORD.findall(text)]
    return sum(word in ENGLISH_FUNCTION_WORDS for word in words) / len(words) if words else 0.0


#: A line this long is running prose even when it does not end like a sentence (texts cut
#: off mid-sentence, as in Multi-News, or whole articles on one line, as in DUC 2004).
LONG_LINE_WORDS = 40


def prose_words(text: str) -> int:
    """Number of words in lines that read as prose: 6+ words ending like a sentence, or 40+ words."""
    return len(_WORD.findall(_prose_lines(text)))


# --- page furniture that reads like prose (issue 5) ---
#
# Some "articles" are a notice the page shows instead of, or around, the article: a social
# network's note on adding a location to posts, a web archive's description of its crawls, a
# cookie or JavaScript notice, a video player's "not available right now", a sign-in or
# subscription wall, a reprint notice, a comment-box prompt. The cleaner keeps them when they
# are all there is (they are sentences), and they then form "stories" of their own across
# unrelated events. Each kind is described by the phrases such notices are built from, not by
# the words of any one site: ``strong`` phrases mark a notice sentence on their own, ``weak``
# ones only in a text that holds a strong phrase of the same kind ("this collection" is
# archive talk next to "web crawl", not in an article about an art collection).
# Designed on the documents that repeat across Multi-News validation clusters (never on test);
# re-run benchmarks/clustering.py and tests/unit/test_check.py after changing one.

_CRAWL = r"\bcrawl(?:s|ed|er|ing)?\b"
_WEB_THINGS = r"\b(?:pages?|urls?|domains?|hosts?|outlinks|links|seed\w*|web(?:sites?)?|websites?|sites)\b"


@dataclass(frozen=True, slots=True)
class _NoticeKind:
    name: str  # said in the error message: "this is page furniture, not a news article: {name}"
    strong: re.Pattern[str]
    weak: re.Pattern[str] | None = None


def _pattern(*alternatives: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{alternative})" for alternative in alternatives), re.IGNORECASE)


_NOTICE_KINDS = (
    _NoticeKind(
        "a social network's notice about adding a location to posts",
        _pattern(
            r"\b(?:tweet|post)s?\b[^.]{0,40}\bwith (?:a|your) location\b",
            r"\badd(?:ing)? (?:a )?location(?: information)? to (?:your )?(?:tweets|posts)\b",
            r"\blocation history\b",
        ),
        _pattern(r"\blearn more\b", r"\byou (?:can|always have the option)\b"),
    ),
    _NoticeKind(
        "a web archive's notice about its crawls",
        _pattern(
            r"\bwayback machine\b",
            r"\binternet archive\b",
            r"\barchive-?it\b",
            r"\bwarcs?\b",
            r"\bweb ?crawls?\b",
            r"\bweb (?:captures?|collections?|archiv\w*)\b",
            _CRAWL + r"[^.]{0,80}" + _WEB_THINGS,
            _WEB_THINGS + r"[^.]{0,80}" + _CRAWL,
            r"\bseed(?:s| list)?\b[^.]{0,60}\b(?:urls?|domains?)\b",
        ),
        _pattern(
            r"\b(?:this|the|these) (?:collections?|files|captures|data)\b",
            r"\bseed(?: list)?\b",
            r"\b(?:publicly|general public)\b",
            r"\bembargo\b",
            r"\bdeduplicat\w*",
            r"\bbroken links?\b",
            _CRAWL,
            r"\burls?\b",
        ),
    ),
    _NoticeKind(
        "a cookie or JavaScript notice",
        _pattern(
            r"\b(?:enable|allow|accept|use|uses|using) (?:of )?cookies\b",
            r"\bcookies? (?:policy|settings|preferences)\b",
            r"\bjavascript\b[^.]{0,40}\b(?:disabled|enabled?|turned off|required)\b",
            r"\b(?:enable|turn on|activate)\b[^.]{0,20}\bjavascript\b",
            r"\b(?:your|this) browser\b[^.]{0,60}\b(?:not supported|disabled|update|upgrade|outdated)\b",
            r"\bby (?:clicking|continuing|navigating|using)\b[^.]{0,80}\byou (?:agree|consent|accept)\b",
        ),
        _pattern(
            r"\bprivacy (?:policy|statement|notice)\b",
            r"\bterms of (?:service|use)\b",
            r"\bthird[- ]party partners\b",
            r"\bpersonali[sz]ed (?:advertising|ads|content)\b",
            r"\bdata protection\b",
            r"\badvertis\w*",
            r"\btracking\b",
            r"\blearn more\b",
        ),
    ),
    _NoticeKind(
        "a message that the page, video or feature is not available",
        _pattern(
            r"\b(?:this|the) (?:feature|video|page|content|transcript|item|player)\b[^.]{0,40}"
            r"\b(?:is|was|could|can)(?: not|n't|not) (?:be )?(?:available|loaded|found|played)\b",
            r"\bnot available right now\b",
            r"\bplease try again\b",
            r"\brating is available when\b",
            r"\bpage\b[^.]{0,40}\b(?:not|n't) (?:be )?found\b",
            r"\berror 404\b|\b404\b[^.]{0,20}\b(?:error|not found)\b",
            r"\bwatch queue\b",
            r"\bskip ad\b|\bad loading\b",
            r"\bno longer available\b",
        ),
        # What a "page not found" page says next: where else to look.
        _pattern(
            r"\bcheck the (?:url|address|link|spelling)\b",
            r"\bhome ?page\b",
            r"\btry (?:searching|visiting|again)\b",
            r"\bsearch(?:ing)? below\b",
            r"\bhaving trouble (?:locating|finding)\b",
        ),
    ),
    _NoticeKind(
        "a sign-in or subscription prompt",
        _pattern(
            r"\b(?:log|sign) ?(?:in|on)\b[^.]{0,40}\bto (?:continue|read|keep reading|comment)\b",
            r"\bsubscri\w*\b[^.]{0,40}\bto (?:continue|keep) reading\b",
            r"\bthank you for (?:reading|subscribing)\b",
            r"\bsubscriber account\b",
            r"\bcreate an? (?:free )?account\b",
            r"\b(?:digital|unlimited) access\b",
            r"\bdeliverable area\b",
            r"\bverification (?:e-?mail|message|link|code)\b",
            r"\bactivate your (?:account|profile|subscription)\b",
            r"\bfree articles?\b[^.]{0,40}\b(?:left|remaining|limit|this month)\b",
            r"\bhave an account\b",
            r"\bsign up for (?:our |the )?(?:\w+ ){0,2}(?:news ?letters?|e-?mails|alerts)\b",
            r"\bbreaking news (?:e-?mails|alerts)\b",
            r"\b(?:delivered|directly) to your inbox\b",
        ),
        _pattern(
            r"\busername\b",
            r"\bpassword\b",
            r"\be-?mail address\b",
            r"\bsign (?:in|up)\b",
            r"\blog ?in\b",
            r"\bprofile\b",
            r"\bsubscri\w+",
        ),
    ),
    _NoticeKind(
        "a reprint or copyright notice",
        _pattern(
            r"\bfor your personal,? non-?commercial use\b",
            r"\border (?:presentation-ready copies|reprints)\b",
            r"\breprints?\b[^.]{0,30}\b(?:tool|copies|permissions?)\b",
            r"\ball rights reserved\b",
            r"\bmay not be (?:published|reproduced|broadcast|rewritten|redistributed)\b",
        ),
        # The rest of such a notice: the terms the copy is given under.
        _pattern(
            r"\bsubscriber agreement\b",
            r"\bcopyright law\b",
            r"\bdistribution and use of this material\b",
            r"\bnon-?personal use\b",
        ),
    ),
    _NoticeKind(
        "a comment-box or sharing prompt",
        _pattern(
            r"\b(?:this|your name) will (?:not )?appear\b",
            r"\bnext to (?:all of )?your comments\b",
            r"\b(?:add|embed) this (?:tweet|video|post|photo)\b",
            r"\bby copying the code\b",
            r"\breact up to\b|\balready used that reaction\b",
            r"\bmessage a friend\b|\bwanted you to see this\b",
            r"\benter the characters\b",
        ),
    ),
)

# A sentence that reports ("..., the company said") is news about such a page, not the page
# talking: "Twitter said Tuesday users could add a location to their tweets."
_REPORTING = re.compile(r"\b(?:said|says|told|according to|announced|reported)\b", re.IGNORECASE)
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?…])['\"’”)\]]*\s+")

#: Share of a text's words in notice sentences from which the text is page furniture, however
#: much else it has ("almost entirely" notices): the archive notices of Multi-News validation
#: go on about the collection in sentences no phrase names ("It has been several years since
#: the last time we did this"), so even they are rarely all notice.
NOTICE_SHARE = 0.75
# From this share a text is furniture when what is left is shorter than twice min_words (a
# short paragraph). Multi-News validation: archive notices with a paragraph of other talk left
# have 0.65 and more; real articles with a notice in them have at most 0.55 (a reprint notice
# above the story), or 0.61 when a sign-up box is glued to the article's first sentence ...
_NOTICE_SHARE_MOSTLY = 0.63
# ... and from this share when what is left is shorter than min_words: a notice with a line of
# page talk no phrase names ("For more information about this message, please visit ...").
_NOTICE_SHARE_SHORT = 0.3


def page_notice(text: str, *, min_words: int = 25) -> str | None:
    """What kind of page furniture ``text`` is made of, or None when it holds article text.

    Args:
        text: a cleaned article text.
        min_words: the fewest words of other text an article with a notice in it must have.

    Returns:
        The kind of the notice that takes up most of the text ("a cookie or JavaScript
        notice", ...), or None.
    """
    notice_words, total = _notice_words(text)
    notices = sum(notice_words.values())
    if not notices:
        return None
    share = notices / total
    rest = total - notices
    if (
        share >= NOTICE_SHARE
        or (share >= _NOTICE_SHARE_MOSTLY and rest < 2 * min_words)
        or (share >= _NOTICE_SHARE_SHORT and rest < min_words)
    ):
        return max(notice_words, key=lambda name: notice_words[name])
    return None


def _notice_words(text: str) -> tuple[dict[str, int], int]:
    """Words in notice sentences per kind of notice, and the words of the whole text."""
    strong = {kind.name for kind in _NOTICE_KINDS if kind.strong.search(text)}
    notice_words: dict[str, int] = {}
    total = 0
    for sentence in _SENTENCE_SPLIT.split(text):
        count = len(_WORD.findall(sentence))
        total += count
        if not strong or _REPORTING.search(sentence):
            continue
        for kind in _NOTICE_KINDS:
            if kind.name in strong and (
                kind.strong.search(sentence) or (kind.weak is not None and kind.weak.search(sentence))
            ):
                notice_words[kind.name] = notice_words.get(kind.name, 0) + count
                break
    return notice_words, total


# --- page furniture by recurrence (issue 36) ---
#
# A notice no phrase above names (a new site's sign-up box, another archive's crawl notes) still
# gives itself away in a stream: the same sentences come back word for word in input after input
# that have nothing else in common, which a report of an event does not do. Only a store sees the
# stream, so it counts each passage's texts (storyline.stories.db) and asks recurring_share here.

#: A sentence of at least this many words is a passage: long enough that its coming back word for
#: word says it is the page's text, not a phrase any report may use ("the company said on Monday").
PASSAGE_WORDS = 6
#: A passage recurs once this many other input texts had it (texts that are neither the same words
#: nor a copy of one wire story). Multi-News validation: after the phrase checks above, no input's
#: text is mostly passages seen in 3 or more other texts, while page furniture glued to articles
#: ("Breaking news emails get breaking news alerts and special reports", "The news and stories that
#: matter, delivered weekday mornings") recurs in up to 81 texts of other clusters.
RECURRING_TEXTS = 4


def passages(text: str) -> dict[str, int]:
    """The text's passages (sentences of :data:`PASSAGE_WORDS` or more words): a hash of each, with its words."""
    found: dict[str, int] = {}
    for sentence in _SENTENCE_SPLIT.split(text):
        words = [word.lower() for word in _WORD.findall(sentence)]
        if len(words) >= PASSAGE_WORDS:
            found[hashlib.sha1(" ".join(words).encode("utf-8")).hexdigest()] = len(words)
    return found


def recurring_share(text: str, texts_seen: dict[str, int]) -> float:
    """Share of the text's words in passages that :data:`RECURRING_TEXTS` or more other texts had.

    Args:
        text: a cleaned article text.
        texts_seen: for (some of) its passage hashes, the number of other input texts holding them.

    Returns:
        0 for a text without words; page furniture from :data:`NOTICE_SHARE` on.
    """
    total = len(_WORD.findall(text))
    if not total:
        return 0.0
    recurring = sum(words for key, words in passages(text).items() if texts_seen.get(key, 0) >= RECURRING_TEXTS)
    return recurring / total


def clean_article(article: Article, *, clean: bool = True, max_chars: int = 200_000) -> tuple[Article, str | None]:
    """Bring an article's text to plain paragraphs, remove page clutter and cap its length.

    The layout (line wrapping, quoting, mark-up: ``layout.normalize_layout``) is normalized
    with or without ``clean``; only the page furniture stays when ``clean`` is False.

    Returns:
        The cleaned article (title filled from the page text when it had none) and a note when
        the text was cut to ``max_chars``, else None.
    """
    text = article.text
    cut = len(text) > max_chars * 2
    if cut:
        # Cleaning looks at the whole text; a runaway input is cut first to keep that cheap.
        text = text[: max_chars * 2]
    title = article.title
    if clean:
        cleaned = clean_page_text(text)
        text = cleaned.text
        title = title or cleaned.title
    else:
        text = normalize_layout(text)  # no page furniture is removed, but layout is not content
    if len(text) > max_chars:
        cut = True
        boundary = text.rfind("\n\n", 0, max_chars)
        text = text[: boundary if boundary > max_chars // 2 else max_chars]
    note = (
        f"{article.origin or article.id}: the article is {len(article.text):,} characters long; "
        f"only the first {max_chars:,} are used (raise max_chars / --max-chars to use more)"
        if cut
        else None
    )
    return replace(article, text=text, title=title), note


def _prose_lines(text: str) -> str:
    lines = []
    for line in text.splitlines():
        line = line.strip()
        count = len(_WORD.findall(line))
        if count >= LONG_LINE_WORDS or (count >= 6 and _SENTENCE_END.search(line)):
            lines.append(line)
    return "\n".join(lines)


def check_article(article: Article, *, min_words: int = 25) -> None:
    """Check that a cleaned article is usable English news prose.

    The language is judged on the prose lines only, so an English menu or link list is
    reported as "not an article" rather than "not English".

    Raises:
        InputError: nothing is left after cleaning, the text is not prose (a list of
            links, a table), or it is a notice of the page rather than an article (see
            :func:`page_notice`).
        NotEnglishError: the text is not in English.
    """
    name = article.origin or article.id
    text = article.text
    if not text.strip():
        raise InputError(
            f"{name}: no article text is left after removing page clutter (a list of links, a table or a menu?); "
            "give a file that holds the article itself",
            input=name,
        )
    letters = [character for character in text if character.isalpha()]
    latin = sum(character.isascii() for character in letters) / len(letters) if letters else 1.0
    prose = _prose_lines(text)
    share = english_share(prose)
    if (len(letters) >= 100 and latin < 0.5) or (len(_WORD.findall(prose)) >= 20 and share < MIN_ENGLISH_SHARE):
        raise NotEnglishError(
            f"{name}: this does not look like English (only {share:.0%} common English words); "
            "Storyline handles English articles only for now",
            input=name,
        )
    notice = page_notice(text, min_words=min_words)
    if notice is not None:
        raise InputError(
            f"{name}: this is page furniture, not a news article: {notice}; give the article's own text",
            input=name,
        )
    if prose_words(text) < min_words:
        raise InputError(
            f"{name}: this does not look like a news article (no paragraphs of sentences: a list of links, "
            "a table or a menu?); give the article's text",
            input=name,
        )


def find_duplicates(articles: Sequence[Article]) -> dict[str, str]:
    """Map the id of each article whose text repeats an earlier one to that earlier article's id."""
    first: dict[str, str] = {}
    duplicates: dict[str, str] = {}
    for article in articles:
        key = fingerprint(article.text)
        if key in first:
            duplicates[article.id] = first[key]
        else:
            first[key] = article.id
    return duplicates
