"""newsmirror's one exception tree.

Every error newsmirror raises on purpose derives from ``NewsmirrorError`` and carries a one-line
message that names the input and says what to do; the CLI prints ``str(error)`` and never a
traceback.

    NewsmirrorError
    ├── ConfigError          newsmirror.toml or an environment override is invalid
    │   ├── UnknownSource    a command named a source the archive does not have
    │   └── RefusedInput     a folder or file given to a command cannot be used (adopt)
    ├── ArchiveError         the folder is not an archive, or cannot be used as one
    │   ├── ArchiveBusy      another newsmirror process holds the archive's lock
    │   ├── UnknownArticle   a command named an article the archive does not have
    │   └── StoreError       a store (state, search index) cannot be read or written
    │       ├── DiskFull     a cache could not be written for want of space (the file is named)
    │       └── DamagedCache a cache is damaged or not of our making (rebuilt from the record)
    ├── FetchError           an HTTP request failed (``url`` says which)
    │   ├── BlockedAddress   the host resolves to a private or local address
    │   ├── ConnectFailed    DNS failure, refused or reset connection, proxy failure
    │   ├── FetchTimeout     the request's total deadline passed
    │   ├── HTTPStatus       a 4xx/5xx answer after retries (``status`` says which)
    │   ├── ResponseTooLarge the body passed the size cap after decompression
    │   └── TooManyRedirects the redirect limit was reached
    ├── FeedError            a response could not be read as a feed (``url`` says which)
    │   ├── NotAFeed         HTML or other content with no feed in it
    │   ├── MalformedFeed    broken XML or JSON that yields nothing
    │   └── HostileFeed      entity declarations (XML bombs, external entities)
    ├── RecordError          a record file cannot be read or appended to
    ├── StoreError           the shared database cannot be reached or used (its URL is named)
    │   ├── SchemaMismatch   the database's schema is older or newer than this newsmirror's
    │   └── Conflict         another process recorded the same revision or path first
    └── PublishError         a git commit or push failed
"""

from __future__ import annotations


class NewsmirrorError(Exception):
    """Base of every error newsmirror raises on purpose."""


class ConfigError(NewsmirrorError):
    """The configuration file or an environment override is invalid."""


class UnknownSource(ConfigError):
    """A command named a source the archive does not have."""


class RefusedInput(ConfigError):
    """A folder or file given to a command cannot be used as it is; nothing was written."""


class ArchiveError(NewsmirrorError):
    """The folder is not a newsmirror archive or cannot be used as one."""


class ArchiveBusy(ArchiveError):
    """Another newsmirror process holds the archive's lock."""


class UnknownArticle(ArchiveError):
    """A command named an article the archive does not have."""


class StoreError(ArchiveError):
    """A store (the state and article index, the search index, the shared PostgreSQL database)
    cannot be reached, read or written; the message names it (a database by its URL without the
    password) and says what to do. Every store method may raise it (store.protocols)."""


class DiskFull(StoreError):
    """A cache could not be written: the disk is full."""


class DamagedCache(StoreError):
    """A cache is damaged, or its tables are not the ones this version makes; it is deleted
    and rebuilt from the record when the archive is opened."""


class FetchError(NewsmirrorError):
    """An HTTP request failed."""

    def __init__(self, url: str, message: str) -> None:
        super().__init__(f"{url}: {message}")
        self.url = url
        self.reason = message


class BlockedAddress(FetchError):
    """The host resolves to an address that is not public."""


class ConnectFailed(FetchError):
    """The connection could not be made (DNS, refused, reset, proxy)."""


class FetchTimeout(FetchError):
    """The request's total deadline passed."""


class HTTPStatus(FetchError):
    """The server answered with an error status."""

    def __init__(self, url: str, status: int, retry_after: float | None = None) -> None:
        super().__init__(url, f"HTTP {status}")
        self.status = status
        self.retry_after = retry_after


class ResponseTooLarge(FetchError):
    """The response body passed the size cap."""


class TooManyRedirects(FetchError):
    """The redirect limit was reached."""


class FeedError(NewsmirrorError):
    """A response could not be read as a feed."""

    def __init__(self, url: str, message: str) -> None:
        super().__init__(f"{url}: {message}")
        self.url = url
        self.reason = message

    def __reduce__(self) -> tuple[type[FeedError], tuple[str, str]]:
        # Feeds are parsed in worker processes; the error must cross back intact.
        return (type(self), (self.url, self.reason))


class NotAFeed(FeedError):
    """The document is not a feed and links to none."""


class MalformedFeed(FeedError):
    """The document is broken beyond recovery."""


class HostileFeed(FeedError):
    """The document declares entities (XML bomb or external entity attack)."""


class RecordError(NewsmirrorError):
    """A record file cannot be read or appended to."""


class SchemaMismatch(StoreError):
    """The database's schema is of another version than this newsmirror's."""


class Conflict(StoreError):
    """The shared database refused a batch because another process recorded the same revision
    (or took the same path) first; nothing of the batch was kept. Try the source again later:
    it is no failure of the source."""


class PublishError(NewsmirrorError):
    """A git operation failed."""
