"""What a rollback needs, and retiring rows so that nothing vanishes unrecorded.

A run writes to ``load_journal`` in the same transaction as the rows: the ids it created,
the earlier values of rows it updated or deleted, and the earlier id-map entries.
Deleting a row never leaves it to the database's ``ON DELETE`` rules: rows that would
cascade are deleted (and journalled) first, references that would be set to NULL are
updated (and journalled) first, and a row still needed by a RESTRICT reference is refused.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Connection, Table, select

from transfer.loaders.bulk import insert_many
from transfer.loaders.rows import STATEFUL_TABLES, table_of
from transfer.schema import metadata
from transfer.schema.bookkeeping import journal
from transfer.stores.mapped import decode_value, encode_value


class RowInUse(Exception):
    """A row cannot be deleted: another record's row still refers to it (RESTRICT)."""


def _referrers() -> dict[str, list[tuple[Table, Column[Any], str]]]:
    found: dict[str, list[tuple[Table, Column[Any], str]]] = defaultdict(list)
    for table in metadata.sorted_tables:
        for key in table.foreign_keys:
            rule = (key.ondelete or "NO ACTION").upper()
            found[key.column.table.name].append((table, key.parent, rule))
    return found


REFERRERS = _referrers()


def encode_row(row: dict[str, Any]) -> str:
    return json.dumps(encode_value(row), sort_keys=True, ensure_ascii=False)


def decode_row(text: str) -> dict[str, Any]:
    value = decode_value(json.loads(text))
    assert isinstance(value, dict)
    return value


class LoadJournal:
    """LoadJournal entries of one run, written with the batch that caused them."""

    def __init__(self, run_id: str) -> None:
        self.run_id = run_id
        self.entries: list[dict[str, Any]] = []

    def _add(self, action: str, table: str, row_id: int | None, before: str | None) -> None:
        self.entries.append(
            {
                "run_id": self.run_id,
                "action": action,
                "table_name": table,
                "row_id": row_id,
                "before": before,
            }
        )

    def created(self, table: str, row_id: int) -> None:
        self._add("created", table, row_id, None)

    def updated(self, table: str, before: dict[str, Any]) -> None:
        self._add("updated", table, int(before["id"]), encode_row(before))

    def deleted(self, table: str, before: dict[str, Any]) -> None:
        self._add("deleted", table, int(before["id"]), encode_row(before))

    def idmap(self, before: dict[str, Any] | None, key: tuple[str, str]) -> None:
        """The id-map entry of ``key`` before the run (None: it had none)."""
        if before is None:
            # What encode_row gives for this payload (plain strings, keys sorted), without
            # its walk: most records of a first load have no entry before.
            payload = {"record_key": key[1], "source_system": key[0]}
            self._add("idmap", "load_id_map", None, json.dumps(payload, ensure_ascii=False))
        else:
            self._add("idmap", "load_id_map", 1, encode_row(before))

    def flush(self, connection: Connection) -> None:
        if self.entries:
            insert_many(connection, journal, self.entries)
            self.entries = []


def _row(connection: Connection, table: Table, row_id: int) -> dict[str, Any] | None:
    found = connection.execute(select(table).where(table.c.id == row_id)).mappings().first()
    return None if found is None else dict(found)


def delete_row(connection: Connection, log: LoadJournal, table_name: str, row_id: int) -> None:
    """Delete one row and, first, everything its foreign keys' rules would touch."""
    table = table_of(table_name)
    before = _row(connection, table, row_id)
    if before is None:
        return  # already gone (e.g. through an earlier cascade in this batch)
    for child, column, rule in REFERRERS.get(table_name, []):
        dependants = connection.execute(
            select(child).where(column == row_id).order_by(child.c.id)
        ).mappings()
        for dependant in [dict(row) for row in dependants]:
            if child.name == table_name and dependant["id"] == row_id:
                continue
            if rule == "CASCADE":
                delete_row(connection, log, child.name, int(dependant["id"]))
            elif rule == "SET NULL":
                log.updated(child.name, dependant)
                connection.execute(
                    child.update().where(child.c.id == dependant["id"]).values({column.name: None})
                )
            else:
                raise RowInUse(
                    f"{table_name} row {before['source_system']}:{before['source_key']} is "
                    f"still used by {child.name} row {dependant['source_system']}:"
                    f"{dependant['source_key']}"
                )
    log.deleted(table_name, before)
    connection.execute(table.delete().where(table.c.id == row_id))


def referenced(connection: Connection, table_name: str, row_id: int) -> bool:
    """Whether any row refers to row ``row_id`` of ``table_name``."""
    for child, column, _ in REFERRERS.get(table_name, []):
        query = select(child.c.id).where(column == row_id)
        if child.name == table_name:
            query = query.where(child.c.id != row_id)
        if connection.execute(query.limit(1)).first() is not None:
            return True
    return False


def unpublish_row(
    connection: Connection, log: LoadJournal, table_name: str, row_id: int, now: datetime
) -> None:
    """Set a content row's state to unpublished (and when, where the table says so)."""
    table = table_of(table_name)
    before = _row(connection, table, row_id)
    if before is None or before["state"] == "unpublished":
        return
    log.updated(table_name, before)
    values: dict[str, Any] = {"state": "unpublished"}
    if "unpublished_at" in table.c:
        values["unpublished_at"] = now
    connection.execute(table.update().where(table.c.id == row_id).values(values))


def retire_row(
    connection: Connection, log: LoadJournal, table_name: str, row_id: int, now: datetime
) -> None:
    """Unpublish a row of a table with a state, delete any other (the removal policy)."""
    if table_name in STATEFUL_TABLES:
        unpublish_row(connection, log, table_name, row_id, now)
    else:
        delete_row(connection, log, table_name, row_id)
