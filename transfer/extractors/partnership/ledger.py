"""What the staging store knows per kind: ids seen in this pass, counts, and what went away.

The shared :class:`StagingStore` answers per pass; an export needs the same per collection
(record kind), so these few read queries go to its database directly. Writes still go
through the store's own methods.
"""

from __future__ import annotations

import os
from pathlib import Path

from transfer.extractors.staging import StagingStore

COUNTS = ("exported", "new", "changed", "unchanged", "gone")


def open_private(path: Path) -> StagingStore:
    """The staging store, its file created owner-only (0600) before SQLite opens it, so its
    journal files inherit that mode: the store holds the raw export, personal data included."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
    path.chmod(0o600)
    store = StagingStore(path)
    restrict(path)
    return store


def restrict(path: Path) -> None:
    """chmod 600 the store and its WAL and shared-memory files, where they exist."""
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if name.exists():
            name.chmod(0o600)


def seen_ids(store: StagingStore, kind: str, pass_id: int) -> set[str]:
    """Ids (the part of the key after ``kind:``) of live records of ``kind`` seen in the pass."""
    prefix = len(kind) + 1
    rows = store.db.execute(
        "SELECT key FROM records WHERE kind = ? AND seen_pass = ? AND state = 'live'",
        (kind, pass_id),
    )
    return {row[0][prefix:] for row in rows}


def kind_summary(
    store: StagingStore, pass_id: int, kinds: tuple[str, ...]
) -> dict[str, dict[str, int]]:
    """Per kind: exported (live and seen in the pass), new, changed, unchanged, gone."""
    out = {kind: dict.fromkeys(COUNTS, 0) for kind in kinds}
    rows = store.db.execute(
        "SELECT kind,"
        " sum(state = 'live' AND seen_pass = :p),"
        " sum(state = 'live' AND seen_pass = :p AND first_pass = :p),"
        " sum(state = 'live' AND seen_pass = :p AND first_pass < :p AND changed_pass = :p),"
        " sum(state = 'live' AND seen_pass = :p AND changed_pass < :p),"
        " sum(gone_pass = :p)"
        " FROM records GROUP BY kind",
        {"p": pass_id},
    )
    for kind, *values in rows:
        out.setdefault(kind, dict.fromkeys(COUNTS, 0))
        out[kind] = {name: int(value or 0) for name, value in zip(COUNTS, values, strict=True)}
    return out


def mark_unseen_gone(store: StagingStore, pass_id: int) -> int:
    """Mark every live record the pass did not see as gone; returns how many."""
    keys = [
        row[0]
        for row in store.db.execute(
            "SELECT key FROM records WHERE state = 'live' AND seen_pass < ?", (pass_id,)
        )
    ]
    with store.transaction():
        return sum(store.mark_gone(key, pass_id) for key in keys)
