"""Unique slots beyond provenance, and who may take one over.

Many KEHA tables keep more unique than their provenance: a translation's (item, language)
and its ``new_path``, a redirect's old address, an asset's ``new_path``. When a page moves
at the source, the record with its new URL needs the slots the record with the old URL
held. The rule: **a live record's row takes over a unique slot held by a row of a
withdrawn record.** The holder is withdrawn when its record is gone from the mapped store
(or now skipped by a rule), when its id-map status is unpublished or deleted, or when the
row belongs to no record and is unpublished (a translation an update already retired). Its
row is deleted like every other delete, journalled so that ``transfer rollback`` restores
it, and dropped from the withdrawn record's id-map target ids, so that a later unpublish
or comeback of that record does not look for it.

A slot held by a row of a **live** record is a conflict between two live records (a
mapping error): the record fails with a message naming both. When the holder is live but
this load has still to update it (it may be giving the slot up), the record is retried
after it instead. The order of the records therefore does not matter: the holder may be
retired before or after the record that takes its slot, in this load or an earlier one.

The slots come from the tables' unique constraints and unique indexes, not from a list.
The check runs when a write hit a constraint (see :mod:`transfer.loaders.writer`): a batch
that writes without a clash needs no lookups.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any, Protocol

from sqlalchemy import Connection, Index, Table, UniqueConstraint, select

from transfer.loaders import idmap
from transfer.loaders.decide import decide, removal
from transfer.loaders.idmap import IdMapEntry, Key, TargetIds
from transfer.loaders.journal import LoadJournal, delete_row
from transfer.loaders.rows import STATEFUL_TABLES, UNIQUE_TABLES, provenance
from transfer.loaders.tables import Work
from transfer.schema import metadata
from transfer.stores.mapped import MappedRow, Ref, SourceEntry

Slot = tuple[str, ...]
_PROVENANCE = frozenset({"source_system", "source_key"})


def _slots(table: Table) -> tuple[Slot, ...]:
    found: set[Slot] = set()
    for item in (*table.constraints, *table.indexes):
        unique = isinstance(item, UniqueConstraint) or (isinstance(item, Index) and item.unique)
        if not unique:
            continue
        columns = tuple(column.name for column in item.columns)  # type: ignore[attr-defined]
        if columns and set(columns) != _PROVENANCE:
            found.add(columns)
    return tuple(sorted(found))


#: Per table, the column sets it keeps unique besides its provenance.
SLOTS: dict[str, tuple[Slot, ...]] = {
    name: slots for name, table in metadata.tables.items() if (slots := _slots(table))
}


class Records(Protocol):
    """What the guard needs of the mapped store (:class:`MappedSource` has it)."""

    def get_many(self, keys: Iterable[Key]) -> dict[Key, SourceEntry]: ...


class SlotTaken(Exception):
    """A unique slot a record needs is held by a live record's row."""

    def __init__(self, message: str, *, retry: bool) -> None:
        super().__init__(message)
        #: The holder is still to be written by this load: try the record again after it.
        self.retry = retry


class SlotGuard:
    """Frees the unique slots a batch's rows need, in the batch's transaction."""

    def __init__(
        self, connection: Connection, log: LoadJournal, run_id: str, records: Records
    ) -> None:
        self.connection, self.log, self.run_id, self.records = connection, log, run_id, records
        #: Rows removed from each owner's target ids, and the owners' entries before.
        self.dropped: dict[Key, set[tuple[str, int]]] = {}
        self.owners: dict[Key, IdMapEntry] = {}
        #: Why owners still live in the id map are withdrawn (gone, or now skipped).
        self.retiring: dict[Key, str] = {}

    def clear(
        self, table: Table, items: list[tuple[Work, MappedRow]], ids: Mapping[Ref, int]
    ) -> None:
        """Remove withdrawn records' rows holding slots that ``items`` need; raise SlotTaken
        when a live record's row holds one."""
        slots = SLOTS.get(table.name, ())
        if not slots:
            return
        own = {provenance(row.values) for _, row in items}
        for work, row in items:
            for slot in slots:
                wanted = _slot_values(table, slot, row.values, ids)
                if wanted is None:
                    continue
                query = select(table).where(
                    *(table.c[c] == v for c, v in zip(slot, wanted, strict=True))
                )
                for holder in [dict(r) for r in self.connection.execute(query).mappings()]:
                    if provenance(holder) in own and table.name in UNIQUE_TABLES:
                        continue  # the row this write updates (or a swap the database judges)
                    self._take(table, slot, holder, work, row)

    def _take(
        self, table: Table, slot: Slot, holder: dict[str, Any], work: Work, row: MappedRow
    ) -> None:
        # The id map as stored before this batch: what it saves comes at its end.
        owners = idmap.owners_of(self.connection, table.name, int(holder["id"]))
        if not owners and not (table.name in STATEFUL_TABLES and holder["state"] == "unpublished"):
            raise SlotTaken(
                f"{_slot_text(table, slot, row)} is held by {table.name} row "
                f"{holder['source_system']}:{holder['source_key']}, which no loaded record "
                f"owns; record {_key_text(work.entry.key)} cannot take it",
                retry=False,
            )
        for owner in owners:
            standing = self._standing(owner, work)
            if standing == "withdrawn":
                continue
            text = (
                f"{_slot_text(table, slot, row)} is held by {table.name} row "
                f"{holder['source_system']}:{holder['source_key']} of "
                f"{'record' if standing == 'pending' else 'live record'} "
                f"{_key_text(owner.key)}"
            )
            if standing == "pending":
                raise SlotTaken(
                    f"{text}, which this load has still to write; record "
                    f"{_key_text(work.entry.key)} waits for it",
                    retry=True,
                )
            raise SlotTaken(
                f"{text}; record {_key_text(work.entry.key)} needs it too: two live records "
                "map to the same unique slot, a mapping error",
                retry=False,
            )
        mark = len(self.log.entries)
        delete_row(self.connection, self.log, table.name, int(holder["id"]))
        removed = {
            (str(e["table_name"]), int(e["row_id"]))
            for e in self.log.entries[mark:]
            if e["action"] == "deleted"
        }
        for owner in owners:
            self.owners.setdefault(owner.key, owner)
            self.dropped.setdefault(owner.key, set()).update(removed)

    def _standing(self, owner: IdMapEntry, work: Work) -> str:
        """withdrawn, pending (live, to be written later in this load) or live."""
        if owner.key == work.entry.key:
            return "withdrawn"  # the record's own earlier row, which it no longer writes
        if owner.status in ("unpublished", "deleted"):
            return "withdrawn"
        stored = self.records.get_many([owner.key]).get(owner.key)
        if stored is None or stored.status == "skipped":
            self.retiring[owner.key] = (
                "gone from the source"
                if stored is None
                else f"now skipped: {stored.reason or stored.status}"
            )
            return "withdrawn"
        if owner.run_id != self.run_id and decide(stored, owner).action != "unchanged":
            return "pending"
        return "live"

    def kept(self, key: Key, ids: TargetIds) -> TargetIds:
        """``ids`` without the rows this batch took over from record ``key``."""
        gone = self.dropped.get(key)
        return ids if not gone else tuple(pair for pair in ids if pair not in gone)

    def released(self, written: set[Key]) -> list[IdMapEntry]:
        """The entries before the batch of owners not written by it, whose rows it took."""
        return [entry for key, entry in sorted(self.owners.items()) if key not in written]

    def after(self, entry: IdMapEntry) -> IdMapEntry:
        """``entry`` without the rows taken over from it. A withdrawn record left with no
        rows gets the status its removal would have given it (the removal pass no longer
        sees it), so the id map ends the same whichever came first."""
        remaining = self.kept(entry.key, entry.target_ids)
        after = replace(entry, targets_json=idmap.encode_ids(remaining))
        why = self.retiring.get(entry.key)
        if remaining or why is None:
            return after
        action = removal(entry, why).action
        return replace(
            after, status="unpublished" if action == "unpublish" else "deleted", reason=why
        )


def _slot_values(
    table: Table, slot: Slot, values: Mapping[str, Any], ids: Mapping[Ref, int]
) -> tuple[Any, ...] | None:
    """The slot's values as the row will hold them, or None when one is NULL (NULLs never
    clash) or not known yet."""
    found = []
    for column in slot:
        value = values.get(column)
        if column not in values:
            default = table.c[column].default
            value = default.arg if default is not None and default.is_scalar else None  # type: ignore[attr-defined]
        if isinstance(value, Ref):
            value = ids.get(value)
        if value is None:
            return None
        found.append(value)
    return tuple(found)


def _slot_text(table: Table, slot: Slot, row: MappedRow) -> str:
    shown = []
    for column in slot:
        value = row.values.get(column)
        shown.append(
            f"{value.table} {value.source_system}:{value.source_key}"
            if isinstance(value, Ref)
            else repr(value)
        )
    return f"{table.name} ({', '.join(slot)}) = ({', '.join(shown)})"


def _key_text(key: Key) -> str:
    return f"{key[0]}:{key[1]}"
