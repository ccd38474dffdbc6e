"""The pass ledger: the one record of a store's passes, shared by every store that has them.

A *pass* is one run of a stage over its store (an extraction, a map). Its state is
``running`` while it works, ``stopped`` when it was stopped (Ctrl-C, a stop request, a
failure it could not finish through) and ``complete`` when it ended whole; a killed process
leaves it ``running``.

One resume rule for every store: **the newest pass is resumed when it is not complete**
(running after a kill, or stopped), whatever the run; otherwise a new pass begins. Only the
newest pass is ever resumed, so a pass left unfinished before a later pass completed stays
closed.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

#: The ledger's table; each store adds it to its own schema.
PASSES_SCHEMA = """
CREATE TABLE IF NOT EXISTS passes (
  id INTEGER PRIMARY KEY, run_id TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT,
  state TEXT NOT NULL);
"""

#: How a pass can end.
END_STATES = ("complete", "stopped")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class PassLedger:
    """The passes of one store, on that store's connection (writes join its transaction)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def begin(self, run_id: str) -> tuple[int, bool]:
        """Resume the newest pass when it is not complete, else start a new one.

        Returns (pass id, resumed).
        """
        row = self.db.execute("SELECT id, state FROM passes ORDER BY id DESC LIMIT 1").fetchone()
        if row is not None and row[1] != "complete":
            self.db.execute("UPDATE passes SET state = 'running' WHERE id = ?", (row[0],))
            return int(row[0]), True
        cursor = self.db.execute(
            "INSERT INTO passes (run_id, started_at, state) VALUES (?, ?, 'running')",
            (run_id, _now()),
        )
        return int(cursor.lastrowid or 0), False

    def end(self, pass_id: int, state: str) -> None:
        """Close the pass ``complete`` or ``stopped`` (a stopped pass is resumed next time)."""
        if state not in END_STATES:
            raise ValueError(f"a pass ends {' or '.join(END_STATES)}, not {state!r}")
        self.db.execute(
            "UPDATE passes SET state = ?, finished_at = ? WHERE id = ?", (state, _now(), pass_id)
        )

    def last_state(self) -> str | None:
        """The state of the newest pass (None when there is no pass)."""
        row = self.db.execute("SELECT state FROM passes ORDER BY id DESC LIMIT 1").fetchone()
        return None if row is None else str(row[0])

    def last_complete(self) -> int | None:
        """The newest complete pass (None when there is none)."""
        row = self.db.execute("SELECT max(id) FROM passes WHERE state = 'complete'").fetchone()
        return None if row is None or row[0] is None else int(row[0])
