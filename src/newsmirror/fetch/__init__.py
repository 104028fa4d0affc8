"""newsmirror's one async HTTP client, for feeds, pages and images.

    async with Fetcher(settings.fetch) as fetcher:
        response = await fetcher.get(url, validators=stored)
        if not response.not_modified:
            store(response.content, response.validators)

``get`` raises only ``newsmirror.errors.FetchError`` subclasses. It sends conditional GETs,
limits concurrency overall and per host, retries with back-off, enforces one deadline and a
size cap per request, follows redirects, and refuses private addresses at connect time (see
``guard``) unless ``[fetch] allow_private_networks`` or ``allowed_networks`` say otherwise.
"""

from newsmirror.fetch.client import Fetcher
from newsmirror.fetch.models import Exchange, Getter, Response, Validators

__all__ = ["Exchange", "Fetcher", "Getter", "Response", "Validators"]
