"""Turn an article in any plain-text layout into plain paragraphs, before cleaning.

Knows characters, lines and their widths; knows no NLP models and nothing of page furniture
(that is ``clean.py``, which runs on what this module returns).

The same words reach Storyline in many layouts: a wire story hard-wrapped at 70 columns
with indented paragraphs and ``TeX-style'' quotes, an e-mail quoting it, a Markdown page, one
sentence per line, a double-spaced manuscript, a whole article on one line. Layout is not
content, so each is brought to one form: one paragraph (or one page element: a heading, a
list item, a menu entry) per line, blank lines between the blocks of the input, plain
characters. What is done:

* characters: CR and CRLF line ends, Unicode line and paragraph separators; non-breaking and
  other wide spaces become spaces; zero-width characters, soft hyphens and the bidirectional
  override, embedding and isolate controls are removed (they hide or reorder text: issue 32);
* lines: e-mail quote markers (``> ``), Markdown headings, list markers, rules and reference
  link definitions, trailing spaces, the double spacing of a manuscript;
* hard-wrapped paragraphs are joined. Nothing is assumed about the width: it is read from the
  text (the widths of its lines), and a line break is taken for a wrap when the next line's
  first word would not have fitted on the line. A paragraph ends at a blank line, an indented
  line, a heading or list item, or a line that ends a sentence well short of the width. A
  word broken by a hyphen at a line end is joined when the text or an English word list says
  it is one word ("inter-/national"), and keeps its hyphen otherwise ("well-/known");
* one sentence per line: the lines of a block are joined into its paragraph;
* inline: Markdown links keep their text, images and emphasis marks go; ``TeX quotes'' become
  plain quotes, "--" and the wire's " _ " become dashes; SGML/HTML entities are decoded
  (``&amp;``), unknown SGML codes of wire archives (``&QL;``) removed;
* newswire furniture: slug lines (``BC-Britain-Pinochet 10-17 0337``), ``(MORE)``, ``ENDIT``,
  ``-30-``, and the editing notes of :func:`strip_wire_notes`.

The thresholds were set on the layouts benchmark (``benchmarks/layouts.py``: DUC 2004 and
LongBench articles in nine layouts) and checked on the cleaning benchmark
(``benchmarks/cleaning.py --gate``), whose 181 real pages must read as before; re-run both
after changing one.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from storyline.text import SENTENCE_END

__all__ = ["normalize_layout", "strip_wire_notes"]

# --- characters ---

_LINE_SEPARATORS = (("\r\n", "\n"), ("\r", "\n"), ("\u2028", "\n"), ("\u2029", "\n\n"), ("\x85", "\n"))
_PAGE_BREAKS = (("\x0c", "\n\n"), ("\x0b", "\n"))
# Zero-width characters (U+200B-U+200D, U+2060, U+FEFF), the soft hyphen, bidirectional
# override/embedding (U+202A-U+202E) and isolate (U+2066-U+2069) controls, other control
# characters: none is visible text, and the bidirectional ones can make shown and stored text
# differ (issue 32).
_INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff\u202a-\u202e\u2066-\u2069\x00-\x08\x0e-\x1f\x7f-\x9f]")
_WIDE_SPACES = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")


def _characters(text: str) -> str:
    for old, new in (*_LINE_SEPARATORS, *_PAGE_BREAKS):
        text = text.replace(old, new)
    return _WIDE_SPACES.sub(" ", _INVISIBLE.sub("", text))


# --- lines ---

_QUOTE_MARKERS = re.compile(r"[ \t]*>(?:[ \t]*>)*[ \t]?")
# A rule (Markdown's ---, ***, ___ or a setext underline ===) or a wire end mark (-30-, ###).
_RULE = re.compile(r"(?:([-*_=~])(?:\s*\1){2,}|#{3,}|-+\s*30\s*-+)")
# Wire trailers and end marks alone on a line: (MORE), MORE, ENDIT, (END).
_END_MARK = re.compile(r"\(?(?:MORE|ENDIT|ENDS?)\)?")
_HEADING = re.compile(r"#{1,6}\s+(.*?)(?:\s+#+)?")
_REFERENCE = re.compile(r"\[[^\]]+\]:\s*\S+.*")
# A list item: a Markdown bullet, a typographic bullet or a number.
_ITEM = re.compile(r"([-*+•◦▪‣]|\d{1,3}[.)])\s+(?=\S)")
_MARKDOWN_BULLETS = frozenset("-*+")
# A wire slug: one token of three or more parts joined by hyphens (BC-Britain-Pinochet,
# AM-Mideast-Talks), then a few fields of which one holds a number (date, word count, take).
_SLUG = re.compile(r"(?:[a-z]\d{3,4}\s+)?[A-Za-z0-9&'.]+(?:-[A-Za-z0-9&'.]+){2,}((?:[\s,]+\S+){1,6})")
_LOWER_WORD = re.compile(r"\b[a-z]{4,}\b")


@dataclass(frozen=True, slots=True)
class _Line:
    """One non-blank line of the input, read for its layout."""

    text: str  # without indentation, quote markers or Markdown markers
    indent: int  # columns of leading white space (tabs to multiples of 8), after quote markers
    kind: str  # "text", "heading" or "item"
    bullet: str = ""  # a Markdown bullet removed from an item (kept if the line is no item after all)

    @property
    def width(self) -> int:
        return self.indent + len(self.bullet) + len(self.text)


def _is_slug(text: str) -> bool:
    match = _SLUG.fullmatch(text)
    return bool(match and re.search(r"\d", match.group(1)) and not _LOWER_WORD.search(match.group(1)))


def _read_line(raw: str) -> _Line | None:
    """A line's layout; None for a blank line or one that is layout only (a rule, a slug)."""
    quoted = _QUOTE_MARKERS.match(raw)
    if quoted:
        raw = raw[quoted.end() :]
    raw = raw.rstrip().expandtabs(8)
    indent = len(raw) - len(raw.lstrip())
    text = raw.lstrip()
    if not text or _RULE.fullmatch(text) or _END_MARK.fullmatch(text) or _REFERENCE.fullmatch(text):
        return None
    if _is_slug(text):
        return None
    heading = _HEADING.fullmatch(text)
    if heading:
        return _Line(heading.group(1), indent, "heading") if heading.group(1) else None
    item = _ITEM.match(text)
    if item:
        marker = item.group(1)
        if marker in _MARKDOWN_BULLETS:
            return _Line(text[item.end() :], indent, "item", bullet=text[: item.end()])
        return _Line(text, indent, "item")
    return _Line(text, indent, "text")


def _blocks(text: str) -> list[list[_Line]]:
    """The lines that hold text, in blocks: a blank line (or a rule, a slug, an end mark) ends one."""
    blocks: list[list[_Line]] = [[]]
    for raw in text.split("\n"):
        line = _read_line(raw)
        if line is None:
            if blocks[-1]:
                blocks.append([])
        else:
            blocks[-1].append(line)
    return [block for block in blocks if block]


# --- hard wrapping ---

# A width is only taken for a wrap width in this range of columns (narrower: a list of
# short items; wider: paragraphs on lines of their own).
_MIN_WRAP, _MAX_WRAP = 30, 200
# Columns a line may fall short of the width and still count as full (wrappers that count a
# tab or a trailing space differently).
_SLACK = 2
# A text is hard-wrapped when at least this share of its line breaks inside blocks fall where
# the next word would not have fitted ...
_FULL_SHARE = 0.5
# With fewer line breaks than this, every one must fall where the next word would not have fitted
# (the longest of a few lines is "full" by definition).
_FEW_PAIRS = 4
# ... and at least this share of those continue a sentence (the next line opens in lower case,
# or the line ends in a comma or a function word): wrapped prose does so about 70% of the time,
# a list of headlines of one width never.
_CONTINUED_SHARE = 0.3
# A line of a block that is not hard-wrapped is joined to the next when it is at least this long,
# ends no sentence and the next goes on in lower case (a paragraph wrapped once).
_MIN_WRAPPED_LINE = 40
# Words that end no sentence and no heading: a line ending in one goes on.
_OPEN_WORDS = frozenset(
    """a an the of to in on at by for from with and or but nor as than that which who whom whose
    is are was were be been has have had will would can could may might must shall should not""".split()
)
_FIRST_WORD = re.compile(r"\S+")
# A short capitalised word with a full stop ("Nov.", "No.", "Gen.") or initials ("U.S.") at a line end.
_ABBREVIATION = re.compile(r"(?:^|\s)(?:[A-Z][a-z]{0,3}|(?:[A-Z]\.)+[A-Z])\.$")


def _first_word(line: _Line) -> str:
    match = _FIRST_WORD.match(line.bullet + line.text)
    return match.group(0) if match else ""


def _ends_open(text: str) -> bool:
    """The text ends in a word no sentence ends in ("the", "of", "and")."""
    words = text.rsplit(None, 1)
    return bool(words) and words[-1].lower() in _OPEN_WORDS


_LONG_WORD = re.compile(r"[^\W\d_]{4,}")


def _title_case(text: str) -> bool:
    """Most words of four letters or more are capitalised: a headline, not a sentence."""
    words = _LONG_WORD.findall(text)
    return bool(words) and sum(word[0].isupper() for word in words) >= 0.6 * len(words)


def _continues(before: _Line, after: _Line) -> bool:
    """The line break falls inside a sentence: lower case next, or a comma, dash or open word
    before (not a colon: "These games include:" introduces a list)."""
    text = before.text.rstrip()
    last = text.rsplit(None, 1)[-1].lower() if text else ""
    return after.text[:1].islower() or text.endswith((",", "-", "—", "–", "(")) or last in _OPEN_WORDS


@dataclass(frozen=True, slots=True)
class _Wrap:
    """How a run of lines is wrapped: its width and its base indentation."""

    width: int
    indent: int


def _full(before: _Line, after: _Line, wrap: _Wrap) -> bool:
    """The next line's first word would not have fitted on this line."""
    return before.width - wrap.indent + 1 + len(_first_word(after)) > wrap.width - _SLACK


def _find_wrap(pairs: Sequence[tuple[_Line, _Line]]) -> _Wrap | None:
    """The wrap width read from consecutive lines, or None when they are not hard-wrapped.

    The width is the 90th percentile of the widths of lines followed by another (the last
    lines of paragraphs are short; an indented first line counts without its indentation).
    It holds when most breaks fall where the next word would not have fitted, and enough of
    them inside sentences.
    """
    if len(pairs) < 2:
        return None
    indent = min(line.indent for pair in pairs for line in pair)
    # An indented first line counts without its indentation: a wrapper may fill it past the width.
    widths = sorted(
        before.width - indent if before.indent <= indent else before.width - before.indent for before, _ in pairs
    )
    width = widths[min(len(widths) - 1, int(0.9 * len(widths)))]
    if not _MIN_WRAP <= width <= _MAX_WRAP:
        return None
    wrap = _Wrap(width, indent)
    full = [(before, after) for before, after in pairs if _full(before, after, wrap)]
    if len(full) < (_FULL_SHARE if len(pairs) >= _FEW_PAIRS else 1.0) * len(pairs):
        return None
    if sum(_continues(before, after) for before, after in full) < _CONTINUED_SHARE * len(full):
        return None
    return wrap


def _pairs(block: Sequence[_Line]) -> list[tuple[_Line, _Line]]:
    return [(block[index], block[index + 1]) for index in range(len(block) - 1)]


def _join_wrapped(block: Sequence[_Line], wrap: _Wrap) -> list[list[str]]:
    """The paragraphs of a hard-wrapped block, in chunks: each paragraph a chunk of its own,
    but the items of one list share one."""
    chunks: list[list[str]] = []
    previous: _Line | None = None
    in_list = False  # the last paragraph is a list item
    for line in block:
        if previous is not None and _goes_on(previous, line, wrap):
            piece = line.bullet + line.text if line.kind == "item" else line.text
            chunks[-1][-1] = _join(chunks[-1][-1], piece)
            previous = _Line(piece, line.indent, "text") if line.kind == "item" else line
            continue
        if line.kind == "item" and in_list:
            chunks[-1].append(line.text)
        else:
            chunks.append([line.text])
        in_list = line.kind == "item"
        previous = line
    return chunks


def _goes_on(before: _Line, after: _Line, wrap: _Wrap) -> bool:
    """Whether ``after`` continues the paragraph of ``before`` in a hard-wrapped block."""
    if before.kind == "heading" or after.kind == "heading":
        return False
    if after.indent > wrap.indent and not (before.kind == "item" or after.indent < before.indent):
        return False  # an indented first line opens a paragraph
    if after.kind == "item":
        # A line opening with "- " or "24." right after a full line that ends no sentence (or
        # ends in an abbreviation: "on Nov./24. A series") is a wrapped dash or number.
        return _full(before, after, wrap) and (
            not SENTENCE_END.search(before.text) or bool(_ABBREVIATION.search(before.text))
        )
    if _full(before, after, wrap):
        return True
    if SENTENCE_END.search(before.text):
        return False  # a sentence ends well short of the width: the paragraph ends
    return _continues(before, after)  # a ragged wrap, not a heading


# --- joining lines and words ---

# A line that ends in a hyphen glued to a word: a compound or a word broken at the line end ...
_BROKEN_WORD = re.compile(r"(?<=\S)(?<!-)-$")
# ... unless the next line opens with "and" or "or": "13-, 12- and 11-year terms".
_SUSPENDED = frozenset({"and", "or", "nor"})
_LETTERS_BEFORE = re.compile(r"([^\W\d_]+)-$")
_LETTERS_AFTER = re.compile(r"[^\W\d_]+")


def _join(text: str, line: str) -> str:
    """Two wrapped lines as one: a word broken at the line end is mended, a hyphen kept or dropped."""
    if _BROKEN_WORD.search(text) and line[:1].isalnum() and line.split(None, 1)[0] not in _SUSPENDED:
        left, right = _LETTERS_BEFORE.search(text), _LETTERS_AFTER.match(line)
        if left and right and _one_word(left.group(1), right.group(0)):
            return text[:-1] + line
        return text + line  # "well-" + "known", "U.S.-" + "led", "20-" + "year-old"; not "12-" + "and"
    if re.search(r"\w(?:--|—|–)$", text) or (re.match(r"(?:--|—|–)\w", line) and text[-1:].isalnum()):
        return text + line  # "word--" / "--word" wrapped inside "word--word"
    return f"{text} {line}"


@lru_cache(maxsize=1)
def _word_counts() -> str:
    """English word counts, one ``word<TAB>count`` a line (wordsegment's unigrams, from the
    Google Web Trillion Word Corpus), kept as one string and searched on demand: the file is
    read only when a text has a word broken at a line end."""
    return "\n" + resources.files("wordsegment").joinpath("unigrams.txt").read_text(encoding="utf-8")


def _count(word: str) -> int:
    counts = _word_counts()
    start = counts.find(f"\n{word}\t")
    if start < 0:
        return 0
    start += len(word) + 2
    end = counts.find("\n", start)
    return int(counts[start:end])


def _one_word(left: str, right: str) -> bool:
    """Whether "left-" at a line end and "right" on the next line are one word broken in two.

    Typesetters break words between syllables and add a hyphen ("inter-/national"); plain-text
    wrappers never do, but break compounds after their own hyphen ("well-/known",
    "teen-/agers"). The joined word is taken when English uses it more than either part alone
    (word counts of the Google Web Trillion Word Corpus): "international" (296M) over "inter"
    (15M) and "national" (266M), "government" over "govern" and "ment"; not "wellknown"
    (0.05M) under "well", nor "teenagers" (5M) under "teen" (176M). A capital after the
    hyphen is a compound ("Anglo-/American").
    """
    if right[:1].isupper():
        return False
    joined = _count((left + right).lower())
    return joined > _count(left.lower()) and joined > _count(right.lower())


# --- inline ---

_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_LINK = re.compile(r"\[([^\]\n]+)\]\((?:[^()\s]|\([^()\s]*\))+(?:\s+\"[^\"\n]*\")?\)")
_REFERENCE_LINK = re.compile(r"\[([^\]\n]+)\]\[[^\]\n]*\]")
_AUTOLINK = re.compile(r"<((?:https?://|mailto:)[^>\s]+)>")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS = re.compile(
    r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])"
    r"|(?<![\w_])_(?=[^\s_])([^_\n]+?)(?<=[^\s_])_(?![\w_])"
)
_CODE = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")
# Three apostrophes close a single and a double quotation: the pair is the last two ("III.'''").
_TEX_QUOTES = re.compile(r"``|''(?!')")
# A dash typed as two hyphens ("--"), as an underscore between spaces (the AP wire's dash:
# "WASHINGTON (AP) _ The", "The rebels _ ethnic Tutsis _ took"), or a spaced hyphen pair.
_SPACED_DASH = re.compile(r"(?<=\s)(?:--|_)(?=\s)")
_JOINED_DASH = re.compile(r"(?<=[^\s-])--(?=[^\s-])")
_ENTITY = re.compile(r"&(#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_SPACE_RUN = re.compile(r"[ \t]+")


def _entity(match: re.Match[str]) -> str:
    decoded = html.unescape(match.group(0))
    if decoded != match.group(0):
        return decoded
    # An SGML code of a wire archive that no HTML entity has (&QL;, &UR;, &LR;: typesetting
    # commands of AP copy): no text.
    return " " if match.group(1).isupper() else match.group(0)


def _inline(line: str) -> str:
    """One paragraph's inline mark-up and typewriter conventions, made plain."""
    if "&" in line:
        line = _characters(_ENTITY.sub(_entity, line)).replace("\n", " ")  # &nbsp; is a space, &#8203; nothing
    if "[" in line:
        line = _IMAGE.sub("", line)
        line = _LINK.sub(r"\1", line)
        line = _REFERENCE_LINK.sub(r"\1", line)
    if "<" in line:
        line = _AUTOLINK.sub(r"\1", line)
    if "--" in line or "_" in line:
        line = _SPACED_DASH.sub("—", line)
        line = _JOINED_DASH.sub("—", line)
    if "*" in line or "_" in line:
        line = _STRONG.sub(r"\2", line)
        line = _EMPHASIS.sub(lambda match: match.group(1) or match.group(2), line)
    if "`" in line or "''" in line:
        line = _TEX_QUOTES.sub('"', line)
        line = _CODE.sub(r"\1", line)
        line = line.replace("`", "'")
    return strip_wire_notes(_SPACE_RUN.sub(" ", line).strip())


# --- newswire editing notes ---

# Editing notes of newswire copy, instructions to editors rather than text. Archives of wire stories
# (AP and NYT copy of the 1990s as in DUC 2004, Gigaword-like collections) keep them in the body:
# "(OPTIONAL TRIM BEGINS HERE)", "(STORY CAN END HERE)", "MORE" after a story's last sentence (the
# story goes on in another take), and the pickup line of a write-through that resends only the top
# of a story and then points into the previous version: "The Communist, 6th graf prv", "The men,
# pickup 9th pvs", "``No member, 5th graf, 1st Ld-Writethru". Left in, a pickup line glues a
# fragment to the last sentence, and a brief that is one sentence and a pickup line reads as no
# prose at all (check.py then refuses it as a list or a menu).
_WIRE_NOTE = re.compile(r"\s*\((?:OPTIONAL|END OPTIONAL|STORY CAN END|EDS?:|EDITORS?:)[^()]{0,100}\)")
_PICKUP = re.compile(
    r"(?:(?<=[.!?'\"”])|^)\s*[^.!?\n]{0,60},\s*"
    r"(?:(?:pickup\s+)?\d+(?:st|nd|rd|th)\s+(?:pvs|prv)|\d+(?:st|nd|rd|th)\s+graf(?:\s+(?:pvs|prv))?|graf\s+\d+\s+(?:pvs|prv))"
    r"(?:,\s*\d+(?:st|nd|rd|th)\s+Ld-Writethru)?\s*$"
)
_MORE = re.compile(r"(?<=[.!?'\"”])\s+\(?MORE\)?\s*$")


def strip_wire_notes(line: str) -> str:
    """The line without newswire editing notes (see ``_WIRE_NOTE``) or a ``(MORE)`` trailer.

    Each pattern runs only on lines holding a word it cannot match without: every line of every
    article passes here, and nearly none holds a note.
    """
    if "(" in line:
        line = _WIRE_NOTE.sub("", line)
    if "graf" in line or "pvs" in line or "prv" in line:
        line = _PICKUP.sub("", line)
    if "MORE" in line:
        line = _MORE.sub("", line)
    return line.strip()


# --- one sentence per line ---

# A text is written one sentence per line when nearly all its lines end a sentence ...
_SENTENCE_LINES = 0.85
# ... and few hold a sentence end inside ("U.S. President" makes a few; paragraphs on lines of
# their own hold several).
# A sentence end inside a line: a lower-case word, final punctuation, a capital ("U.S. Embassy"
# and "Ms. Hu" are no sentence ends).
_INNER_SENTENCE_END = re.compile(r"[a-z]{2}[.!?]['\"’”)]*\s+['\"“‘(]?[A-Z]")
_INNER_SHARE = 0.2
_MIN_SENTENCE_LINES = 2


def _one_sentence_per_line(blocks: Sequence[Sequence[_Line]]) -> bool:
    """The text is written one sentence per line: nearly every line of its blocks of several
    lines is one sentence, and none is indented (an indented line opens a paragraph: newswire
    copy writes paragraphs of one sentence each, one a line, and those stay apart)."""
    lines = [line for block in blocks if len(block) > 1 for line in block]
    if len(lines) < _MIN_SENTENCE_LINES or any(line.indent for line in lines):
        return False
    # A wire note closing a paragraph ("He has, 3rd graf pvs") is no line of its own once cut.
    lines = [line for line in lines if strip_wire_notes(line.text)]
    ends = sum(bool(SENTENCE_END.search(line.text)) for line in lines if line.kind == "text")
    inner = sum(bool(_INNER_SENTENCE_END.search(line.text)) for line in lines)
    return ends >= _SENTENCE_LINES * len(lines) and inner <= _INNER_SHARE * len(lines)


def _sentence_rows(block: Sequence[_Line]) -> list[str]:
    """The sentences of a block written one per line, joined into paragraphs: a heading or a
    list item stays a line of its own."""
    rows: list[str] = []
    previous: _Line | None = None
    for line in block:
        if previous is not None and previous.kind == line.kind == "text":
            rows[-1] = f"{rows[-1]} {line.text}"
        else:
            rows.append(line.text)
        previous = line
    return rows


# --- the whole ---


def _double_spaced(text: str) -> bool:
    """Every line of a text is followed by a blank line, and the lines are hard-wrapped or go
    on mid-sentence (a typed manuscript, or text pasted with doubled line ends).

    Then one blank line is a line break, and paragraphs end at two or more, at an indented
    line or at a sentence that ends well short of the width.
    """
    lines = [_read_line(raw) for raw in text.split("\n")]
    pairs: list[tuple[_Line, _Line]] = []
    gaps: list[int] = []
    previous: _Line | None = None
    blank = 0
    for line in lines:
        if line is None:
            blank += 1
            continue
        if previous is not None and blank <= 1:
            pairs.append((previous, line))
            gaps.append(blank)
        previous, blank = line, 0
    pairs = [pair for pair in pairs if pair[0].kind == pair[1].kind == "text"]
    if not pairs or sum(gaps) < 0.8 * len(gaps):
        return False
    going_on = sum(_continues(*pair) for pair in pairs)
    if len(pairs) == 1:  # two lines: the first breaks off mid-sentence
        first, second = pairs[0]
        return second.text[:1].islower() or (_ends_open(first.text) and not _title_case(first.text))
    return _find_wrap(pairs) is not None or going_on >= 0.5 * len(pairs)


def normalize_layout(text: str) -> str:
    """Bring an article in any plain-text layout to plain paragraphs (see the module's docstring).

    Args:
        text: the article or page text as read (any line ends, wrapping, quoting, mark-up).

    Returns:
        The text with one paragraph or page element per line and blank lines between
        blocks; no line starts or ends with white space.
    """
    text = _characters(text)
    if _double_spaced(text):
        # One blank line inside a paragraph becomes a line break; two or more stay a break.
        text = re.sub(r"\n[ \t]*\n(?![ \t]*\n)", "\n", text)
    blocks = _blocks(text)
    wrap = _find_wrap([pair for block in blocks for pair in _pairs(block)])
    by_sentence = wrap is None and _one_sentence_per_line(blocks)
    out: list[str] = []
    for block in blocks:
        block_wrap = wrap or (_find_wrap(_pairs(block)) if len(block) >= 3 else None)
        if block_wrap is not None:
            out.extend("\n".join(lines) for lines in _inlined(_join_wrapped(block, block_wrap)))
            continue
        rows = _sentence_rows(block) if by_sentence else _unwrapped_rows(block)
        out.extend("\n".join(lines) for lines in _inlined([rows]))
    return "\n\n".join(out)


def _unwrapped_rows(block: Sequence[_Line]) -> list[str]:
    """The lines of a block that is not hard-wrapped, each a paragraph; a line of 40 or more
    characters that ends no sentence, followed by one that goes on in lower case or itself
    ending in a small word ("... work for ALL of the"), is a paragraph wrapped there, and the
    two are joined. (Not a headline in title case: "... Responded Tuesday To Criticisms Of".)"""
    rows: list[str] = []
    previous: _Line | None = None
    for line in block:
        if (
            previous is not None
            and previous.kind == line.kind == "text"
            and len(rows[-1]) >= _MIN_WRAPPED_LINE
            and not SENTENCE_END.search(previous.text)
            and (line.text[:1].islower() or (_ends_open(previous.text) and not _title_case(previous.text)))
        ):
            rows[-1] = _join(rows[-1], line.text)
        else:
            rows.append(line.text)
        previous = line
    return rows


def _inlined(chunks: Sequence[Sequence[str]]) -> list[list[str]]:
    """The chunks with their inline mark-up made plain and emptied lines and chunks left out."""
    result = []
    for chunk in chunks:
        lines = [plain for plain in map(_inline, chunk) if plain]
        if lines:
            result.append(lines)
    return result
