"""Taxonomy: vocabularies, their terms with names per language, and the item-term links."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from transfer.schema.base import Base, Provenance, source_index, unique_source


class TaxonomyVocabulary(Provenance, Base):
    """A vocabulary of terms, such as topics, target groups or regions."""

    __tablename__ = "taxonomy_vocabularies"
    __table_args__ = (unique_source(), UniqueConstraint("code"))

    code: Mapped[str] = mapped_column(String(64), comment="Stable code used by the mappings.")
    name_fi: Mapped[str] = mapped_column(Text, comment="Name in Finnish.")
    name_sv: Mapped[str | None] = mapped_column(Text, comment="Name in Swedish.")
    name_en: Mapped[str | None] = mapped_column(Text, comment="Name in English.")

    terms: Mapped[list[TaxonomyTerm]] = relationship(
        back_populates="vocabulary", cascade="all, delete-orphan", passive_deletes=True
    )


class TaxonomyTerm(Provenance, Base):
    """A term of a vocabulary, optionally below a broader term."""

    __tablename__ = "taxonomy_terms"
    __table_args__ = (unique_source(), UniqueConstraint("vocabulary_id", "code"))

    vocabulary_id: Mapped[int] = mapped_column(
        ForeignKey("taxonomy_vocabularies.id", ondelete="CASCADE")
    )
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("taxonomy_terms.id", ondelete="SET NULL"),
        index=True,
        comment="Broader term; empty at the top.",
    )
    code: Mapped[str] = mapped_column(String(128), comment="Stable code within the vocabulary.")
    name_fi: Mapped[str] = mapped_column(Text, comment="Name in Finnish.")
    name_sv: Mapped[str | None] = mapped_column(Text, comment="Name in Swedish.")
    name_en: Mapped[str | None] = mapped_column(Text, comment="Name in English.")

    vocabulary: Mapped[TaxonomyVocabulary] = relationship(back_populates="terms")


class ContentItemTerm(Provenance, Base):
    """A content item classified with a term; provenance is the record that classified it."""

    __tablename__ = "content_item_terms"
    __table_args__ = (UniqueConstraint("item_id", "term_id"), source_index())

    item_id: Mapped[int] = mapped_column(ForeignKey("content_items.id", ondelete="CASCADE"))
    term_id: Mapped[int] = mapped_column(
        ForeignKey("taxonomy_terms.id", ondelete="CASCADE"), index=True
    )
