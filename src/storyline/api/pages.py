"""The web pages: the list of stories and a story page. Server-rendered HTML, a little JavaScript.

The story page is the summary page of :func:`storyline.render.render_html` (citation marks that
highlight the cited source sentence) laid out in two columns: the summary and the comparison on
the left, the sources beside them, each with its outlet, date and link; contradictions are shown
side by side. Every text from an article or a client is escaped.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from storyline.render import render_html
from storyline.store import StoryRow
from storyline.types import Citation, Summary

__all__ = ["render_index", "render_story"]

_STYLE = """
body{font:16px/1.5 system-ui,sans-serif;margin:0;padding:0;max-width:none;color:#222;background:#fafafa}
header{background:#1f3a5f;color:#fff;padding:.6em 1.2em}header a{color:#fff;text-decoration:none;font-weight:600}
main{max-width:70em;margin:1em auto;padding:0 1em}
.stories{list-style:none;padding:0}.stories li{background:#fff;border:1px solid #ddd;border-radius:6px;margin:.6em 0;
padding:.7em 1em}.stories a{font-weight:600;font-size:1.05em}.stories .meta{color:#666;font-size:.85em}
.story{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:1.5em;align-items:start}
.story .sources{position:sticky;top:0;max-height:100vh;overflow-y:auto;background:#fff;border-left:1px solid #ddd;
padding:0 1em}
.story .left{font-family:Georgia,serif}
table.contradictions{border-collapse:collapse;width:100%;font-size:.9em}
table.contradictions td{border:1px solid #ddd;padding:.4em;vertical-align:top;width:50%}
.empty{color:#666}
@media (max-width:50em){.story{grid-template-columns:1fr}.story .sources{position:static;max-height:none}}
"""

_SCRIPT = """
document.querySelectorAll('a.cite').forEach(function(a){a.addEventListener('click',function(e){
var ids=(a.dataset.spans||'').split(' ');var m=document.getElementById(ids[0]);
var side=m&&m.closest('aside.sources');if(!side){return;}e.preventDefault();
side.scrollTop+=m.getBoundingClientRect().top-side.getBoundingClientRect().top-side.clientHeight/4;
history.replaceState(null,'','#'+ids[0]);});});
"""


def _page(title: str, body: str, head: str = "") -> str:
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width"><title>{html.escape(title)}</title>'
        f'{head}<style>{_STYLE}</style></head><body><header><a href="/">Storyline</a> · stories</header>'
        f"<main>{body}</main></body></html>\n"
    )


def render_index(rows: Sequence[StoryRow], *, missing: int | None = None) -> str:
    """The list of stories, newest first, with their outlets and article counts."""
    items = []
    for row in rows:
        outlets = ", ".join(html.escape(source) for source in row.sources[:6])
        more = f" and {len(row.sources) - 6} more" if len(row.sources) > 6 else ""
        dates = html.escape(
            row.first_seen[:10]
            if row.first_seen[:10] == row.last_seen[:10]
            else f"{row.first_seen[:10]} – {row.last_seen[:10]}"
        )
        count = len(row.articles)
        items.append(
            f'<li class="story-item" data-id="{row.id}"><a href="/story/{row.id}">{html.escape(row.title)}</a>'
            f'<div class="meta">{count} article{"s" if count != 1 else ""} · {len(row.sources)} '
            f"outlet{'s' if len(row.sources) != 1 else ''}: {outlets}{more} · {dates}</div></li>"
        )
    note = f'<p class="empty">There is no story {missing}.</p>' if missing is not None else ""
    listing = f'<ul class="stories">{"".join(items)}</ul>' if items else '<p class="empty">No stories yet.</p>'
    return _page("Storyline: stories", f"{note}<h1>Stories</h1>{listing}")


def _span_text(summary: Summary, citation: Citation) -> tuple[str, str]:
    article = next((a for a in summary.articles if a.id == citation.article), None)
    if article is None:
        return citation.article, ""
    return article.source, article.text[citation.start : citation.end]


def _contradictions_table(summary: Summary) -> str:
    if summary.comparison is None or not summary.comparison.contradictions:
        return ""
    rows = []
    for contradiction in summary.comparison.contradictions:
        cells = []
        for citation in contradiction.spans[:2]:
            source, text = _span_text(summary, citation)
            cells.append(f"<td><b>{html.escape(source)}</b>: {html.escape(text)}</td>")
        rows.append(
            f'<tr><th colspan="2" style="text-align:left">{html.escape(contradiction.kind)} '
            f'<span class="confidence">confidence {contradiction.confidence:.2f}</span>: '
            f"{html.escape(contradiction.explanation)}</th></tr><tr>{''.join(cells)}</tr>"
        )
    return f'<h2>Contradictions side by side</h2><table class="contradictions">{"".join(rows)}</table>'


def render_story(row: StoryRow, summary: Summary) -> str:
    """A story page: summary and comparison beside the sources; a citation highlights its sentence."""
    page = render_html(summary)
    style_start, style_end = page.index("<style>"), page.index("</style>") + len("</style>")
    body_start = page.index("</h1>") + len("</h1>")
    script_start = page.index("<script>")
    content = page[body_start:script_start]
    script = page[script_start:]
    script = script[: script.index("</body>")]
    left, _, sources = content.partition("<h2>Sources</h2>")
    count = len(row.articles)
    dates = (
        row.first_seen[:10]
        if row.first_seen[:10] == row.last_seen[:10]
        else (f"{row.first_seen[:10]} – {row.last_seen[:10]}")
    )
    meta = html.escape(f"{count} article{'s' if count != 1 else ''} from {len(row.sources)} outlets · {dates}")
    body = (
        f'<h1 id="story-title">{html.escape(row.title)}</h1><p class="meta">{meta}</p>'
        f'<div class="story"><section class="left"><h2>Summary</h2>{left}{_contradictions_table(summary)}</section>'
        f'<aside class="sources"><h2>Sources</h2>{sources}</aside></div>'
        f"{script}<script>{_SCRIPT}</script>"
    )
    return _page(f"Storyline: {row.title}", body, head=page[style_start:style_end])
