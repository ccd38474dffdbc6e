"""The crawl frontier: URLs still to fetch in this pass, kept in the staging store.

Discovered URLs are added in the same transaction as the page that found them, and a URL
is marked done in the same transaction as its record, so after a crash the frontier holds
exactly the URLs whose results were not yet saved.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

#: The frontier's table in the staging store's schema.
FRONTIER_SCHEMA = """
CREATE TABLE IF NOT EXISTS frontier (
  url TEXT PRIMARY KEY, depth INTEGER NOT NULL, via TEXT, state TEXT NOT NULL,
  pass INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS frontier_pending ON frontier (state, depth, url);
"""


@dataclass(frozen=True)
class Entry:
    url: str
    depth: int
    via: str | None


class Frontier:
    """The frontier of one staging store (:attr:`StagingStore.frontier`), on its connection,
    so its writes join the store's transactions."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def clear(self) -> None:
        self.db.execute("DELETE FROM frontier")

    def add(self, url: str, depth: int, via: str | None, pass_id: int) -> bool:
        """Queue ``url`` unless this pass already has it; returns whether it was new."""
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO frontier (url, depth, via, state, pass) "
            "VALUES (?, ?, ?, 'pending', ?)",
            (url, depth, via, pass_id),
        )
        return cursor.rowcount > 0

    def take(self, limit: int, exclude: set[str]) -> list[Entry]:
        """Up to ``limit`` pending entries, shallowest first, skipping ``exclude``."""
        rows = self.db.execute(
            "SELECT url, depth, via FROM frontier WHERE state = 'pending' "
            "ORDER BY depth, url LIMIT ?",
            (limit + len(exclude),),
        )
        entries = [Entry(url, depth, via) for url, depth, via in rows if url not in exclude]
        return entries[:limit]

    def finish(self, url: str, state: str = "done") -> None:
        self.db.execute("UPDATE frontier SET state = ? WHERE url = ?", (state, url))

    def known(self, url: str) -> bool:
        return (
            self.db.execute("SELECT 1 FROM frontier WHERE url = ?", (url,)).fetchone() is not None
        )

    def urls(self) -> set[str]:
        """Every URL this pass has queued, done or not."""
        return {row[0] for row in self.db.execute("SELECT url FROM frontier")}

    def pending(self) -> int:
        return int(
            self.db.execute("SELECT count(*) FROM frontier WHERE state = 'pending'").fetchone()[0]
        )

    def size(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM frontier").fetchone()[0])
