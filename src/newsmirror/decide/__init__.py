"""The decision layer: pure functions from (what the archive has, what came) to intents.

Nothing here reads or writes anything; callers look things up, hand them over as plain data,
and pass the intents returned to ``ingest.apply.apply_intents``, which carries them out.

- ``verdict``: what a feed item is next to what the index knows (new, revised, unchanged, ...)
- ``items``: which feed items go on to their pages, and what each then asks of the archive
- ``recheck``: what another look at an article's page says (edited, removed, restored, ...)
- ``intents``: what decisions ask for
"""
