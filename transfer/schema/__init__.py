"""The KEHA target schema: SQLAlchemy models, Alembic migrations and a generated reference.

Importing this package registers every model on :data:`metadata`. The modules:
``content`` (items, translations, kinds, events, FAQ), ``taxonomy``, ``assets`` (files and
contact people), ``redirects``, ``platform`` (organisations, members, workspaces,
memberships) and ``discussions`` (threads, posts, workspace files). ``versioning`` runs the
migrations; ``reference`` renders REFERENCE.md.

The migration bookkeeping (runs, id map, messages) is not part of this metadata: it lives
in its own tables beside these, so that a KEHA table never depends on how it was loaded.
"""

from __future__ import annotations

from types import ModuleType

from transfer.schema import assets, content, discussions, platform, redirects, taxonomy
from transfer.schema.base import Base

metadata = Base.metadata

#: The model modules in the order the reference presents them, with a section title each.
SECTIONS: tuple[tuple[str, ModuleType], ...] = (
    ("Online service: content", content),
    ("Online service: taxonomy", taxonomy),
    ("Online service: assets and contact people", assets),
    ("Online service: redirects", redirects),
    ("Partnership platform: organisations, members, workspaces", platform),
    ("Partnership platform: discussions and files", discussions),
)

__all__ = ["SECTIONS", "Base", "metadata"]
