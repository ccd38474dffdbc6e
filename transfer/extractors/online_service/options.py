"""What a crawl needs from the settings, read in one place so tests can build it directly."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

from transfer.config import HttpSettings, Settings
from transfer.workspace import Workspace


@dataclass(frozen=True)
class CrawlOptions:
    """Plain values of one online-service crawl: how politely to fetch, where to fetch
    from (``fetch_base`` stands in for the site's own address when set), the workspace
    holding the staging store and blobs, and how many processes parse the pages (0 or 1:
    the crawl's own)."""

    http: HttpSettings
    fetch_base: str
    workspace: Workspace
    parse_workers: int = 1

    @classmethod
    def from_settings(cls, settings: Settings, *, concurrency: int | None = None) -> CrawlOptions:
        http = (
            settings.http
            if concurrency is None
            else replace(settings.http, concurrency=concurrency)
        )
        return cls(
            http=http,
            fetch_base=settings.online_service.fetch_base,
            workspace=Workspace.from_settings(settings),
            parse_workers=(
                os.cpu_count() or 1
                if settings.online_service.parse_workers is None
                else settings.online_service.parse_workers
            ),
        )
