"""Name the outlet of an article that came without one, from what its page shows.

Knows page text, HTML metadata and URLs; knows no NLP models and no list of outlets. A reader
who copies a page knows whose page it is from the page itself: its site name, its copyright
line ("© 2014 Los Angeles Times"), the outlet talking about itself ("RFE/RL journalists report
the news in 27 languages", "Join the News24 Community"), the agency in a dateline or byline
("WASHINGTON (AP) —", "By Jane Doe, Reuters"), or the address it was read from. In that order:
the page's own name first, the agency whose story it carries next, the URL's domain last.

Never a guess: a name is given only when the page's signals agree on it (the most named
outlet, with more votes than the next). A company in a copyright line ("© 2019 Hearst
Communications, Inc.", "Vox Media, LLC") is the owner, not the outlet, and counts only when
another signal names the outlet it is named after ("The New York Times Company"). Nothing
named: None, and the caller keeps its own name for the article (the file name, the record id).

Measured with ``benchmarks/outlets.py`` (181 real pages, outlets labelled by the team in
``benchmarks/data/outlets.tsv``) and on the seed stories; re-run both after changing a rule.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

__all__ = ["find_outlet", "outlet_from_html", "outlet_from_url", "same_outlet"]

# --- names ---

# A word of a name: a capitalised word, an acronym or a name with digits or dots (RFE/RL,
# News24, 9to5Mac, Express.co.uk, POLYGRAPH.info), or a word in a script without case.
_NAME_WORD = r"(?:[A-Z0-9][\w&’'./+-]*[\w+]|[A-Z0-9]|[^\W\d_A-Za-z][\w’'./-]*)"
# Small words inside a name: "Radio Free Europe/Radio Liberty", "The Wall Street Journal", "Dawgs By Nature".
_NAME_JOINER = r"(?:of|the|and|&|de|du|da|del|di|des|y|für|on|by|in|for|at)"
_NAME = rf"(?:The\s+)?{_NAME_WORD}(?:\s+(?:{_NAME_JOINER}\s+)?{_NAME_WORD}){{0,5}}"
_MAX_NAME_WORDS = 7
_JOINERS = frozenset(_NAME_JOINER.strip("(?:)").split("|"))
_HOST = re.compile(r"[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}")
# Words that make no name: "It allows you ...", "About Us".
_NOT_NAMES = frozenset("it its this that these those we us our you your he she they them their i me my".split())
_MAX_NAME_CHARS = 60

# The legal form of a company: the owner of a site, not its name.
_LEGAL_FORM = re.compile(
    r"[,\s]+(?:Inc|Incorporated|LLC|L\.L\.C|Ltd|Limited|Pvt|Private|GmbH|AG|S\.A|SA|PLC|Plc|Pty|Corp|Corporation|Co|Company|"
    r"LP|LLP|N\.V|B\.V|S\.L|S\.p\.A|K\.K)\.?$"
)
_LEGAL_PREFIX = re.compile(r"(?:ООО|ОАО|ЗАО|ПАО|АО|株式会社|주식회사)\s*")
# ... and the words companies end their names with: "Hearst Communications", "Vox Media".
_COMPANY_WORD = re.compile(
    r"\b(?:Media|Network|Networks|Communications?|Group|Holdings|Interactive|Publishing|Publications|"
    r"Enterprises|Newspapers|Digital|Ventures|Brands|Entertainment Group|Services|Partners)$"
)


def _key(name: str) -> str:
    """A name for comparison: lower case, letters and digits only, without "the" and a TLD.

    "The New York Times" and "New York Times", "Express.co.uk" and "express", "Jaraguá do
    Sul" and "jaraguadosul.com.br" compare equal.
    """
    import unicodedata

    name = unicodedata.normalize("NFKD", name.casefold())
    name = "".join(character for character in name if not unicodedata.combining(character))
    name = re.sub(r"^(?:https?://)?(?:www\.)?", "", name.strip())
    if _HOST.fullmatch(name):
        name = max(name.split(".")[:-1], key=len)  # blog.comwrap.com: comwrap
    name = re.sub(r"(?:\.(?:com|net|org|info|co|news|in|uk|ca|br|ru|it|kr|de|jp|au|ng|tv|io|us|fm))+$", "", name)
    name = re.sub(r"^the\s+", "", name)
    return re.sub(r"\W|_", "", name)


def same_outlet(first: str, second: str) -> bool:
    """Whether two names name the same outlet ("the Guardian" and "The Guardian", "nj" and "NJ.com")."""
    return bool(_key(first)) and _key(first) == _key(second)


def _clean_name(name: str) -> str | None:
    """A candidate name tidied, or None when it cannot be an outlet's name."""
    name = re.sub(r"(?:’s|'s)\s.*$", "", name).strip(" \t\"'“”‘’.,;:|-–—()[]")  # "The Detroit News's EU ..."
    if not name or len(name) > _MAX_NAME_CHARS or len(name.split()) > _MAX_NAME_WORDS:
        return None
    if "://" in name or name.startswith(("@", "www.")) or not _key(name) or name.casefold() in _NOT_NAMES:
        return None
    if _COPYRIGHT.search(name) or re.search(r"[a-z]\.[A-Z]|\d{4}-\d\d-\d\d|[a-zа-яё]{2}\.\s", name):
        return None  # "Copyright 2014", glued page text ("Network.Turner"), a time stamp, a sentence
    return name


# --- URLs ---


def outlet_from_url(url: object) -> str | None:
    """The host of an article's URL, without "www." ("nytimes.com"), or None when there is none."""
    if not isinstance(url, str):
        return None
    match = re.match(r"(?:https?://)?(?:www\.)?([^/:?#\s]+)", url.strip())
    return match.group(1).lower() if match and "." in match.group(1) else None


def _site_label(host: str) -> str:
    """The part of a host that names the site: "nytimes" of www.nytimes.com, "express" of
    express.co.uk, "ap" of hosted.ap.org."""
    labels = host.lower().split(".")[:-1]
    if len(labels) > 1 and len(labels[-1]) <= 3:
        labels = labels[:-1]  # co.uk, com.br, co.kr
    return labels[-1] if labels else ""


def _spells(label: str, name: str) -> bool:
    """Whether a domain label spells a name, word by word whole or by its initial, any words
    after that left off and a leading "the" optional: "nytimes" and "latimes" (initials, then
    a word), "wsj", "thehill", "sky" for "Sky News"."""
    words = [re.sub(r"\W|_", "", word) for word in name.casefold().replace("&", " ").split()]
    words = [word for word in words if word]

    @cache
    def rest(position: int, word: int) -> bool:
        if position == len(label):
            return word > 0
        if word == len(words):
            return False
        current = words[word]
        if word == 0 and current == "the" and len(words) > 1 and rest(position, 1):
            return True
        whole = label.startswith(current, position) and rest(position + len(current), word + 1)
        return whole or (label[position] == current[0] and rest(position + 1, word + 1))

    return bool(label and words) and rest(0, 0)


# --- what a page's text says of itself ---

_YEAR = r"(?:19|20)\d{2}"
_COPYRIGHT = re.compile(r"(?:©|ⓒ|\([cс]\)|&copy;|\bcopyright\b)", re.IGNORECASE)
_RIGHTS = re.compile(r"\ball rights reserved\b", re.IGNORECASE)
_YEARS = re.compile(rf"{_YEAR}(?:\s*[-–—/]\s*(?:{_YEAR}|\d{{2}}))?")
# Where a copyright holder's name ends: a separator, a full stop before a space, "All rights".
_HOLDER_END = re.compile(
    r"\s[|·•–—-]\s|\s*[|·•]|,\s|\.\s|\.$|\s\(|\ball rights\b|\bunless\b|\bpowered by\b", re.IGNORECASE
)

# The page talking about itself: "Join the News24 Community", "RFE/RL journalists report ...",
# "News24 allows you ...", "The Port Wendell Ledger has covered the city ...", "Saltmarsh
# Courier staff, with ...", "Welcome to The Detroit News's ...", "do not necessarily reflect
# those of Sputnik", "The BBC is not responsible ...". Not "Inside X", "About X" or "Follow X
# on Twitter": sections and author boxes say those too.
_SELF = [
    re.compile(rf"^Join\s+(?:the\s+)?(?P<name>{_NAME})\s+(?:[Cc]ommunity|[Nn]ewsletter|[Cc]onversation)\b"),
    re.compile(rf"^Welcome\s+to\s+(?P<name>{_NAME})(?:’s|'s)?\b"),
    re.compile(rf"^(?:Make|Set)\s+(?P<name>{_NAME})\s+(?:my|your)\s+home\s*page\b"),
    re.compile(
        rf"^(?P<name>{_NAME})\s+(?:journalists|reporters|correspondents|editors)\s+(?:report|cover|bring|provide)\b"
    ),
    re.compile(rf"^(?P<name>{_NAME})\s+(?:allows|lets|invites|encourages|asks)\s+you\b"),
    re.compile(rf"^(?P<name>{_NAME})\s+has\s+(?:covered|served|reported\s+on|been\s+(?:covering|serving|reporting))\b"),
    re.compile(rf"^(?P<name>{_NAME})\s+staff\b(?:,\s+with\b|$)"),
    re.compile(rf"\bnot\s+necessarily\s+reflect\s+(?:those|the\s+views?)\s+of\s+(?P<name>{_NAME})[.!]?$"),
    re.compile(rf"^(?P<name>{_NAME})\s+is\s+not\s+responsible\s+for\s+the\s+content\s+of\s+external\b"),
]
# A dateline's agency: "WASHINGTON (AP) —", "HANOI, Vietnam (AP) —", "LONDON (Reuters) -".
_DATELINE = re.compile(
    r"^[A-Z][A-Z.'’ -]{1,40}(?:,\s*[A-Z][\w.]+(?:\s+[A-Z][\w.]+)?)?\s*"
    r"\((?P<name>[A-Z][\w.&/ -]{0,30}?)\)\s*(?:—|–|--?|_|:)\s"
)
# A byline's outlet: "By Jane Doe, Reuters", "By Bill Hoppe | Special to the Pioneer Press",
# "By JOHN SMITH, Associated Press Writer".
_BYLINE = re.compile(r"^By\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}\s*(?:,|\||—|–|-)\s*(?P<name>.+)$")
_BYLINE_ROLE = re.compile(
    r"^(?:Special\s+to\s+(?:the\s+)?)|\s+(?:Staff\s+)?(?:Writer|Correspondent|Reporter|Editor|Contributor|Columnist)s?$",
    re.IGNORECASE,
)
_ROLE_ONLY = re.compile(
    r"^(?:(?:Staff|Senior|Chief|Special|Political|Contributing|Associate|Managing|Business|Science|"
    r"Technology|Sports|Foreign|Investigative|Local)\s*)*(?:Writer|Correspondent|Reporter|Editor|Contributor|"
    r"Columnist|Staff|Journalist|Producer)s?$",
    re.IGNORECASE,
)
_DOMAIN = re.compile(r"[\w-]+(?:\.[\w-]+)+")
# A copyright holder of more words than this is a sentence or glued page text.
_MAX_HOLDER_WORDS = 5
# Lines longer than this are prose, not page furniture or a byline.
_MAX_SIGNAL_LINE = 300


@dataclass(frozen=True, slots=True)
class _Vote:
    name: str
    kind: str  # "site" (the page's own name), "company" (an owner, counts if seconded), "agency"
    weight: int = 1


def _copyright_holder(line: str) -> _Vote | None:
    """The holder named by a copyright line: "© 2014 Los Angeles Times", "© Phys.org 2003 - 2019"."""
    marker = _COPYRIGHT.search(line)
    if marker is None or marker.start() > 2 or not (_YEARS.search(line) or _RIGHTS.search(line)):
        return None  # "© Reuters / David Mercado" credits a photo, "Sports data © STATS 2018" a table
    rest = _COPYRIGHT.sub(" ", line[marker.end() :]).lstrip(" \t:,.")
    years = _YEARS.match(rest)
    if years:
        rest = rest[years.end() :]
        if re.match(r"\s*[|·•–—-]", rest):
            return None  # "© 2002-2019 - Designed by ...": no holder
        rest = rest.lstrip(" ,.")
    end = _HOLDER_END.search(rest)
    holder = _YEARS.sub("", rest[: end.start()] if end else rest).strip(" ,.")
    if end and _LEGAL_FORM.match(rest[end.start() :].split(" All")[0].rstrip(" ,.")):
        holder += ", Inc."  # "NewAge ADS, LLC": the comma cut the legal form off
    if not holder or (holder[0].islower() and not _DOMAIN.fullmatch(holder.split()[0])):
        return None  # "by ...", "designed by ...": no name (a domain, vse-diety.com, is one)
    name = _clean_name(holder)
    if name is None or len(name.split()) > _MAX_HOLDER_WORDS:
        return None
    if _LEGAL_FORM.search(name) or _LEGAL_PREFIX.match(name):
        return _Vote(_LEGAL_PREFIX.sub("", _LEGAL_FORM.sub("", name)), "company")
    return _Vote(name, "company" if _COMPANY_WORD.search(name) else "site")


def _byline_outlet(line: str) -> str | None:
    match = _BYLINE.match(line)
    if match is None:
        return None
    name = match.group("name").strip()
    if _ROLE_ONLY.match(name):
        return None
    name = _BYLINE_ROLE.sub("", name)
    name = _BYLINE_ROLE.sub("", name)
    if _ROLE_ONLY.match(name) or not re.fullmatch(_NAME, name):
        return None  # "Staff Writer", "Mike Wall 2019-11-18T22:05:36Z Spaceflight"
    return _clean_name(name)


def _text_votes(text: str) -> list[_Vote]:
    """What a page's lines say about whose page it is."""
    votes: list[_Vote] = []
    for raw in text.splitlines():
        line = raw.strip()
        agency = _DATELINE.match(line) if "(" in line[:60] else None
        if agency and (name := _clean_name(agency.group("name"))):
            votes.append(_Vote(name, "agency"))  # a dateline opens the article's first paragraph
            continue
        if not line or len(line) > _MAX_SIGNAL_LINE:
            continue
        if _COPYRIGHT.search(line):
            if (holder := _copyright_holder(line)) is not None:
                votes.append(holder)
            continue
        if line.startswith("By ") and (name := _byline_outlet(line)):
            votes.append(_Vote(name, "agency"))
            continue
        for pattern in _SELF:
            match = pattern.search(line)
            if match and (name := _clean_name(match.group("name"))):
                votes.append(_Vote(name, "site"))
                break
    return votes


def _elect(votes: Sequence[_Vote], *, host: str | None = None) -> str | None:
    """The name the votes agree on: the site's own name first, then the agency; None on a tie.

    An owner ("company") counts only for a name another vote gives. A name the domain spells
    gets one vote more.
    """
    label = _site_label(host) if host else ""
    sites = [vote for vote in votes if vote.kind == "site"]
    seconded = {_key(vote.name) for vote in votes if vote.kind != "company"}
    sites += [
        _Vote(vote.name, "site", vote.weight)
        for vote in votes
        if vote.kind == "company" and _key(vote.name) in seconded
    ]
    for group in (sites, [vote for vote in votes if vote.kind == "agency"]):
        if not group:
            continue
        scores: Counter[str] = Counter()
        forms: dict[str, Counter[str]] = {}
        for vote in group:
            key = _key(vote.name)
            scores[key] += vote.weight
            forms.setdefault(key, Counter())[vote.name] += vote.weight
        _merge_short_forms(scores, forms)
        if label:
            for key in scores:
                if _spells(label, next(iter(forms[key]))) or key == label:
                    scores[key] += 1
        ranked = scores.most_common(2)
        if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
            return None  # two names as strongly named: not a guess
        return forms[ranked[0][0]].most_common(1)[0][0]
    return None


def _merge_short_forms(scores: Counter[str], forms: dict[str, Counter[str]]) -> None:
    """Count a short form of a name for the one longer name it opens or ends: "Sputnik" for
    "Sputnik International", "Ledger" for "The Port Wendell Ledger"."""
    words = {key: _key_words(next(iter(forms[key]))) for key in scores}
    for short in list(scores):
        longer = [
            key
            for key in scores
            if key != short
            and len(words[key]) > len(words[short]) > 0
            and (words[key][: len(words[short])] == words[short] or words[key][-len(words[short]) :] == words[short])
        ]
        if len(longer) == 1:
            scores[longer[0]] += scores.pop(short)
            forms[longer[0]].update(forms.pop(short))  # shown as the form named most often


def _key_words(name: str) -> list[str]:
    words = [_key(word) for word in name.split()]
    return [word for word in words if word and word != "the"]


def find_outlet(text: str, *, url: object = None) -> str | None:
    """The outlet an article's page names, or its URL's host, or None.

    Args:
        text: the page text as read, before cleaning (the outlet's name is in its furniture).
        url: the article's address, when known.

    Returns:
        The outlet's name as the page writes it ("RFE/RL", "News24"), else the agency of its
        dateline or byline ("AP"), else the URL's host ("nytimes.com"), else None.
    """
    host = outlet_from_url(url)
    return _elect(_text_votes(text), host=host) or host


# --- HTML ---

# A page title's last part is the site's name: "Headline - The New York Times", "Headline | Vox".
_TITLE_PARTS = re.compile(r"\s+[|–—-]\s+|\s+::?\s+|\s*\|\s*")


def _title_site(title: str) -> str | None:
    parts = [part for part in _TITLE_PARTS.split(title.strip()) if part.strip()]
    if len(parts) < 2:
        return None
    name = _clean_name(parts[-1])
    if name is None:
        return None
    lower = [word for word in name.split() if word[:1].islower() and len(word) > 2 and word not in _JOINERS]
    if len(name.split()) > 5 or ". " in name or len(lower) > 1:
        return None  # "Anastassiades' light installation for FLOS", "потеря веса до 10 кг. Отзывы": subtitles
    return name


def _first_part(site_name: str) -> str | None:
    """A site name without its tagline: "LinkNaija | Nigeria's popular news platform"."""
    parts = [part for part in re.split(r"\s+[|–—-]\s+|\s*\|\s*", site_name.strip()) if part.strip()]
    return _clean_name(parts[0]) if parts else None


def outlet_from_html(html: str, *, site_name: object = None, url: object = None, text: str | None = None) -> str | None:
    """The outlet an HTML page names: its site name, title, publisher, copyright line, or host.

    Args:
        html: the page.
        site_name: the site name its metadata gives (trafilatura's ``sitename``), if any.
        url: the page's address (canonical or given), if known.
        text: the page's text, if already extracted (else read from ``html``).

    Returns:
        The name most of the page's signals agree on, else its URL's host, else None.
    """
    import lxml.html

    host = outlet_from_url(url)
    votes: list[_Vote] = []
    try:
        root = lxml.html.fromstring(html)
    except (ValueError, TypeError, lxml.etree.ParserError):
        root = None
    if isinstance(site_name, str) and (name := _first_part(site_name)) and name.lower() != host:
        votes.append(_Vote(name, "site", 2))  # (trafilatura gives the host when the page names no site)
    if root is not None:
        title = " ".join(root.xpath("//head/title//text()"))
        if name := _title_site(title):
            votes.append(_Vote(name, "site", 2))
        for meta in root.xpath("//meta[@name='application-name' or @name='apple-mobile-web-app-title']/@content"):
            if name := _first_part(str(meta)):
                votes.append(_Vote(name, "site"))
        for script in root.xpath("//script[@type='application/ld+json']/text()"):
            votes.extend(_Vote(name, "site") for name in _publishers(str(script)))
        if text is None:
            for junk in root.xpath("//script|//style|//noscript|//template"):
                junk.drop_tree()
            text = "\n".join(_page_lines(root))
    if text:
        votes.extend(_text_votes(text))
    return _elect(votes, host=host) or host


def _publishers(data: str) -> Iterable[str]:
    """Publisher names in a page's JSON-LD ("publisher": {"name": ...})."""
    for match in re.finditer(r'"publisher"\s*:\s*\{[^{}]*?"name"\s*:\s*"([^"]{1,80})"', data):
        if name := _clean_name(match.group(1)):
            yield name


_BLOCK_TAGS = frozenset(
    "address article aside blockquote dd div dl dt figcaption figure footer form h1 h2 h3 h4 h5 h6 header "
    "hr li main nav ol p section table td th tr ul br".split()
)


def _page_lines(root: Any) -> list[str]:
    """The text of a page, one line per block element (the copyright line is one of them)."""
    from lxml import etree

    lines: list[list[str]] = [[]]
    for event, element in etree.iterwalk(root, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag.lower() in _BLOCK_TAGS:
            lines.append([])
        if event == "start" and element.text and tag:
            lines[-1].append(element.text)
        if event == "end" and element.tail:
            lines[-1].append(element.tail)
    return [" ".join(" ".join(parts).split()) for parts in lines if "".join(parts).strip()]
