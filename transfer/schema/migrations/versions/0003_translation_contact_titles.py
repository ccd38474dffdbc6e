"""A contact person's title and organisation as each translation shows them.

A person named on pages in several languages has one ``contact_people`` row; the title and
organisation a page shows are in that page's language, so ``translation_contacts`` keeps
them per translation.

Revision ID: 0003_translation_contact_titles
Revises: 0002_load_bookkeeping
Create Date: 2026-11-28 18:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_translation_contact_titles"
down_revision: str | Sequence[str] | None = "0002_load_bookkeeping"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "translation_contacts",
        sa.Column(
            "title",
            sa.Text(),
            nullable=True,
            comment="Job title as this translation shows it, in its language.",
        ),
    )
    op.add_column(
        "translation_contacts",
        sa.Column(
            "organisation",
            sa.Text(),
            nullable=True,
            comment="Organisation as this translation shows it, in its language.",
        ),
    )


def downgrade() -> None:
    with op.batch_alter_table("translation_contacts") as batch:
        batch.drop_column("organisation")
        batch.drop_column("title")
