"""Load bookkeeping: runs, id map, per-record messages, rollback journal.

Tables beside the KEHA schema, outside its models' metadata (their definitions live in
transfer/schema/bookkeeping.py); written by hand from those definitions and frozen here.

Revision ID: 0002_load_bookkeeping
Revises: 0001_initial
Create Date: 2026-11-28 09:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_load_bookkeeping"
down_revision: str | Sequence[str] | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_RUN_ID = sa.String(length=96)


def upgrade() -> None:
    op.create_table(
        "load_runs",
        sa.Column("run_id", _RUN_ID, nullable=False),
        sa.Column("command", sa.String(length=32), nullable=False, comment="load or rollback."),
        sa.Column(
            "state",
            sa.String(length=16),
            nullable=False,
            comment="running, complete, failed, interrupted, rolled_back",
        ),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("allow_removals", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column(
            "stats", sa.Text(), nullable=True, comment="JSON: counts per migration and action."
        ),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_load_runs")),
        comment="One load (or rollback) run against this target.",
    )
    op.create_table(
        "load_id_map",
        sa.Column("source_system", sa.String(length=32), nullable=False),
        sa.Column("record_key", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("mapping", sa.Text(), nullable=True),
        sa.Column(
            "status",
            sa.String(length=16),
            nullable=False,
            comment="imported, updated, unpublished, deleted, skipped, failed",
        ),
        sa.Column(
            "rows_hash",
            sa.String(length=64),
            nullable=True,
            comment="sha256 of the rows last written (mapped store).",
        ),
        sa.Column("source_hash", sa.String(length=64), nullable=True),
        sa.Column("target_ids", sa.Text(), nullable=False, comment="JSON list of [table, id]."),
        sa.Column("reason", sa.Text(), nullable=True, comment="Skip rule or failure message."),
        sa.Column("run_id", _RUN_ID, nullable=False, comment="The run that last wrote the entry."),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("source_system", "record_key", name=op.f("pk_load_id_map")),
        comment="Per source record: its rows in the target, status and hash (Drupal's id map).",
    )
    op.create_index(op.f("ix_load_id_map_status"), "load_id_map", ["status"])
    op.create_table(
        "load_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", _RUN_ID, nullable=False),
        sa.Column("source_system", sa.String(length=32), nullable=False),
        sa.Column("record_key", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False, comment="info, warning or error."),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_load_messages")),
        comment="Per-record messages of load runs: failures, skips, removals.",
    )
    op.create_index(op.f("ix_load_messages_run_id"), "load_messages", ["run_id"])
    op.create_index(
        op.f("ix_load_messages_source_system_record_key"),
        "load_messages",
        ["source_system", "record_key"],
    )
    op.create_table(
        "load_journal",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("run_id", _RUN_ID, nullable=False),
        sa.Column(
            "action",
            sa.String(length=16),
            nullable=False,
            comment="created, updated, deleted, idmap",
        ),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("row_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "before",
            sa.Text(),
            nullable=True,
            comment="JSON of the row (or id-map entry) before the run.",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_load_journal")),
        comment="What a run created, and the earlier values of what it updated or deleted.",
    )
    op.create_index(op.f("ix_load_journal_run_id"), "load_journal", ["run_id"])


def downgrade() -> None:
    op.drop_table("load_journal")
    op.drop_table("load_messages")
    op.drop_table("load_id_map")
    op.drop_table("load_runs")
