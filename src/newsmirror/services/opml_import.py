"""Following the feeds of an OPML file as a use-case (``newsmirror sources import``)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from newsmirror.archive.archive import Archive
from newsmirror.errors import ConfigError
from newsmirror.feeds import Outline, read_opml
from newsmirror.settings.configfile import ConfigEditor, derive_abbr, list_name
from newsmirror.settings.sources import Source

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OpmlImport:
    """What importing an OPML file did."""

    path: Path
    outlines: list[Outline]  # the feeds the file lists
    added: list[Source] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (feed URL, why)
    followed: frozenset[str] = frozenset()  # the feed URLs followed before the import

    @property
    def failed(self) -> bool:
        """Nothing imported although feeds not followed yet were there, or no feed at all (a
        file of feeds all followed already is fine)."""
        return not self.added and (
            not self.outlines or any(o.xml_url not in self.followed for o in self.outlines)
        )


def import_opml(root: Path, path: Path) -> OpmlImport:
    """Add a source for each feed of the OPML file at ``path`` that the archive at ``root`` does
    not follow yet; one that cannot be added is skipped, with why."""
    editor = ConfigEditor(root)
    with Archive(root, write=False) as archive:
        existing = list(archive.settings.sources)
    try:
        outlines = read_opml(path.read_bytes(), str(path))
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror}") from None
    abbrs = {s.abbr for s in existing}
    urls = {s.url for s in existing}
    result = OpmlImport(path, outlines, followed=frozenset(urls))
    numbered: dict[str, int] = {}
    for outline in outlines:
        if outline.xml_url in urls:
            continue
        abbr = (
            outline.abbr
            if outline.abbr and outline.abbr not in abbrs
            else derive_abbr(outline.xml_url, abbrs, numbered)
        )
        source = Source(list_name(outline.title) or abbr, abbr, outline.xml_url)
        try:
            editor.add(source)
        except ConfigError as error:
            result.skipped.append((outline.xml_url, str(error)))
            continue
        log.debug("%s: added as %s", outline.xml_url, abbr)
        abbrs.add(abbr)
        urls.add(outline.xml_url)
        result.added.append(source)
    editor.save()
    return result
