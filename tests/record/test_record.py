from __future__ import annotations

from pathlib import Path

import pytest

from newsmirror.errors import RecordError
from newsmirror.record.log import RecordLog
from newsmirror.record.model import Revision


def revision(n: int, source: str = "voa", fetched: str = "2026-11-28T08:00:00Z") -> Revision:
    return Revision(
        article=f"a{n}",
        rev=1,
        source=source,
        path=f"articles/{source}/{n}.md",
        url=f"https://example.com/{n}",
        guid=None,
        title=f"标题 {n}",
        published=None,
        updated=None,
        first_seen=fetched,
        fetched=fetched,
        html=f"<p>{n}</p>",
        text=str(n),
        hash=f"h{n}",
        keys=(f"url:example.com/{n}",),
    )


def test_append_and_read_back_in_order(tmp_path: Path) -> None:
    log = RecordLog(tmp_path)
    entries = log.append([revision(1), revision(2), revision(3, source="bbc")])
    assert [e.file for e in entries] == ["record/voa/2026-11.jsonl"] * 2 + [
        "record/bbc/2026-11.jsonl"
    ]
    assert [e.revision for e in log.read_all()] == [revision(3, "bbc"), revision(1), revision(2)]
    assert log.read_at(entries[1].file, entries[1].offset) == revision(2)


def test_month_partition_follows_fetch_time(tmp_path: Path) -> None:
    log = RecordLog(tmp_path)
    log.append([revision(1, fetched="2026-10-31T23:59:59Z"), revision(2)])
    assert log.files() == ["record/voa/2026-10.jsonl", "record/voa/2026-11.jsonl"]


def test_torn_tail_is_skipped_then_cut_by_next_append(tmp_path: Path) -> None:
    log = RecordLog(tmp_path)
    log.append([revision(1)])
    path = tmp_path / "record/voa/2026-11.jsonl"
    good = path.read_bytes()
    torn = revision(2).to_json().encode()[:40]  # a crash in the middle of a write
    path.write_bytes(good + torn)
    assert [e.revision.article for e in log.read_all()] == ["a1"]
    entries = log.append([revision(3)])
    assert entries[0].offset == len(good)
    assert [e.revision.article for e in log.read_all()] == ["a1", "a3"]
    assert path.read_bytes().count(b"\n") == 2


def test_unknown_fields_survive_a_round_trip() -> None:
    line = revision(1).to_json().replace('"schema":1,', '"schema":1,"later_field":[1,2],')
    parsed = Revision.from_json(line)
    assert parsed.extra == {"later_field": [1, 2]}
    assert Revision.from_json(parsed.to_json()) == parsed


def test_a_corrupt_line_in_the_middle_names_file_and_offset(tmp_path: Path) -> None:
    log = RecordLog(tmp_path)
    log.append([revision(1)])
    path = tmp_path / "record/voa/2026-11.jsonl"
    path.write_bytes(path.read_bytes() + b"{not json\n")
    with pytest.raises(RecordError, match=r"record/voa/2026-11.jsonl at byte \d+"):
        list(log.read_all())
