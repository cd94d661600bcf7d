"""Decide whether a cleaned article is usable: enough English prose, not a copy of another.

Knows words and counts; no NLP models. Each failed check raises an InputError whose message
names the article and says what to do.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import replace

from storyline.errors import InputError, NotEnglishError
from storyline.ingest.clean import STOPWORDS, clean_page_text
from storyline.types import Article

__all__ = ["check_article", "clean_article", "english_share", "find_duplicates", "fingerprint", "prose_words"]

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_SENTENCE_END = re.compile(r"""[.!?…]['"’”)\]]*$""")

#: Share of function words below which a text is taken as not English. English news prose
#: has 35-50%; German, French or Spanish prose written in Latin letters has under 10% of
#: *English* function words. Checked on the seeds and examples/bad/german.txt.
MIN_ENGLISH_SHARE = 0.15


def english_share(text: str) -> float:
    """Share of the words of ``text`` that are common English function words."""
    words = [word.lower() for word in _WORD.findall(text)]
    return sum(word in STOPWORDS for word in words) / len(words) if words else 0.0


#: A line this long is running prose even when it does not end like a sentence (texts cut
#: off mid-sentence, as in Multi-News, or whole articles on one line, as in DUC 2004).
LONG_LINE_WORDS = 40


def prose_words(text: str) -> int:
    """Number of words in lines that read as prose: 6+ words ending like a sentence, or 40+ words."""
    return len(_WORD.findall(_prose_lines(text)))


def fingerprint(text: str) -> str:
    """A hash of the text's words, blind to case, spacing and punctuation (exact-duplicate test)."""
    words = " ".join(word.lower() for word in _WORD.findall(text))
    return hashlib.sha1(words.encode("utf-8")).hexdigest()


def clean_article(article: Article, *, clean: bool = True, max_chars: int = 200_000) -> tuple[Article, str | None]:
    """Remove page clutter from an article's text and cap its length.

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
        text = re.sub(r"\n{3,}", "\n\n", text.strip())
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
        InputError: nothing is left after cleaning, or the text is not prose (a list of
            links, a table).
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
