"""Creating an archive and editing its source list (``newsmirror.toml`` kept with its comments)."""

from __future__ import annotations

import re
from pathlib import Path

import tomlkit
from tomlkit.items import AoT, Table

from newsmirror.clean import clean_line
from newsmirror.errors import ArchiveError, ConfigError, UnknownSource
from newsmirror.publish.git import init_repository
from newsmirror.settings.config import Settings, documented_settings, env_name, parse_settings
from newsmirror.settings.sources import Source, source_from_table
from newsmirror.settings.values import CONFIG_FILE

# The publishers' own feeds; where no stable feed URL is known, the home page, resolved by
# feed autodiscovery on the first run and remembered in the state.
DEFAULT_SOURCES = (
    Source("美国之音", "voa", "https://www.voachinese.com/"),
    Source("自由亚洲电台", "rfa", "https://www.rfa.org/mandarin/"),
    Source("BBC中文网", "bbc", "https://feeds.bbci.co.uk/zhongwen/simp/rss.xml"),
    Source("德国之声", "dw", "https://rss.dw.com/rdf/rss-chi-all"),
    Source("法广", "rfi", "https://www.rfi.fr/cn/rss"),
    Source("纽约时报中文网", "nyt", "https://cn.nytimes.com/rss/"),
    Source("FT中文网", "ft", "https://www.ftchinese.com/rss/news"),
    Source("路透中文网", "reuters", "https://cn.reuters.com/"),
    Source("中国数字时代", "cdt", "https://chinadigitaltimes.net/chinese/feed/"),
)

GITIGNORE = """\
# newsmirror's caches: rebuilt from the record, never the only copy of anything
.newsmirror/
# private: reader accounts and their marks (`newsmirror users`), never published
.newsmirror-private/
# the static site (`newsmirror build`), published from its own branch or folder
_site/
# unfinished atomic writes
.tmp-*
"""


def template(sources: tuple[Source, ...] = DEFAULT_SOURCES) -> str:
    """The commented ``newsmirror.toml`` that ``init`` writes: every setting at its default."""
    lines = [
        "# newsmirror archive settings. Every setting can also be given as an environment",
        "# variable NEWSMIRROR_<SECTION>_<KEY>, e.g. NEWSMIRROR_FETCH_ALLOW_PRIVATE_NETWORKS=1.",
    ]
    section = ""
    for name, key, default, help_text in documented_settings():
        if name != section:
            lines += ["", f"[{name}]"]
            section = name
        lines.append(f"# {help_text} ({env_name(name, key)})")
        value = tomlkit.item(default).as_string()
        lines.append(f"# {key} = {value}")
    document = "\n".join(lines) + "\n"
    sources_doc = tomlkit.document()
    if sources:  # an empty array would be written as `sources = []` inside the last table
        sources_doc.add("sources", _sources_array(sources))
    return (
        f"{document}\n# Sources: name (the list's name), abbr (folder under articles/), url\n"
        "# (a feed, or a page that links to one); optional: interval, enabled, full_text\n"
        '# ("auto": fetch the page when the feed item looks cut short; "always"; "never"),\n'
        "# and group (the folder reader apps show the source in).\n"
        f"{tomlkit.dumps(sources_doc)}"
    )


def _source_table(source: Source) -> Table:
    table = tomlkit.table()
    table.add("name", source.name)
    table.add("abbr", source.abbr)
    table.add("url", source.url)
    if not source.enabled:
        table.add("enabled", False)
    if source.full_text != "auto":
        table.add("full_text", source.full_text)
    if source.group:
        table.add("group", source.group)
    return table


def _sources_array(sources: tuple[Source, ...]) -> AoT:
    array = tomlkit.aot()
    for source in sources:
        array.append(_source_table(source))
    return array


def init_archive(root: Path, sources: tuple[Source, ...] = DEFAULT_SOURCES) -> bool:
    """Create the archive at ``root``; False when one is there already (left as it is)."""
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        reason = "a file is in the way" if isinstance(error, FileExistsError) else error.strerror
        raise ConfigError(f"{root}: cannot make the archive's folder: {reason}") from None
    config = root / CONFIG_FILE
    if config.exists():
        return False
    config.write_text(template(sources), encoding="utf-8")
    gitignore = root / ".gitignore"
    existing = gitignore.read_text(encoding="utf-8") if gitignore.exists() else ""
    if ".newsmirror/" not in existing:
        gitignore.write_text(
            existing + ("\n" if existing and not existing.endswith("\n") else "") + GITIGNORE,
            encoding="utf-8",
        )
    init_repository(root)
    return True


class ConfigEditor:
    """Edits the sources of ``newsmirror.toml`` in place; saves only a valid result."""

    def __init__(self, root: Path) -> None:
        self.path = root / CONFIG_FILE
        try:
            self.document = tomlkit.parse(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ArchiveError(f"{root}: not a newsmirror archive; run `newsmirror init`") from None
        except Exception as error:  # tomlkit raises several unrelated types
            raise ConfigError(f"{self.path}: {error}; fix the file and run again") from None
        self._in_use: dict[str, dict[object, str]] | None = None

    def _array(self) -> AoT:
        if "sources" not in self.document:
            self.document.add("sources", tomlkit.aot())
        array = self.document["sources"]
        if isinstance(array, list) and not array and not isinstance(array, AoT):
            # "sources = []", as tomlkit wrote it once the last source was removed.
            del self.document["sources"]
            self.document.add("sources", tomlkit.aot())
            array = self.document["sources"]
        if not isinstance(array, AoT):
            raise ConfigError(f"{self.path}: sources must be written as [[sources]] tables")
        return array

    def _taken(self) -> dict[str, dict[object, str]]:
        """The URLs, abbreviations and names in use, each with its source's abbr: looked up once,
        so that adding n sources (an OPML import) takes time linear in n."""
        if self._in_use is None:
            self._in_use = {"url": {}, "abbr": {}, "name": {}}
            for table in self._array():
                for key, values in self._in_use.items():
                    values[table.get(key)] = str(table.get("abbr"))
        return self._in_use

    def add(self, source: Source) -> None:
        taken = self._taken()
        # The same checks as loading the file, now, so that one bad source is refused alone.
        source_from_table(_source_table(source).unwrap(), len(taken["abbr"]))
        if source.url and source.url in taken["url"]:
            raise ConfigError(f"{source.url} is already the source {taken['url'][source.url]!r}")
        if source.abbr in taken["abbr"]:
            raise ConfigError(f"a source with abbr {source.abbr!r} exists already")
        if source.name in taken["name"]:
            raise ConfigError(f"a source named {source.name!r} exists already; pass --name")
        self._array().append(_source_table(source))
        for key, value in (("url", source.url), ("abbr", source.abbr), ("name", source.name)):
            taken[key][value] = source.abbr

    def remove(self, abbr: str) -> Source:
        array = self._array()
        for index, table in enumerate(array):
            if table.get("abbr") == abbr:
                removed = Source(str(table["name"]), abbr, str(table.get("url", "")))
                del array[index]
                self._in_use = None
                if not array:  # no "sources = []" left behind: an empty list of tables
                    del self.document["sources"]
                return removed
        raise UnknownSource(f"unknown source {abbr!r}; see `newsmirror sources list`")

    def save(self) -> Settings:
        text = tomlkit.dumps(self.document)
        settings = parse_settings(tomlkit.parse(text).unwrap(), env={})
        temporary = self.path.with_suffix(".toml.tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(self.path)
        return settings


def derive_abbr(url: str, taken: set[str], numbered: dict[str, int] | None = None) -> str:
    """A free abbreviation from the URL's host: ``https://www.voachinese.com/`` → ``voachinese``.

    ``numbered`` remembers the last number given to each host, so that many feeds of one host
    (an OPML import) do not try every number again."""
    host = re.sub(r"^[a-z]+://", "", url.lower()).split("/", 1)[0].split(":", 1)[0]
    labels = [p for p in host.split(".") if p not in ("www", "feeds", "rss", "m", "cn")]
    base = (
        re.sub(r"[^a-z0-9-]+", "-", labels[0] if labels else "source").strip("-")[:28] or "source"
    )
    numbered = {} if numbered is None else numbered
    abbr, number = base, numbered.get(base, 2)
    while abbr in taken:
        abbr, number = f"{base}{number}", number + 1
    numbered[base] = number
    return abbr


def list_name(title: str) -> str:
    """A source name from a feed's title: usable as ``lists/{NAME}.md`` on any file system."""
    return re.sub(r"[/\\]+", "-", clean_line(title)).strip(" .-")[:100]
