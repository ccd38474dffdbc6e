"""What a record needs: the one rule shared by a load and by its ``--plan``."""

from __future__ import annotations

from dataclasses import dataclass

from transfer.loaders.idmap import IdMapEntry
from transfer.loaders.rows import STATEFUL_TABLES
from transfer.stores.mapped import SourceEntry

#: create/update write rows; unpublish/delete retire them; skip and fail record the map
#: stage's verdict; unchanged records are not touched at all.
ACTIONS = ("create", "update", "unchanged", "unpublish", "delete", "skip", "fail")


@dataclass(frozen=True)
class Decision:
    action: str
    reason: str = ""
    #: The id map needs writing although no KEHA row changes (a new skip or failure).
    record_only: bool = False


def removal(known: IdMapEntry, reason: str) -> Decision:
    """Unpublish when the record has publishable rows (content), else delete its rows."""
    if any(table in STATEFUL_TABLES for table, _ in known.target_ids):
        return Decision("unpublish", reason)
    return Decision("delete", reason)


def decide(entry: SourceEntry, known: IdMapEntry | None, *, rewrite: bool = False) -> Decision:
    """The action for a record of the mapped store, given its id-map entry (if any);
    ``rewrite`` (``load --update``) writes a current record's rows again though unchanged."""
    if entry.status == "mapped":
        if known is None or not known.has_targets:
            return Decision("create", "new record" if known is None else f"was {known.status}")
        if known.current and known.rows_hash == entry.rows_hash:
            return Decision("update", "--update") if rewrite else Decision("unchanged")
        if known.current:
            return Decision("update", "rows changed")
        return Decision("update", f"was {known.status}")
    reason = entry.reason or entry.status
    if entry.status == "skipped":
        if known is not None and known.live:
            return removal(known, f"now skipped: {reason}")
        # A record already retired stays so (its entry keeps the rows for a comeback).
        same = known is not None and (
            known.status in ("unpublished", "deleted")
            or (known.status == "skipped" and known.reason == reason)
        )
        return Decision("skip", reason, record_only=not same)
    # Failed at the map stage: the target keeps what it had; the failure is recorded.
    same = known is not None and known.status == "failed" and known.reason == reason
    return Decision("fail", reason, record_only=not same)


def gone(known: IdMapEntry) -> Decision:
    """The action for a live record the mapped store no longer holds."""
    return removal(known, "gone from the source")
