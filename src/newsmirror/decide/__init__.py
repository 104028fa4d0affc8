"""The decision layer: pure functions from (what the archive has, what came) to intents.

Nothing here reads or writes anything; callers look things up, hand them over as plain data,
and pass the intents returned to ``apply.apply_intents``, which carries them out.

- ``identity``: what identifies an article (keys, id)
- ``fulltext``: whether a feed item is a teaser whose page must be fetched
- ``verdict``: what a feed item is next to what the index knows (new, revised, unchanged, ...)
- ``items``: which feed items go on to their pages, and what each then asks of the archive
- ``recheck``: what another look at an article's page says (edited, removed, restored, ...)
- ``intents``: what decisions ask for
"""

from .fulltext import needs_page
from .identity import PATH_KEY, article_id, identity_keys, unreliable_guids
from .verdict import MAX_PAGE_ATTEMPTS, Known, Verdict

__all__ = [
    "MAX_PAGE_ATTEMPTS",
    "PATH_KEY",
    "Known",
    "Verdict",
    "article_id",
    "identity_keys",
    "needs_page",
    "unreliable_guids",
]
