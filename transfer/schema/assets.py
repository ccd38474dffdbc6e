"""Assets (attachments and images) and contact people, and their links to translations."""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from transfer.schema.base import Base, Provenance, one_of, source_index, unique_source

ASSET_ROLES = ("attachment", "image", "inline")


class Asset(Provenance, Base):
    """A file in the media store: an attachment, image or platform file, by its sha256.

    The source key is the file's stable address (a Liferay document URL without its
    changing ``t`` parameter, or the platform's document id). Identical bytes found under
    two addresses are two rows sharing one sha256 and one stored blob.
    """

    __tablename__ = "assets"
    __table_args__ = (unique_source(), UniqueConstraint("new_path"))

    sha256: Mapped[str] = mapped_column(
        String(64), index=True, comment="Hex sha256 of the bytes; the media store's key."
    )
    size_bytes: Mapped[int] = mapped_column(BigInteger, comment="Size of the bytes.")
    media_type: Mapped[str] = mapped_column(String(255), comment="MIME type, e.g. application/pdf.")
    file_name: Mapped[str] = mapped_column(Text, comment="File name offered on download.")
    title: Mapped[str | None] = mapped_column(Text, comment="Title shown in link lists.")
    storage_path: Mapped[str] = mapped_column(
        Text, comment="Path of the blob relative to the media store's root."
    )
    source_url: Mapped[str] = mapped_column(Text, comment="Absolute URL it was fetched from.")
    new_path: Mapped[str | None] = mapped_column(
        Text, comment="Public path on the KEHA site; empty for files that are not public."
    )


class TranslationAsset(Provenance, Base):
    """An asset used by a translation: a listed attachment, the lead image or an inline image.

    Links hang on translations, not items, because each language page lists its own files.
    """

    __tablename__ = "translation_assets"
    __table_args__ = (
        UniqueConstraint("translation_id", "asset_id", "role"),
        one_of("role", ASSET_ROLES),
        source_index(),
    )

    translation_id: Mapped[int] = mapped_column(
        ForeignKey("content_translations.id", ondelete="CASCADE")
    )
    # RESTRICT: an asset still linked from a page must not vanish unnoticed.
    asset_id: Mapped[int] = mapped_column(ForeignKey("assets.id", ondelete="RESTRICT"), index=True)
    role: Mapped[str] = mapped_column(String(16), comment="attachment, image or inline.")
    position: Mapped[int] = mapped_column(
        Integer, default=0, server_default="0", comment="Order among links of one role."
    )
    caption: Mapped[str | None] = mapped_column(Text, comment="Image caption or link text.")
    alt_text: Mapped[str | None] = mapped_column(Text, comment="Alternative text of an image.")

    asset: Mapped[Asset] = relationship()


class ContactPerson(Provenance, Base):
    """A person named in a page's "more information" block.

    Personal data: the loader applies the target's policy (keep, mask, drop) before writing.
    """

    __tablename__ = "contact_people"
    __table_args__ = (unique_source(),)

    name: Mapped[str] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text, comment="Job title.")
    email: Mapped[str | None] = mapped_column(
        Text, index=True, comment="E-mail, decoded from the page's obfuscation."
    )
    phone: Mapped[str | None] = mapped_column(Text)
    organisation: Mapped[str | None] = mapped_column(Text, comment="Organisation as written.")


class TranslationContact(Provenance, Base):
    """A contact person shown on a translation, in page order."""

    __tablename__ = "translation_contacts"
    __table_args__ = (UniqueConstraint("translation_id", "contact_id"), source_index())

    translation_id: Mapped[int] = mapped_column(
        ForeignKey("content_translations.id", ondelete="CASCADE")
    )
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contact_people.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    title: Mapped[str | None] = mapped_column(
        Text, comment="Job title as this translation shows it, in its language."
    )
    organisation: Mapped[str | None] = mapped_column(
        Text, comment="Organisation as this translation shows it, in its language."
    )

    contact: Mapped[ContactPerson] = relationship()
