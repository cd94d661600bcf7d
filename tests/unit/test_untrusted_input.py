"""Issue 32: untrusted input on every way in (files, JSON Lines, batch, records), without models.

Each test replays a row of the issue's table (or a part of one) and checks the answer the issue asks
for: addresses that are not http(s) refused everywhere by one check, no hidden characters in the
text, JSON depth limits that cost one record and not the run, dates that are dates.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from pathlib import Path

import pytest

from storyline.batch import run_batch
from storyline.errors import InputError
from storyline.limits import MAX_JSON_DEPTH, json_too_deep, load_json
from storyline.records import article_from_record, iso_date, web_url
from storyline.render import render
from storyline.render.html import ASSETS, policy
from storyline.sources.read import read
from storyline.text import remove_invisible
from storyline.types import Article, Citation, Problem, Summary, SummarySentence

TEXT = "A container ship lost power and struck a pier of the Kestrel Narrows Bridge early on Tuesday."
DEEP = "[" * 1000 + "]" * 1000  # 2 KB


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "data:text/html,<b>x</b>",
        "file:///etc/passwd",
        "//evil.example/x",
        "/relative",
        "http://",
        "https://exa mple.org/",
        "https://example.org/\x00",
    ],
)
def test_issue_32_only_http_addresses_pass_the_record_check(url: str) -> None:
    assert web_url(url) is None
    with pytest.raises(InputError, match=r"^r1: field 'url' is not an http\(s\) address"):
        article_from_record({"text": TEXT, "url": url}, where="r1", default_id="r1")


@pytest.mark.parametrize("url", ["https://ledger.example/ship?id=1#top", "HTTP://ledger.example", "http://a.b:8080"])
def test_issue_32_web_addresses_pass(url: str) -> None:
    assert web_url(url) == url
    assert article_from_record({"text": TEXT, "url": url}, where="r1", default_id="r1").url == url


def test_issue_32_javascript_url_in_a_jsonl_file_costs_that_record_only(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    records = [{"id": "bad", "text": TEXT, "url": "javascript:alert(1)"}, {"id": "good", "text": TEXT + " Again."}]
    path.write_text("\n".join(json.dumps(record) for record in records), encoding="utf-8")
    problems: list[Problem] = []
    articles = read(path, on_error="skip", problems=problems)
    assert [article.id for article in articles] == ["good"]
    [problem] = problems
    assert problem.skipped and "'url' is not an http(s) address" in problem.message and ":1" in problem.input


def test_issue_32_bidi_overrides_and_zero_width_characters_are_removed_on_reading() -> None:
    hidden = "Four\u200b people were\u202e hurt\u2066 at\u200d the\ufeff bridge.\u2069"
    article = article_from_record(
        {"text": hidden, "title": "Ship\u202e strikes", "source": "\u200bLedger"}, where="r", default_id="r"
    )
    assert article.text == "Four people were hurt at the bridge."
    assert article.title == "Ship strikes" and article.source == "Ledger"
    assert (
        remove_invisible("caf\u00e9 \u05e9\u05dc\u05d5\u05dd") == "caf\u00e9 \u05e9\u05dc\u05d5\u05dd"
    )  # letters stay


def test_issue_32_text_that_is_not_a_string_is_named_as_such() -> None:
    with pytest.raises(InputError, match=r"^r: field 'text' must be a string, got a number"):
        article_from_record({"text": 12345}, where="r", default_id="r")


@pytest.mark.parametrize("value", ["9999-99-99T99:99", "2026-02-30", "last week", "2026-13-01"])
def test_issue_32_published_must_be_a_date(value: str) -> None:
    assert iso_date(value) is None
    with pytest.raises(InputError, match=r"^r: field 'published' is not a date; give it as YYYY-MM-DD"):
        article_from_record({"text": TEXT, "published": value}, where="r", default_id="r")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2026-03-10T15:42:00-05:00", "2026-03-10"), ("2026-03-10T15:42Z", "2026-03-10"), ("Mar. 10, 2026", "2026-03-10")],
)
def test_issue_32_dates_in_common_forms_still_read(value: str, expected: str) -> None:
    assert iso_date(value) == expected


def test_json_depth_check_ignores_brackets_inside_strings() -> None:
    assert json_too_deep(DEEP)
    assert not json_too_deep(json.dumps({"text": "[" * 1000}))
    assert not json_too_deep("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH)
    assert json_too_deep("[" * (MAX_JSON_DEPTH + 1))
    with pytest.raises(InputError, match=rf"^x: JSON nested more than {MAX_JSON_DEPTH} levels deep"):
        load_json(DEEP, where="x")


def test_issue_32_deeply_nested_json_file_beside_a_good_one(tmp_path: Path) -> None:
    (tmp_path / "deep.json").write_text(DEEP, encoding="utf-8")
    (tmp_path / "good.json").write_text(json.dumps({"text": TEXT}), encoding="utf-8")
    problems: list[Problem] = []
    articles = read(tmp_path, on_error="skip", problems=problems)
    assert [article.text for article in articles] == [TEXT]
    [problem] = problems
    assert problem.input.endswith("deep.json") and "nested more than" in problem.message


def test_issue_32_one_deep_line_of_json_lines_costs_that_line_only(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(f"{json.dumps({'text': TEXT})}\n{DEEP}\n{json.dumps({'text': TEXT + ' Two.'})}\n", encoding="utf-8")
    problems: list[Problem] = []
    assert len(read(path, on_error="skip", problems=problems)) == 2
    [problem] = problems
    assert problem.input == f"{path}:2" and "nested more than" in problem.message


def test_issue_32_batch_deep_record_is_one_error_line_and_the_file_is_written(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    bad = json.dumps({"id": "c1", "documents": []})  # fails before the models, like the deep one
    counts = run_batch([DEEP, bad], out)
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert counts.failed == 2 and len(lines) == 2
    assert lines[0] == {"id": None, "line": 1, "error": lines[0]["error"]}
    assert "nested more than" in lines[0]["error"]
    assert lines[1]["id"] == "c1"


SUMMARY = Summary(
    sentences=(SummarySentence("Four people were hurt.", (Citation("a", 0, 22),)),),
    articles=(Article(id="a", text="Four people were hurt.", source="Ledger", url="javascript:alert(1)", origin="a"),),
)


def _hash(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def test_issue_32_html_output_carries_a_strict_policy_naming_its_own_scripts_only() -> None:
    page = render(SUMMARY, "html")
    meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page)
    assert meta is not None and html.unescape(meta.group(1)) == policy()
    assert '<meta name="referrer" content="no-referrer">' in page
    scripts = re.findall(r"<script>(.*?)</script>", page, flags=re.S)
    styles = re.findall(r"<style>(.*?)</style>", page, flags=re.S)
    assert scripts and styles
    for inline in scripts + styles:  # every inline script and style runs: its hash is in the policy
        assert f"'sha256-{_hash(inline)}'" in policy()
    assert "unsafe-inline" not in policy() and "default-src 'none'" in policy()
    assert "frame-ancestors 'none'" in policy(header=True) and "frame-ancestors" not in policy()
    assert len(re.findall(r"'sha256-", policy())) == len(ASSETS)
    assert 'href="javascript' not in page  # an address stored before the record check is still no link
