"""render.mirror_format: the article file written and read by one codec.

What ``format_article`` writes, ``parse_article`` reads back as the same fields (a property, on
drawn titles, links and bodies); the real old archive in ``tests/data/dm-archive`` reads as
``adopt`` read it before the codec (``dm-archive-parsed.json``, made by the earlier parser) and
writes back byte for byte; the shapes old archives differ in are read as before.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from newsmirror.adopt.scan import read_article
from newsmirror.clean import ImagePolicy, clean_line, flatten
from newsmirror.record.model import Revision, epoch_ms, iso
from newsmirror.render.mirror_format import (
    ArticleFile,
    format_article,
    parse_article,
    render_article,
)
from newsmirror.text.escaping import link_target

DATA = Path(__file__).parents[1] / "data"
ARCHIVE = DATA / "dm-archive"
PARSED = json.loads((DATA / "dm-archive-parsed.json").read_text(encoding="utf-8"))
NOW = datetime(2026, 1, 1, tzinfo=UTC)  # the moment dm-archive-parsed.json was read at

# Titles as the record holds them (clean_line'd: one line, no controls), with the characters
# the writer escapes drawn often.
titles = st.text(
    st.one_of(st.characters(), st.sampled_from("\\[]()&<>*_`#!-.+{} 中文")), max_size=60
).map(clean_line)
urls = st.builds(
    lambda scheme, host, path: f"{scheme}://{host}/{path}",
    st.sampled_from(["http", "https", "HTTPS"]),
    st.sampled_from(["www.voachinese.com", "例子.中国", "127.0.0.1:8080"]),
    st.text(max_size=40),
)
bodies = st.text(max_size=200).map(flatten)  # a body is one line, as the projection writes it


@given(
    time=st.integers(0, 10**15 - 1),
    title=titles,
    url=st.one_of(st.just(""), urls),
    body=bodies,
)
@example(time=1638585128000, title=r"a \[b\] &amp; c", url="https://e.com/(x)", body="<p>x</p>")
@example(time=1, title="&lt;", url="", body="")
def test_what_is_written_reads_back_as_the_same_fields(
    time: int, title: str, url: str, body: str
) -> None:
    written = format_article(ArticleFile(time, title, url, body))
    parsed = parse_article(written)
    assert parsed == ArticleFile(time, title, link_target(url) or "", body)
    assert format_article(parsed) == written


# From March 1973: a time in milliseconds before then is too small to tell from one in seconds
# (SECONDS_BELOW), and no news mirror has articles that old.
MOMENTS = st.datetimes(datetime(1973, 3, 4), datetime(2100, 1, 1), timezones=st.just(UTC))


@given(title=titles, body=bodies, moment=MOMENTS)
def test_a_projected_article_reads_back_as_its_revision(
    title: str, body: str, moment: datetime
) -> None:
    url = "https://www.voachinese.com/a/6339221.html"
    revision = _revision(title, url, iso(moment), body)
    parsed = parse_article(render_article(revision, ImagePolicy("original")))
    assert parsed is not None
    assert (parsed.time, parsed.title, parsed.url) == (epoch_ms(revision.time), title, url)
    assert parsed.moment is not None and epoch_ms(parsed.moment) == epoch_ms(revision.time)


@pytest.mark.parametrize("path", sorted(PARSED))
def test_the_old_archive_reads_as_adopt_read_it(path: str) -> None:
    article, text, body = read_article(ARCHIVE, path.split("/")[1], path, 1 << 20, NOW)
    expected = PARSED[path]
    published = article.published.isoformat() if article.published else None
    assert (published, article.title, article.url) == (
        expected["published"],
        expected["title"],
        expected["url"],
    )
    assert hashlib.sha256(body.encode()).hexdigest() == expected["body_sha256"]
    assert text.startswith("<!--") and body in text


def test_every_file_of_the_old_archive_is_read_and_written_back_byte_for_byte() -> None:
    files = sorted(ARCHIVE.glob("articles/**/*.md"))
    assert {f.relative_to(ARCHIVE).as_posix() for f in files} == set(PARSED)
    for file in files:
        text = file.read_text(encoding="utf-8")
        parsed = parse_article(text)
        assert parsed is not None, file
        assert format_article(parsed) == text, file


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A byte-order mark, CRLF line ends, spaces in the comment, a longer rule.
        (
            "\ufeff<!-- 1638585128000 -->\r\n[t](https://e.com/1)\r\n---------\r\n\r\n<p>b</p>\r\n",
            ArticleFile(1638585128000, "t", "https://e.com/1", "<p>b</p>"),
        ),
        # No blank line after the rule; no final newline; spaces around the link target.
        (
            "<!--1-->\n[t]( https://e.com/1 )\n---\n<p>b</p>",
            ArticleFile(1, "t", "https://e.com/1", "<p>b</p>"),
        ),
        # Markdown escapes and entities in the title read as Markdown shows them; white space
        # and control characters as in a feed's title.
        (
            "<!--2-->\n[a\\*b\\_ \\[c\\] \\\\ &amp;lt; \x1b[31m  d](u)\n------\n\n\n",
            ArticleFile(2, "a*b_ [c] \\ &lt; [31m d", "u", ""),
        ),
    ],
)
def test_the_shapes_old_archives_differ_in_are_read(text: str, expected: ArticleFile) -> None:
    assert parse_article(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "# a title\n\ntext\n",
        "<!--x-->\n[t](u)\n------\n\nb\n",  # no time
        "<!--1-->\nt (u)\n------\n\nb\n",  # no link
        "<!--1-->\n[t](u)\nb\n",  # no rule
        "<!--1234567890123456-->\n[t](u)\n------\n\nb\n",  # a time of 16 digits
    ],
)
def test_what_is_not_an_article_file_is_refused(text: str) -> None:
    assert parse_article(text) is None


@pytest.mark.parametrize(
    ("time", "moment"),
    [
        (1638585128000, datetime(2021, 12, 4, 2, 32, 8, tzinfo=UTC)),  # milliseconds
        (1638585128, datetime(2021, 12, 4, 2, 32, 8, tzinfo=UTC)),  # seconds, as forks wrote
        (10**15 - 1, None),  # past the last year a datetime holds
    ],
)
def test_the_time_is_read_in_milliseconds_or_seconds(time: int, moment: datetime | None) -> None:
    assert ArticleFile(time, "", "", "").moment == moment


def _revision(title: str, url: str, published: str, html: str) -> Revision:
    return Revision(
        article="a" * 16,
        rev=1,
        source="voa",
        path="articles/voa/2021/12/04-6339221.md",
        url=url,
        guid=None,
        title=title,
        published=published,
        updated=None,
        first_seen=published,
        fetched=published,
        html=html,
        text="",
        hash="h",
        keys=(),
    )
