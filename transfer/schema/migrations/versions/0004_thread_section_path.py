"""The message-board section a discussion thread sits in at the source.

Liferay's sections only group threads; KEHA has no section entity, and taxonomy terms are a
shared vocabulary across content, which a workspace's own sections are not. A column keeps
the section chain by name (``/Events/2024``) without inventing either.

Revision ID: 0004_thread_section_path
Revises: 0003_translation_contact_titles
Create Date: 2026-12-02 20:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_thread_section_path"
down_revision: str | Sequence[str] | None = "0003_translation_contact_titles"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


OLD_COMMENT = "A discussion (message-board thread) in a workspace."
#: The model's docstring, which is the table comment (see ``schema.base``).
NEW_COMMENT = (
    "A discussion (message-board thread) in a workspace. Liferay's message-board sections "
    "only group a workspace's threads; KEHA has no section entity and its taxonomy terms are "
    "a vocabulary shared across content, which a workspace's own sections are not. So the "
    "section survives as the thread's section_path (the chain of section names), which "
    "loses nothing and invents neither."
)


def _comment(text: str, existing: str) -> None:
    if op.get_bind().dialect.name == "postgresql":  # SQLite keeps no comments
        op.create_table_comment("discussion_threads", text, existing_comment=existing)


def upgrade() -> None:
    _comment(NEW_COMMENT, OLD_COMMENT)
    op.add_column(
        "discussion_threads",
        sa.Column(
            "section_path",
            sa.Text(),
            nullable=True,
            comment="Message-board section chain at the source by name, / at the top.",
        ),
    )


def downgrade() -> None:
    with op.batch_alter_table("discussion_threads") as batch:
        batch.drop_column("section_path")
    _comment(OLD_COMMENT, NEW_COMMENT)
