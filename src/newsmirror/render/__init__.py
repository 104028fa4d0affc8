"""HTML pages of the archive: page addresses, templates, the stylesheet; shared by the web
reader and the static site."""
