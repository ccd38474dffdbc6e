"""Online-service content: items, their translations, kinds, event details and FAQ entries.

A *content item* is one piece of content across languages (a translation group); each
language version is a *translation* with its own title, body, old URL and new path. Liferay
pairs translations only through the language switcher, so an item's source key is the key
the mapper chose for the group, and each translation keeps the normalised URL it came from.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from transfer.schema.base import (
    LANGUAGES,
    Base,
    Provenance,
    one_of,
    source_index,
    unique_source,
)

PUBLICATION_STATES = ("published", "unpublished")

#: The content kinds the initial migration seeds into ``content_kinds`` as (code, label).
#: A new kind is a new migration that inserts its row, plus a line here (a test compares).
CONTENT_KINDS: tuple[tuple[str, str], ...] = (
    ("page", "Topic page"),
    ("section_landing", "Section landing page"),
    ("news", "News item"),
    ("blog_post", "Blog post"),
    ("event", "Event"),
    ("handbook_chapter", "Handbook chapter"),
    ("faq", "FAQ page"),
    ("glossary", "Glossary"),
    ("checklist", "Checklist"),
    ("publication", "Publication"),
    ("report_chapter", "Report chapter"),
    ("review_edition", "Overall review edition"),
    ("policy_brief", "Policy brief"),
    ("good_practice", "Good practice"),
    ("project", "Project"),
    ("statistics", "Statistics landing page"),
    ("regional_page", "Regional page"),
    ("partnership_programme", "Partnership programme page"),
)


class ContentKind(Provenance, Base):
    """Kinds of content (page, news, blog post, event, handbook chapter, FAQ, ...).

    A lookup table rather than a checked enum so that a kind is added by inserting a row,
    without rebuilding tables on SQLite. Seeded by the migrations with source_system keha.
    """

    __tablename__ = "content_kinds"
    __table_args__ = (unique_source(), UniqueConstraint("code"))

    code: Mapped[str] = mapped_column(String(32), comment="Stable code used by the mappings.")
    label: Mapped[str] = mapped_column(Text, comment="English name for people.")


class ContentItem(Provenance, Base):
    """One piece of content across its languages (a translation group)."""

    __tablename__ = "content_items"
    __table_args__ = (unique_source(), one_of("state", PUBLICATION_STATES))

    kind_id: Mapped[int] = mapped_column(
        ForeignKey("content_kinds.id", ondelete="RESTRICT"), index=True, comment="What it is."
    )
    state: Mapped[str] = mapped_column(
        String(16),
        default="published",
        server_default="published",
        comment="published, or unpublished when the source withdrew it (kept for delta sync).",
    )
    unpublished_at: Mapped[datetime | None] = mapped_column(
        comment="When a run first found the item withdrawn at the source."
    )

    kind: Mapped[ContentKind] = relationship()
    translations: Mapped[list[ContentTranslation]] = relationship(
        back_populates="item", cascade="all, delete-orphan", passive_deletes=True
    )
    event: Mapped[EventDetail | None] = relationship(
        back_populates="item", cascade="all, delete-orphan", passive_deletes=True
    )


class ContentTranslation(Provenance, Base):
    """One language version of a content item (fi, sv, en or easy Finnish fi-x-selko)."""

    __tablename__ = "content_translations"
    __table_args__ = (
        unique_source(),
        # One version per language: a second Finnish page for the same item is a mapping error.
        UniqueConstraint("item_id", "language"),
        UniqueConstraint("new_path"),
        one_of("language", LANGUAGES),
        one_of("state", PUBLICATION_STATES),
    )

    # No index of its own: the unique (item_id, language) serves lookups by item.
    item_id: Mapped[int] = mapped_column(ForeignKey("content_items.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(16), comment="fi, sv, en or fi-x-selko.")
    state: Mapped[str] = mapped_column(
        String(16),
        default="published",
        server_default="published",
        comment="published or unpublished; a language version can go while others stay.",
    )
    title: Mapped[str] = mapped_column(Text)
    lead: Mapped[str | None] = mapped_column(Text, comment="Ingress shown above the body.")
    body_html: Mapped[str | None] = mapped_column(
        Text, comment="Body as sanitised HTML, links rewritten to new paths."
    )
    body_text: Mapped[str | None] = mapped_column(
        Text, comment="Body as plain text, for search and for verification."
    )
    new_path: Mapped[str] = mapped_column(Text, comment="Path of the page on the KEHA site.")
    old_url: Mapped[str] = mapped_column(
        Text, index=True, comment="Absolute URL the page had on the online service."
    )
    published_at: Mapped[datetime | None] = mapped_column(comment="Publication time, UTC.")
    updated_at: Mapped[datetime | None] = mapped_column(comment="Last update shown, UTC.")
    published_in_english_at: Mapped[datetime | None] = mapped_column(
        comment="'Published in English on' stamp of English versions, UTC."
    )
    is_frozen: Mapped[bool] = mapped_column(
        default=False,
        server_default=false(),
        comment="The page carried a 'no longer updated' banner.",
    )
    frozen_successor_url: Mapped[str | None] = mapped_column(
        Text, comment="Where the frozen page's banner sent readers."
    )
    has_outdated_banner: Mapped[bool] = mapped_column(
        default=False,
        server_default=false(),
        comment="The page carried the 'not yet updated for the new Act' banner.",
    )
    author: Mapped[str | None] = mapped_column(Text, comment="Named author (blog posts).")

    item: Mapped[ContentItem] = relationship(back_populates="translations")
    faq_entries: Mapped[list[FaqEntry]] = relationship(
        back_populates="translation",
        order_by="FaqEntry.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class EventDetail(Provenance, Base):
    """When and where an event takes place; one row per event item."""

    __tablename__ = "event_details"
    __table_args__ = (unique_source(), UniqueConstraint("item_id"))

    item_id: Mapped[int] = mapped_column(ForeignKey("content_items.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(comment="Start, UTC.")
    ends_at: Mapped[datetime | None] = mapped_column(comment="End, UTC; empty when open-ended.")
    organiser: Mapped[str | None] = mapped_column(Text)
    place: Mapped[str | None] = mapped_column(Text, comment="Venue or address.")
    online_url: Mapped[str | None] = mapped_column(Text, comment="Teams or other meeting link.")
    registration_url: Mapped[str | None] = mapped_column(
        Text, comment="Registration form, often at an external form service."
    )

    item: Mapped[ContentItem] = relationship(back_populates="event")


class FaqEntry(Provenance, Base):
    """One question and answer block of an FAQ page, in the order the page shows them.

    Many entries come from one page, so the source key is the page's and the entries are
    told apart by position; a loader replaces a translation's entries as a whole.
    """

    __tablename__ = "faq_entries"
    __table_args__ = (UniqueConstraint("translation_id", "position"), source_index())

    translation_id: Mapped[int] = mapped_column(
        ForeignKey("content_translations.id", ondelete="CASCADE")
    )
    position: Mapped[int] = mapped_column(Integer, comment="1-based order on the page.")
    question: Mapped[str] = mapped_column(Text)
    answer_html: Mapped[str] = mapped_column(Text, comment="Answer as sanitised HTML.")

    translation: Mapped[ContentTranslation] = relationship(back_populates="faq_entries")
