"""Migration bookkeeping: runs, the id map, per-record messages and the rollback journal.

These tables live in the target database beside the KEHA tables but outside their
metadata, so no KEHA table depends on how it was loaded. The migration
``0002_load_bookkeeping`` creates them; the names start with ``load_``.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    false,
)

from transfer.schema.base import NAMING_CONVENTION, UTCDateTime

#: The statuses of an id-map entry. imported: the record's rows were created; updated: they
#: were rewritten; unpublished / deleted: the record left the source (or is now skipped);
#: skipped: the map stage skipped it by a rule; failed: mapping or loading failed.
ID_MAP_STATUSES = ("imported", "updated", "unpublished", "deleted", "skipped", "failed")
#: Statuses whose target rows are live in the target.
LIVE_STATUSES = ("imported", "updated")
RUN_STATES = ("running", "complete", "failed", "interrupted", "rolled_back")
JOURNAL_ACTIONS = ("created", "updated", "deleted", "idmap")

bookkeeping_metadata = MetaData(naming_convention=NAMING_CONVENTION)

runs = Table(
    "load_runs",
    bookkeeping_metadata,
    Column("run_id", String(96), primary_key=True),
    Column("command", String(32), nullable=False, comment="load or rollback."),
    Column("state", String(16), nullable=False, comment=", ".join(RUN_STATES)),
    Column("started_at", UTCDateTime(), nullable=False),
    Column("finished_at", UTCDateTime()),
    Column("allow_removals", Boolean(), nullable=False, server_default=false()),
    Column("stats", Text, comment="JSON: counts per migration and action."),
    comment="One load (or rollback) run against this target.",
)

id_map = Table(
    "load_id_map",
    bookkeeping_metadata,
    Column("source_system", String(32), primary_key=True),
    Column("record_key", Text, primary_key=True),
    Column("kind", String(64), nullable=False),
    Column("mapping", Text),
    Column("status", String(16), nullable=False, comment=", ".join(ID_MAP_STATUSES)),
    Column("rows_hash", String(64), comment="sha256 of the rows last written (mapped store)."),
    Column("source_hash", String(64)),
    Column("target_ids", Text, nullable=False, comment="JSON list of [table, id]."),
    Column("reason", Text, comment="Skip rule or failure message."),
    Column("run_id", String(96), nullable=False, comment="The run that last wrote the entry."),
    Column("changed_at", UTCDateTime(), nullable=False),
    Index(None, "status"),
    comment="Per source record: its rows in the target, status and hash (Drupal's id map).",
)

messages = Table(
    "load_messages",
    bookkeeping_metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", String(96), nullable=False, index=True),
    Column("source_system", String(32), nullable=False),
    Column("record_key", Text, nullable=False),
    Column("kind", String(64), nullable=False),
    Column("level", String(16), nullable=False, comment="info, warning or error."),
    Column("message", Text, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Index(None, "source_system", "record_key"),
    comment="Per-record messages of load runs: failures, skips, removals.",
)

journal = Table(
    "load_journal",
    bookkeeping_metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("run_id", String(96), nullable=False, index=True),
    Column("action", String(16), nullable=False, comment=", ".join(JOURNAL_ACTIONS)),
    Column("table_name", String(64), nullable=False),
    Column("row_id", BigInteger),
    Column("before", Text, comment="JSON of the row (or id-map entry) before the run."),
    comment="What a run created, and the earlier values of what it updated or deleted.",
)

TABLES = (runs, id_map, messages, journal)
