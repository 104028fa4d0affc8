"""newsmirror: follow news feeds, record every article and revision, republish the archive."""

__version__ = "0.1.0"
