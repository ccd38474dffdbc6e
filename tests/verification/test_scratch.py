"""The verification's scratch database: the mapped rows' index."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from transfer.stores.mapped import MappedRecord, MappedRow, MappedStore
from transfer.verification.scratch import Scratch

ORG = "org-1"


def _record(key: str, *rows: tuple[str, str, str]) -> MappedRecord:
    """A record of ``rows`` (table, source key, name)."""
    return MappedRecord(
        "partnership",
        key,
        "organisation",
        "mapped",
        tuple(
            MappedRow(table, {"source_system": "partnership", "source_key": row_key, "name": name})
            for table, row_key, name in rows
        ),
    )


def test_a_row_several_records_name_is_kept_under_the_first_in_key_order(
    tmp_path: Path,
) -> None:
    store_path = tmp_path / "mapped.sqlite"
    with MappedStore(store_path) as store:
        pass_id, _ = store.begin_pass("run-1")
        with store.transaction():
            # Written in the reverse of key order: the store's own order must not decide.
            store.put(_record("c", ("organisations", ORG, "from c")), pass_id)
            store.put(
                _record(
                    "b",
                    ("organisations", "b", "b itself"),
                    ("organisations", ORG, "from b, first"),
                    ("organisations", ORG, "from b, second"),
                ),
                pass_id,
            )
            store.put(_record("d", ("organisations", ORG, "from d")), pass_id)
        store.end_pass(pass_id, complete=True)
    scratch = Scratch(tmp_path / "scratch.sqlite")
    try:
        scratch.index_mapped(store_path)
        rows = sqlite3.connect(scratch.rows_path)
        kept = {
            key: (rec_key, json.loads(vals)["name"], own)
            for key, rec_key, vals, own in rows.execute(
                "SELECT key, rec_key, vals, own FROM mrow WHERE tbl = 'organisations'"
            )
        }
        rows.close()
    finally:
        scratch.close()
    assert kept == {
        # b is the first record naming it, and names it twice: its first naming is kept.
        ORG: ("b", "from b, first", 0),
        "b": ("b", "b itself", 1),
    }
