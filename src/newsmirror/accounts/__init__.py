"""Reader accounts and their read and starred marks: the archive's one private, durable data.

Everything else in an archive is the record or rebuilt from it; accounts and marks are neither.
They live in their own file outside the published tree and the caches (``sqlite.PRIVATE_DIR``),
behind the protocols of ``protocols.py``, with an append-only history of every mark change.
"""
