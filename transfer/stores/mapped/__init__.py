"""The mapped store: the map stage's output and the contract the loaders and the
verification read (they depend on this package, not on :mod:`transfer.mappers`).

:mod:`~transfer.stores.mapped.rows` holds the values (records, rows, references by
provenance and their JSON form), :mod:`~transfer.stores.mapped.store` the store the map
stage writes, :mod:`~transfer.stores.mapped.reader` the read-only view loaders page through.
Only the last two touch the store's tables.
"""

from transfer.stores.mapped.reader import Key, MappedReader, SourceEntry
from transfer.stores.mapped.rows import (
    STATUSES,
    EncodedRecord,
    MappedRecord,
    MappedRow,
    Note,
    RecordId,
    Ref,
    SharedKey,
    decode_rows,
    decode_value,
    encode_record,
    encode_rows,
    encode_value,
)
from transfer.stores.mapped.store import (
    MappedStore,
    attached_records_sql,
    attached_rows_sql,
    encode_notes,
)

__all__ = [
    "STATUSES",
    "EncodedRecord",
    "Key",
    "MappedReader",
    "MappedRecord",
    "MappedRow",
    "MappedStore",
    "Note",
    "RecordId",
    "Ref",
    "SharedKey",
    "SourceEntry",
    "attached_records_sql",
    "attached_rows_sql",
    "decode_rows",
    "decode_value",
    "encode_notes",
    "encode_record",
    "encode_rows",
    "encode_value",
]
