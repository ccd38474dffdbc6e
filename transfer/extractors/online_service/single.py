"""``transfer extract online-service --url URL``: one page, as the crawl would record it.

Scrapy's ``parse`` for this toolkit: the crawl's own worker fetches the page and applies
the profile (kind, language, fields, links, attachments), so what is printed is exactly
what a crawl would stage. Nothing is written: not the staging store, not the workspace's
blob store (bodies go to a temporary one), and no other URL is requested (robots.txt and
sitemaps are not read, links are listed, not followed).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from transfer.config import Settings
from transfer.errors import ConfigError, ExtractionError
from transfer.extractors.http import HttpClient
from transfer.extractors.online_service.fetch import Task, Worker
from transfer.extractors.online_service.profile import Profile
from transfer.stores.blobs import BlobStore


def fetch_one(settings: Settings, profile: Profile, url: str) -> dict[str, Any]:
    """Fetch ``url`` (a page or attachment of the site, or its address on the fetch base)
    and return what the crawl would make of it: the outcome, the status, the record (for a
    page or an attachment) and the links the crawl would follow. Raises ConfigError for a
    URL not on the site, ExtractionError when the fetch fails or the page is gone."""
    fetch_base = settings.online_service.fetch_base
    rules = profile.urls
    key = rules.normalise(rules.from_fetch(url, fetch_base, rules.root + "/"))
    if key is None:
        raise ConfigError(
            f"{url} is not an address of the site this profile crawls ({rules.root})",
            next_step=f"give a URL under {rules.root} (or its path on the fetch base)",
        )
    client = HttpClient(settings.http)
    with tempfile.TemporaryDirectory(prefix="transfer-parse-") as scratch:
        outcome = Worker(profile, client, BlobStore(Path(scratch)), fetch_base).run(
            Task(key, depth=0, via=None)
        )
    if outcome.kind in ("failed", "gone"):
        raise ExtractionError(
            f"{key}: {outcome.reason}"
            + (f" (HTTP {outcome.status})" if str(outcome.status) not in outcome.reason else ""),
            where=url,
            next_step="check the URL (and --fetch-base); a crawl would record it as "
            + ("gone" if outcome.kind == "gone" else "failed"),
        )
    return {
        "key": key,
        "outcome": outcome.kind,
        "status": outcome.status,
        "redirect_to": outcome.target,
        "folded_into": outcome.fold_into,
        "record": outcome.record.to_dict() if outcome.record is not None else None,
        "discovered": list(outcome.discovered),
    }
