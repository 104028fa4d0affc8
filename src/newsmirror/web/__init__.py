"""The web reader (ASGI): pages, search, feeds and the JSON API over a read-only archive."""
