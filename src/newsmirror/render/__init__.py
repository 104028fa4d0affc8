"""Presentation as pure formatters: the naming rules and page scheme (``paths``), the mirror
format written and read (``mirror_format``), HTML pages (``pages``, the templates, the
stylesheet), the feeds (``syndication``, ``feed_writers``). Nothing here reads the archive or
writes a file: ``library`` answers the reads (``views.Shelves``), ``project`` writes."""
