"""A canonical dump of the KEHA tables, for comparing two targets (or one target twice).

Surrogate ids differ between two loads of the same rows (sequences, retries), so the dump
drops ``id`` and writes every reference as the provenance of the row it points at; rows
are sorted by their JSON form, so two targets holding the same rows dump identically.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select

from transfer.schema import metadata

Dump = dict[str, list[str]]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return value


def canonical_dump(engine: Engine, *, ignore: frozenset[str] = frozenset()) -> Dump:
    """Every KEHA table as sorted JSON lines; ``ignore`` names columns (``table.column``)
    to leave out, such as times a run stamps."""
    with engine.connect() as connection:
        provenance: dict[str, dict[int, list[str]]] = {}
        for table in metadata.sorted_tables:
            provenance[table.name] = {
                int(row.id): [row.source_system, row.source_key]
                for row in connection.execute(
                    select(table.c.id, table.c.source_system, table.c.source_key)
                )
            }
        dump: Dump = {}
        for table in metadata.sorted_tables:
            references = {key.parent.name: key.column.table.name for key in table.foreign_keys}
            lines = []
            for row in connection.execute(select(table)).mappings():
                shown: dict[str, Any] = {}
                for name, value in row.items():
                    if name == "id" or f"{table.name}.{name}" in ignore:
                        continue
                    if name in references and value is not None:
                        shown[name] = provenance[references[name]][int(value)]
                    else:
                        shown[name] = _plain(value)
                lines.append(json.dumps(shown, sort_keys=True, ensure_ascii=False))
            dump[table.name] = sorted(lines)
    return dump
