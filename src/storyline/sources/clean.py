"""Remove web-page clutter from plain text copied from a news page.

Knows lines, words and punctuation; knows no NLP models and no other articles.

The text is first brought to plain paragraphs, whatever its layout (hard-wrapped, Markdown,
wire copy, ...: ``layout.py``). A reader who copies a whole page gets the article plus page
furniture: navigation, "Share", "Advertisement", photo captions and credits, tag lists,
comment policies, sign-up prompts, teasers of other stories and the outlet's description of
itself. No list of the strings is kept here: each line is judged by its *shape*, then by its
place and its vocabulary:

1. features of the line alone (:func:`describe`): length (counted in characters for scripts
   written without spaces), final punctuation, share of capitalised words, share of
   function words (prose has many, menus and captions few), separators ("|", "·"), the
   density of words typical of page furniture and of words that talk to the reader;
2. the article body is the run of lines with the most prose in it (a maximum-sum segment
   over per-line scores, so a short caption or an ad marker inside the article does not
   cut it in two, but a long footer does). A prose line the page shows twice (a teaser in
   a "latest stories" box) does not pull the run towards itself;
3. the run ends at the first wall of page furniture after its heaviest part (a share bar,
   a tag list, an author box, a "more stories" heading: comments and teasers follow), and
   its ends are trimmed while they are prose-shaped furniture (a comment policy, a sign-up
   prompt, the outlet's blurb: prose that talks to the reader or about the page and shares
   few words with the article) or whole chunks about something else (other stories);
4. lines get a second look in context: a short sentence inside the run is kept; a line
   that is no sentence is dropped when no sentence stands next to it (teaser headlines);
   a list or table that continues the article (tour dates, a league table) is kept; a
   photo caption (the line right above a photo credit) is dropped; prose outside the run
   is kept only when it shares most of its words with the article.

Every constant was tuned on ``benchmarks/cleaning.py`` (181 real pages against gold article
bodies: ``.venv/bin/python -m benchmarks.cleaning --worst 15 --gate``), on the seed stories
(``../shared/seeds``) and on ``examples/harbor-bridge``; re-run all three after changing one.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from storyline.sources.layout import normalize_layout
from storyline.text import ENGLISH_FUNCTION_WORDS, SENTENCE_END, WORD

__all__ = ["Cleaned", "LineKind", "clean_page_text", "clean_text", "describe"]

# The cleaner runs before the language check and must tell prose from menus in any language
# (the cleaning benchmark has Portuguese, Italian, German, Russian and Indonesian pages): so
# the most frequent function words of the big languages written with spaces count too. A
# menu has few of them in any language.
_FUNCTION_WORDS = ENGLISH_FUNCTION_WORDS | frozenset(
    """de la el los las que y en un una por con para es del se lo al le les des du et est dans
    pour pas sur au aux il elle ne ce qui avec une sont ou o do da dos das em um uma os ao na
    com não mais como mas foi ser ele ela di che è per della nel alla sono gli da non si ha ma
    der die das und ist den von zu mit sich auf für nicht ein eine dem im auch als wie bei het
    een van op te voor niet zijn yang dan ke dari ini itu dengan untuk tidak ada dalam akan
    и в не на что с по как это а к но из у за о от для""".split()
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

# News prose has its own use of "comment": "declined to comment", "a request for comment".
_NO_COMMENT = re.compile(r"\b(?:to|for) comment\b", re.IGNORECASE)

# Pages talk to their reader ("you", "please", "our"); news prose does so only inside quotes.
_READER_ADDRESS = frozenset("you your yours we our us please".split())
_QUOTED = re.compile(r"[\"“”][^\"“”]*[\"“”]")

_SEPARATORS = re.compile(r"[|·•»›◦▪►▶–—/]")
# Separators only lists use: "Read more on: a | b | c", "Photos · Videos · Send us your pictures"
# (prose uses dashes and slashes too, but not pipes or middle dots).
_LIST_SEPARATORS = re.compile(r"\s[|·•»›◦▪►▶]\s|\s[|·•]|[|·•]\s")
_WORD = WORD
_SENTENCE_END = SENTENCE_END
_URL = re.compile(r"(https?://|www\.)\S+|\S+@\S+\.\w+", re.IGNORECASE)
_COPYRIGHT = re.compile(r"(©|\(c\)|copyright\b|all rights reserved)", re.IGNORECASE)
_CREDIT = re.compile(
    r"(\((photo|image|picture|file|video)\b[^)]*\)|\b(photo|image|picture)\s*(credit)?\s*:|"
    r"\b(getty images|afp|ap photo|reuters/|shutterstock|istock)\b|^\s*(file|photo|image|source)\s*:)",
    re.IGNORECASE,
)
_TIMESTAMP = re.compile(r"^[\d\s:./,-]+(am|pm|gmt|utc|est|edt)?$", re.IGNORECASE)

# Scripts written without spaces between words (Chinese, Japanese): there the word regex
# finds whole clauses, so their length is counted in characters instead.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]")
# Their words average about two characters, so a 60-character sentence counts as 30 words,
# about what its English translation has (the two Japanese pages of the benchmark lost all
# or most of their text when each clause counted as one "word").
_CJK_CHARS_PER_WORD = 2.0
# Their function words: Japanese grammar is written in hiragana, plus the commonest Chinese
# function characters. Japanese prose is about half hiragana, a menu of nouns has almost none.
_CJK_FUNCTION = re.compile(r"[\u3040-\u309f的了是在和有我他这不也就都而与及或被把将]")

# A headline glued to its summary, as teaser cards are copied: a lower-case word of four or
# more letters (not "McDonald" or "iPhone") or closing punctuation, directly followed by a
# capital letter ("...At Troy SteakhouseA party of six left...").
_GLUE = re.compile(r"(?:[a-z]{4}|[?!)\]”’\"])[A-Z]")


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
    words: int  # words; for Chinese and Japanese, characters / 2
    prose: float  # how much the line looks like article prose, 0..1
    furniture: float  # how much it looks like page furniture, 0..1
    address: float = 0.0  # share of words (outside quotes) that talk to the reader: you, we, please
    sentence: bool = False  # ends like a sentence (. ! ? … and their CJK forms)


def _words(line: str) -> list[str]:
    return _WORD.findall(line)


def describe(line: str) -> LineKind:
    """Score one line: how much it looks like prose and how much like page furniture."""
    cjk = len(_CJK.findall(line))
    words = _words(_CJK.sub(" ", line) if cjk else line)
    count = len(words) + math.ceil(cjk / _CJK_CHARS_PER_WORD)
    if count == 0:
        return LineKind(line, 0, 0.0, 1.0, 0.0)
    lower = [word.lower() for word in words]
    function_words: float = sum(word in _FUNCTION_WORDS for word in lower)
    if cjk:
        function_words += len(_CJK_FUNCTION.findall(line)) / _CJK_CHARS_PER_WORD
    stop_share = function_words / count
    furniture_words = sum(word in _FURNITURE for word in lower) - len(_NO_COMMENT.findall(line))
    furniture_share = furniture_words / count
    alphabetic = [word for word in words if word[0].isalpha()]
    capital_share = (sum(word[0].isupper() for word in alphabetic) / len(alphabetic)) if alphabetic else 1.0
    if cjk:
        capital_share *= len(words) / count  # characters without case are not capitals
    ends_sentence = bool(_SENTENCE_END.search(line))
    separators = len(_SEPARATORS.findall(line))

    # Prose: long enough (a news sentence has 12+ words), many function words (English prose
    # has 30%+ of them), not all capitalised, ending like a sentence. A line with no final
    # punctuation needs 20+ words to count fully: headings and teasers are shorter. (These
    # weights came with the first cleaner; the benchmark barely moves when they move by a
    # third, so they are not tuned to it.)
    length_score = min(count / 12.0, 1.0)
    prose = length_score * (0.45 + 0.35 * min(stop_share / 0.3, 1.0) + 0.2 * (1.0 - capital_share))
    if ends_sentence:
        prose = min(1.0, prose + 0.25)
    elif count < 20:
        prose *= 0.5
    if count >= 4 and capital_share > 0.8 and not ends_sentence:
        prose *= 0.5  # Title Case Lines Are Headings, Menus Or Captions

    unquoted = _words(_QUOTED.sub(" ", line))
    # "US" in capitals is the country, not the reader.
    address = sum(word.lower() in _READER_ADDRESS and not word.isupper() for word in unquoted if len(word) > 1)
    address_share = address / len(unquoted) if unquoted else 0.0
    # Furniture: one furniture word in three makes a line furniture-like (0.5); talking to the
    # reader counts less, as blogs and columns do it in their own prose (cleaning benchmark:
    # weighing it 1.0-1.5 keeps more article than 2.0; at 0.5 the comment policies of the
    # seeds and examples come back).
    furniture = min(1.0, furniture_share * 1.6 + address_share * 1.5)
    if count <= 4:
        furniture = max(furniture, 0.35 if not ends_sentence else 0.1)
        if furniture_share > 0:
            furniture = max(furniture, 0.9)
    if separators >= 2 and separators * 3 >= count:
        furniture = max(furniture, 0.9)
    items = len(_LIST_SEPARATORS.split(line))
    if items >= 3 and count <= 4 * items:
        furniture = max(furniture, 0.9)  # a list of short items: tags, sections, share buttons
    if _URL.search(line) and len(_URL.sub("", line).split()) < 6:
        furniture = 1.0
    if _COPYRIGHT.search(line) and count < 40:
        furniture = max(furniture, 0.9)
    if _CREDIT.search(line) and count < 30:
        furniture = max(furniture, 0.8)
    if _TIMESTAMP.match(line.strip()):
        furniture = 1.0
    if _is_teaser_card(line):
        furniture = max(furniture, 0.9)
    if line.rstrip().endswith(":") and count <= 8:
        furniture = max(furniture, 0.6)  # "Read more on:", "Related:"
    return LineKind(line, count, round(prose, 4), round(furniture, 4), round(address_share, 4), ends_sentence)


def _is_teaser_card(line: str) -> bool:
    """A Title Case headline glued to a summary: "Bill At Troy SteakhouseA party of six left".

    Pages show other stories as cards of headline and summary; copied as text, the two run
    together without a space. No article sentence has a Title Case stretch that ends in a
    word glued to the next one.
    """
    for match in _GLUE.finditer(line):
        head = line[: match.start() + 1]
        if "(" in head:
            return False  # a dateline: "Hong Kong (CNN Business)A muddled view of..."
        # Title Case capitalises every word but the short function words.
        long_words = [word for word in _words(head) if len(word) >= 4 and word[0].isalpha()]
        if len(long_words) >= 3 and all(word[0].isupper() for word in long_words):
            return len(_words(line[match.end() - 1 :])) >= 5
    return False


# A line this much like furniture is no article prose however well it reads ("Sign up for
# our newsletter and get the day's top stories delivered to your inbox."): cleaning
# benchmark, prose-shaped lines above it are gold one time in fifteen.
_PROSE_MAX_FURNITURE = 0.5


def _line_score(kind: LineKind) -> float:
    """Positive for article prose (weighted by length), negative for furniture."""
    if kind.words == 0:
        return 0.0
    quality = kind.prose - kind.furniture
    if kind.furniture >= _PROSE_MAX_FURNITURE:
        quality = min(quality, _PROSE_MAX_FURNITURE - kind.furniture)
    weight = min(kind.words, 40)
    if quality > 0.25:
        return quality * weight
    # Short, non-prose lines (captions, headings, markers) cost little, so one inside the
    # article does not split it; long furniture runs cost a lot.
    return (quality - 0.25) * min(weight, 8)


def _best_segment(scores: Sequence[float]) -> tuple[int, int]:
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


@lru_cache(maxsize=4096)
def _content_words(line: str) -> frozenset[str]:
    """Lower-cased words that carry the topic (no function words, no short words), singular."""
    words = set()
    for word in _words(line):
        word = word.lower()
        if len(word) > 2 and word not in _FUNCTION_WORDS:
            words.add(word[:-1] if word.endswith("s") and len(word) > 4 else word)
    return frozenset(words)


def _lines(text: str) -> tuple[list[str], list[int]]:
    """The lines of normalized text and, for each, the number of the blank-line-separated block it is in."""
    lines: list[str] = []
    blocks: list[int] = []
    for number, block in enumerate(text.split("\n\n")):
        rows = [row for row in block.split("\n") if row]
        lines.extend(rows)
        blocks.extend([number] * len(rows))
    return lines, blocks


def _looks_like_headline(kind: LineKind) -> bool:
    text = kind.text.strip()
    return (
        3 <= kind.words <= 25
        and kind.furniture < 0.5
        and not text.endswith((".", ":", ";", ","))
        and not _TIMESTAMP.match(text)
    )


def _headline_index(kinds: Sequence[LineKind]) -> int | None:
    """The longest headline-like line before the first full prose paragraph, if any.

    The longest, not the first: a kicker ("Kestrel Narrows Bridge"), a section name or a
    byline can come before or after the headline, and they are shorter than it.
    """
    best: int | None = None
    for index, kind in enumerate(kinds):
        if kind.words >= 12 and kind.sentence and kind.prose - kind.furniture > 0.25:
            break
        if _looks_like_headline(kind) and (best is None or kind.words > kinds[best].words):
            best = index
    return best


# A photo credit is short ("Photo: Jonah Threlkeld / Port Wendell Ledger"), a caption one or
# two sentences; a longer line next to a credit is article text.
_CREDIT_MAX_WORDS = 12
_CAPTION_MAX_WORDS = 40


def _captions(kinds: Sequence[LineKind], blocks: Sequence[int]) -> set[int]:
    """Lines directly followed, in the same block, by a photo credit: the photo's caption.

    A caption can be a full sentence ("Crews inspect the damaged pier on Tuesday."), so only
    its place tells it from article prose: right above "Photo: Name / Outlet" with no blank
    line between (an article paragraph and a credit below it are separate blocks).
    """
    return {
        index
        for index in range(len(kinds) - 1)
        if blocks[index] == blocks[index + 1]
        and kinds[index].words <= _CAPTION_MAX_WORDS
        and kinds[index + 1].words <= _CREDIT_MAX_WORDS
        and _CREDIT.search(kinds[index + 1].text)
    }


# A row starts with a number, a date, a bullet or a short label ("England (Group A): 10th
# appearance", "Path A: Iceland, Bulgaria").
_LIST_LEAD = re.compile(
    r"\s*(?:(\d)|((?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d)|([-*•▪◦–—]\s)|"
    r"([^\W\d_][^:()\n]{0,30}?[:(]))",
    re.IGNORECASE,
)
# ... and has fields after that: a number or a field separator. A teaser headline that starts
# with a number ("5 Things to Do in June") has neither.
_LIST_FIELDS = re.compile(r"\d|[,:;@|–—(]|\s-{1,2}\s")
# Three or four similar lines can be teasers or a gallery's "1 of 4" captions; five or more
# rows that start alike are a table or list (cleaning benchmark: runs of 5+ such rows are
# article text two times out of three, and all the long ones are).
_LIST_MIN_ROWS = 5
# A list may follow the run after this many lines of introduction ("Tour dates:", a heading).
_LIST_GAP = 2


def _list_lead(kind: LineKind) -> str | None:
    """How a possible list row starts ("number", "date", "bullet", "label"), or None."""
    if kind.words < 3 or kind.furniture >= 0.5:
        return None
    match = _LIST_LEAD.match(kind.text)
    if not match or not _LIST_FIELDS.search(kind.text[match.end() :]):
        return None
    if match.group(1):
        return "number"
    return "date" if match.group(2) else "bullet" if match.group(3) else "label"


def _lists(kinds: Sequence[LineKind]) -> list[tuple[int, int]]:
    """Runs [a, b) of list or table rows: at least ``_LIST_MIN_ROWS`` consecutive lines that
    all start the same way and are not page furniture.

    Tour dates, a league table, a recipe's ingredients: part of the article, but no prose.
    """
    runs: list[tuple[int, int]] = []
    index = 0
    while index < len(kinds):
        lead = _list_lead(kinds[index])
        end = index + 1
        if lead:
            while end < len(kinds) and _list_lead(kinds[end]) == lead:
                end += 1
            if end - index >= _LIST_MIN_ROWS:
                runs.append((index, end))
        index = end
    return runs


def _chunks(scores: Sequence[float], start: int, end: int) -> list[tuple[int, int]]:
    """Maximal runs [a, b) of positive-score lines within [start, end)."""
    chunks: list[tuple[int, int]] = []
    index = start
    while index < end:
        if scores[index] > 0:
            first = index
            while index < end and scores[index] > 0:
                index += 1
            chunks.append((first, index))
        else:
            index += 1
    return chunks


def _heaviest(chunks: Sequence[tuple[int, int]], scores: Sequence[float]) -> tuple[int, int]:
    """The chunk with the largest total score: the article itself, or its largest part."""
    return max(chunks, key=lambda chunk: sum(scores[chunk[0] : chunk[1]]))


def _plain_prose(kind: LineKind) -> bool:
    """A sentence that neither talks to the reader nor uses page vocabulary: article prose."""
    return kind.sentence and kind.words >= 8 and kind.furniture < 0.15 and kind.address == 0


# --- trimming the ends of the run (benchmark and seeds: comment policies, blurbs, teasers) ---

# Inside the run's heaviest chunk a line must look at least this much like furniture to be
# peeled off ("Follow FPA on social media for the latest updates"): a first- or second-person
# article paragraph ("If you want a book that makes you feel great...") scores lower.
_TRIM_CORE_FURNITURE = 0.25
# A line at the run's edge is off-topic when fewer than this share of its content words are
# in the article's sentences (a blurb shares "city" or "harbor"; an article paragraph
# shares names and subject words) ...
_TRIM_TOPICAL = 0.35
# ... and it shares fewer than this many of them: a long paragraph shares a small *share* of
# its many words with any other, but an article paragraph still shares many.
_TRIM_SHARED_WORDS = 6
# The article's vocabulary comes from at least this many sentences of its heaviest chunk;
# with fewer (a chunk cut short by subheadings) the whole run's sentences are used.
_TRIM_MIN_SOURCE = 3
# Non-prose lines after the article's heaviest chunk that cost this much together (line
# scores) are a wall: what follows is not the article (cleaning benchmark: the prose after
# the first such wall is gold for 234 tokens out of 15,000). Walls inside articles cost
# less: a subheading 1-2, an ad marker and a newsletter box about 8 (port-wendell-ledger.txt).
_WALL = 9.0
# A chunk after the article with fewer than this share of its content words in the article's
# heaviest chunk is about something else (cleaning benchmark: such chunks hold one gold
# token for eight others: teasers of other stories, comments, "about us" boxes) ...
_OFF_TOPIC_SHARE = 0.1
# ... unless those chunks together outweigh the heaviest chunk this many times: then the
# page is a series of short items (a round-up of match results), the "article" one of them.
_OFF_TOPIC_TAIL = 2.0


def _trim(kinds: Sequence[LineKind], scores: Sequence[float], start: int, end: int) -> tuple[int, int]:
    """Cut the run [start, end) down to the article: return the new [start, end).

    After the article comes what the maximum-sum run cannot tell from it: comments, the
    teasers of other stories, a comment policy, a "create a profile" prompt, the outlet's
    self-description. Three cuts, in this order:

    * at the first wall of furniture after the run's heaviest chunk (the article itself);
    * whole chunks at the end that share almost no words with the article;
    * single lines at either end that are prose-shaped furniture: they talk to the reader,
      use page vocabulary or are no full sentence, *and* share few words with the article.
      Plain prose stops this peeling, and so does the heaviest chunk once it has no plain
      prose left to lose. Before the article only clear page talk is peeled.
    """
    chunks = _chunks(scores, start, end)
    if not chunks:
        return start, end
    core = _heaviest(chunks, scores)

    def words_of(index: int) -> frozenset[str]:
        return _content_words(kinds[index].text)

    def sentences(first: int, last: int) -> list[int]:
        return [i for i in range(first, last) if scores[i] > 0 and kinds[i].sentence and kinds[i].words >= 8]

    # A wall of page furniture after the article (share bar, tags, author box, "more
    # stories" heading) ends it, however much prose follows: that is comments and teasers.
    for position in range(chunks.index(core), len(chunks) - 1):
        if sum(scores[chunks[position][1] : chunks[position + 1][0]]) <= -_WALL:
            chunks = chunks[: position + 1]
            end = chunks[-1][1]
            break

    # Then whole chunks at the end that share almost nothing with the article.
    core_vocabulary = Counter(word for index in sentences(*core) for word in words_of(index))
    kept = len(chunks)
    while kept > 1 and chunks[kept - 1] != core:
        first, last = chunks[kept - 1]
        words = [word for index in range(first, last) if scores[index] > 0 for word in words_of(index)]
        if words and sum(core_vocabulary[word] > 0 for word in words) >= _OFF_TOPIC_SHARE * len(words):
            break
        kept -= 1
    tail = sum(max(score, 0.0) for score in scores[chunks[kept - 1][1] : end])
    if tail <= _OFF_TOPIC_TAIL * sum(scores[core[0] : core[1]]):
        end = chunks[kept - 1][1]

    # Then single lines. The article's vocabulary: its heaviest chunk's sentences, so that
    # furniture after the article cannot vouch for itself.
    source = set(sentences(*core))
    if len(source) < _TRIM_MIN_SOURCE:
        source = set(sentences(start, end))
    vocabulary = Counter(word for index in source for word in words_of(index))

    def suspect(index: int) -> bool:
        kind = kinds[index]
        if scores[index] <= 0:
            return True  # non-prose lines at the ends go in any case
        if _plain_prose(kind):
            return False
        if core[0] <= index < core[1] and kind.furniture < _TRIM_CORE_FURNITURE:
            return False
        words = words_of(index)
        own = 1 if index in source else 0  # a line does not vouch for itself
        shared = sum(vocabulary[word] > own for word in words)
        return shared < _TRIM_TOPICAL * len(words) and shared < _TRIM_SHARED_WORDS

    core_plain = [index for index in range(*core) if _plain_prose(kinds[index])]
    last_kept = core_plain[-1] if core_plain else core[1] - 1
    first_kept = core_plain[0] if core_plain else core[0]
    while end - 1 > last_kept and suspect(end - 1):
        end -= 1
    # Before the article, prose-shaped lines are mostly its own standfirst and first
    # paragraphs, however chatty (cleaning benchmark: peeling them lost as much article as
    # clutter), so only clear page talk is peeled there.
    while (
        start < first_kept and suspect(start) and (scores[start] <= 0 or kinds[start].furniture >= _TRIM_CORE_FURNITURE)
    ):
        start += 1
    return start, end


# --- second looks ---

# A line inside the run that is no prose is still kept when it is a sentence of at least
# this many words with little furniture in it: "Iranian officials declined to comment." (a
# seed), "Nobody was hurt." A two-word sentence ("Read more.") is page talk.
_SHORT_SENTENCE_WORDS = 3
# ... "little" meaning below this furniture score (a short line with one furniture word,
# "Leave a comment.", scores 0.9; a sentence that names a photo or a video once, 0.1-0.2).
_SHORT_SENTENCE_FURNITURE = 0.3
# Lines next to a list are its heading unless they are clear furniture (a share bar, tags).
_LIST_MAX_FURNITURE = 0.9

# Repeated lines at least this long are teasers ("latest stories" boxes shown twice, a card
# repeating the lead); shorter repeats ("Advertisement", "Share") are furniture anyway.
_REPEATED_WORDS = 5
# ... unless they hold this share of the page's prose: then the text was pasted twice. (A box
# of teasers shown twice can hold 70% of a page's prose: cleaning benchmark.)
_REPEATED_ALL = 0.9
# A prose line outside the run is kept when at least this share of its content words are
# the article's: an article paragraph cut off by a block of links shares names and subject,
# a teaser of a related story less (cleaning benchmark: 0.25 to 0.5 score alike; 0.5 is the
# cautious end).
_RESCUE_TOPICAL = 0.5
# ... and at most this many lines away from it: farther away, such prose is comments and
# teasers (cleaning benchmark: 1,400 tokens of clutter for 90 of article).
_RESCUE_DISTANCE = 3
# The rescued line must be a sentence of at least this many words.
_RESCUE_MIN_WORDS = 8


def _drop_lone_fragments(kinds: Sequence[LineKind], keep: list[bool], core: tuple[int, int]) -> None:
    """Unkeep lines that are no sentences and have no kept sentence on either side.

    A line without final punctuation between two article sentences is a subheading or a
    list item of the article; kept lines that are no sentences next to each other are the
    headlines and summaries of teasers. The heaviest chunk of the run is left alone: there
    the article itself may be written without full stops.
    """
    kept = [index for index, flag in enumerate(keep) if flag]
    for position, index in enumerate(kept):
        if kinds[index].sentence or core[0] <= index < core[1]:
            continue
        before = position > 0 and kinds[kept[position - 1]].sentence
        after = position + 1 < len(kept) and kinds[kept[position + 1]].sentence
        if not before and not after:
            keep[index] = False


def _fallback(kinds: Sequence[LineKind]) -> list[bool]:
    """When no run was found, keep the sentences that read more like prose than furniture.

    Better a chatty text than nothing: the checks after cleaning decide whether it is an
    article. A menu, a table or a list of links has no such line and stays empty.
    """
    return [kind.sentence and kind.words >= _SHORT_SENTENCE_WORDS and kind.prose > kind.furniture for kind in kinds]


def clean_page_text(text: str) -> Cleaned:
    """Split page text into its headline and article body, dropping page furniture.

    Args:
        text: plain text as copied from a web page (one paragraph or page element per line), in
            any plain-text layout: :func:`~storyline.sources.layout.normalize_layout` runs first.

    Returns:
        The headline (the longest headline-like line before the body, if any), the body with
        paragraphs separated by blank lines, and the removed lines.
    """
    lines, blocks = _lines(normalize_layout(text))
    if not lines:
        return Cleaned(None, "", ())
    kinds = [describe(line) for line in lines]
    headline = _headline_index(kinds)
    captions = _captions(kinds, blocks)
    scores = [_line_score(kind) for kind in kinds]
    for index in captions:
        scores[index] = min(scores[index], -1.0)  # as much as a short non-prose line
    if headline is not None:
        scores[headline] = 0.0
    # A prose line the page shows twice is a teaser or a pull quote: it does not pull the run
    # towards itself (a box of teasers at the top and the bottom of the page outweighs a
    # short article), though inside the run it is kept like any other line.
    seen = Counter(line.strip().lower() for line in lines)
    repeated = [
        seen[line.strip().lower()] > 1 and kinds[index].words >= _REPEATED_WORDS for index, line in enumerate(lines)
    ]
    prose_mass = sum(max(score, 0.0) for score in scores)
    if sum(max(score, 0.0) for index, score in enumerate(scores) if repeated[index]) > _REPEATED_ALL * prose_mass:
        repeated = [False] * len(lines)  # (nearly) all the prose is repeated: the text was pasted twice
    start, end = _best_segment([0.0 if repeated[index] else score for index, score in enumerate(scores)])

    if end <= start:
        keep = _fallback(kinds)
    else:
        start, end = _trim(kinds, scores, start, end)
        keep = [False] * len(lines)
        for index in range(start, end):
            kind = kinds[index]
            if scores[index] > 0:
                keep[index] = True
            elif kind.sentence and kind.words >= _SHORT_SENTENCE_WORDS and kind.furniture < _SHORT_SENTENCE_FURNITURE:
                keep[index] = True  # a short one-sentence paragraph: "Officials declined to comment."

        # Outside the run: only prose that is clearly about the same thing as the article
        # (a paragraph cut off by a block of links), never a teaser shown twice.
        topic = {word for index in range(start, end) if keep[index] for word in _content_words(lines[index])}
        for index, kind in enumerate(kinds):
            near = start - _RESCUE_DISTANCE <= index < end + _RESCUE_DISTANCE
            outside = near and not start <= index < end and scores[index] > 0 and not repeated[index]
            if (
                outside
                and kind.sentence
                and kind.words >= _RESCUE_MIN_WORDS
                and kind.furniture < _SHORT_SENTENCE_FURNITURE
            ):
                words = _content_words(lines[index])
                keep[index] = sum(word in topic for word in words) >= _RESCUE_TOPICAL * len(words)

        _drop_lone_fragments(kinds, keep, _heaviest(_chunks(scores, start, end) or [(start, end)], scores))

        for first, last in _lists(kinds):
            if first - _LIST_GAP <= end and last + _LIST_GAP >= start:
                # A list inside or right next to the article belongs to it, with its heading
                # ("Tour dates:"), but not with a share bar or a tag list next to it.
                for index in range(min(first, end), max(last, start)):
                    keep[index] = keep[index] or kinds[index].furniture < _LIST_MAX_FURNITURE
    for index in captions:
        keep[index] = False
    if headline is not None:
        keep[headline] = False

    title = lines[headline].strip() if headline is not None else None
    body = "\n\n".join(line for line, kept in zip(lines, keep, strict=True) if kept)
    removed = tuple(line for line, kept in zip(lines, keep, strict=True) if not kept)
    return Cleaned(title, body, removed)


def clean_text(text: str) -> str:
    """Return the article body of page text, with page furniture and the headline removed."""
    return clean_page_text(text).text
