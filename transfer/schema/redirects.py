"""Redirects from every old URL, on every old host, to its place on the KEHA site."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from transfer.schema.base import Base, Provenance, one_of, source_index

REDIRECT_STATUS_CODES = (301, 302, 307, 308)

#: Why a redirect exists. moved: the page's own old URL; alias: another URL of the same page
#: (old slug, mangled blog slug, listing parameters); legacy_host: the same path on
#: kotouttaminen.fi or integration.fi; attachment: a /documents/ URL; retired: a page that
#: was not migrated, sent to the nearest replacement.
REDIRECT_REASONS = ("moved", "alias", "legacy_host", "attachment", "retired")


class Redirect(Provenance, Base):
    """One old address (host and path) and where it now leads.

    Several redirects can come from one source record (a page and its legacy-host twins),
    so the provenance is indexed, not unique; the old address is unique.
    """

    __tablename__ = "redirects"
    __table_args__ = (
        UniqueConstraint("old_host", "old_path"),
        one_of("status_code", REDIRECT_STATUS_CODES),
        one_of("reason", REDIRECT_REASONS),
        source_index(),
    )

    old_host: Mapped[str] = mapped_column(
        String(255), comment="Lower-case host without port, e.g. kotouttaminen.fi."
    )
    old_path: Mapped[str] = mapped_column(
        Text, comment="Path, with the query string where it selects the content."
    )
    new_path: Mapped[str] = mapped_column(
        Text, index=True, comment="Path on the KEHA site, or an absolute URL off it."
    )
    status_code: Mapped[int] = mapped_column(
        Integer, default=301, server_default="301", comment="HTTP status: 301, 302, 307, 308."
    )
    reason: Mapped[str] = mapped_column(String(32), comment="Why the redirect exists.")
    # What the redirect leads to, so verification can check it still exists; emptied when
    # the target row goes, leaving the redirect for a human to re-point.
    translation_id: Mapped[int | None] = mapped_column(
        ForeignKey("content_translations.id", ondelete="SET NULL"),
        index=True,
        comment="The translation it leads to, if any.",
    )
    asset_id: Mapped[int | None] = mapped_column(
        ForeignKey("assets.id", ondelete="SET NULL"),
        index=True,
        comment="The asset it leads to, if any.",
    )
