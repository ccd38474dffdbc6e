"""Initial KEHA schema: online-service content, taxonomy, assets, redirects, platform.

Written by Alembic's autogenerate from the models, then reviewed: timestamps use the plain
``DateTime(timezone=True)`` (the models' UTCDateTime only converts values in Python),
boolean defaults are ``sa.false()`` so PostgreSQL accepts them, and the content kinds are
seeded here with their values frozen, not imported from the models.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-28 04:45:34.967169
"""

# ruff: noqa: E501
# (the comments of tables and columns are long strings copied from the models)

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_initial"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CONTENT_KINDS = (
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


def _seed_content_kinds() -> None:
    kinds = sa.table(
        "content_kinds",
        sa.column("code", sa.String),
        sa.column("label", sa.Text),
        sa.column("source_system", sa.String),
        sa.column("source_key", sa.Text),
    )
    op.bulk_insert(
        kinds,
        [
            {"code": code, "label": label, "source_system": "keha", "source_key": code}
            for code, label in CONTENT_KINDS
        ],
    )


def upgrade() -> None:
    op.create_table(
        "assets",
        sa.Column("id", sa.Integer(), nullable=False, comment="Surrogate key."),
        sa.Column(
            "sha256",
            sa.String(length=64),
            nullable=False,
            comment="Hex sha256 of the bytes; the media store's key.",
        ),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False, comment="Size of the bytes."),
        sa.Column(
            "media_type",
            sa.String(length=255),
            nullable=False,
            comment="MIME type, e.g. application/pdf.",
        ),
        sa.Column("file_name", sa.Text(), nullable=False, comment="File name offered on download."),
        sa.Column("title", sa.Text(), nullable=True, comment="Title shown in link lists."),
        sa.Column(
            "storage_path",
            sa.Text(),
            nullable=False,
            comment="Path of the blob relative to the media store's root.",
        ),
        sa.Column(
            "source_url", sa.Text(), nullable=False, comment="Absolute URL it was fetched from."
        ),
        sa.Column(
            "new_path",
            sa.Text(),
            nullable=True,
            comment="Public path on the KEHA site; empty for files that are not public.",
        ),
        sa.Column(
            "source_system",
            sa.String(length=32),
            nullable=False,
            comment="Where the row came from: online_service, partnership, or keha (seeded).",
        ),
        sa.Column(
            "source_key",
            sa.Text(),
            nullable=False,
            comment="Stable key of the source record: a normalised URL or the platform's id.",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assets")),
        sa.UniqueConstraint("new_path", name=op.f("uq_assets_new_path")),
        sa.UniqueConstraint(
            "source_system", "source_key", name=op.f("uq_assets_source_system_source_key")
        ),
        comment="A file in the media store: an attachment, image or platform file, by its sha256. The source key is the file's stable address (a Liferay document URL without its changing ``t`` parameter, or the platform's document id). Identical bytes found under two addresses are two rows sharing one sha256 and one stored blob.",
    )
    op.create_index(op.f("ix_assets_sha256"), "assets", ["sha256"])

    op.create_table(
        "contact_people",
        sa.Column("id", sa.Integer(), nullable=False, comment="Surrogate key."),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True, comment="Job title."),
        sa.Column(
            "email",
            sa.Text(),
            nullable=True,
            comment="E-mail, decoded from the page's obfuscation.",
        ),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("organisation", sa.Text(), nullable=True, comment="Organisation as written."),
        sa.Column(
            "source_system",
            sa.String(length=32),
            nullable=False,
            comment="Where the row came from: online_service, partnership, or keha (seeded).",
        ),
        sa.Column(
            "source_key",
            sa.Text(),
            nullable=False,
            comment="Stable key of the source record: a normalised URL or the platform's id.",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_people")),
        sa.UniqueConstraint(
            "source_system", "source_key", name=op.f("uq_contact_people_source_system_source_key")
        ),
        comment="A person named in a page's \"more information\" block. Personal data: the loader applies the target's policy (keep, mask, drop) before writing.",
    )
    op.create_index(op.f("ix_contact_people_email"), "contact_people", ["email"])

    op.create_table(
        "content_kinds",
        sa.Column("id", sa.Integer(), nullable=False, comment="Surrogate key."),
        sa.Column(
            "code",
            sa.String(length=32),
            nullable=False,
            comment="Stable code used by the mappings.",
        ),
        sa.Column("label", sa.Text(), nullable=False, comment="English name for people."),
        sa.Column(
            "source_system",
            sa.String(length=32),
            nullable=False,
            comment="Where the row came from: online_service, partnership, or keha (seeded).",
        ),
        sa.Column(
            "source_key",
            sa.Text(),
            nullable=False,
            comment="Stable key of the source record: a normalised URL or the platform's id.",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_kinds")),
        sa.UniqueConstraint("code", name=op.f("uq_content_kinds_code")),
        sa.UniqueConstraint(
            "source_system", "source_key", name=op.f("uq_content_kinds_source_system_source_key")
        ),
        comment="Kinds of content (page, news, blog post, event, handbook chapter, FAQ, ...). A lookup table rather than a checked enum so that a kind is added by inserting a row, without rebuilding tables on SQLite. Seeded by the migrations with source_system keha.",
    )
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), nullable=False, comment="Surrogate key."),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column(
            "business_id",
            sa.String(length=16),
            nullable=True,
            comment="Finnish business id (Y-tunnus), e.g. 1234567-8.",
        ),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("website", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column(
            "is_partner",
            sa.Boolean(),
            server_default=sa.false(),
            nullable=False,
            comment="Registered partner of the Integration Partnership Programme.",
        ),
        sa.Column(
            "commitments",
            sa.Text(),
            nullable=True,
            comment="Commitments (lupaukset) the organisation gave, as text.",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="Created at the source, UTC.",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="Modified at the source, UTC.",
        ),
        sa.Column(
            "source_system",
            sa.String(length=32),
            nullable=False,
            comment="Where the row came from: online_service, partnership, or keha (seeded).",
        ),
        sa.Column(
            "source_key",
            sa.Text(),
            nullable=False,
            comment="Stable key of the source record: a normalised URL or the platform's id.",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["organisations.id"],
            name=op.f("fk_organisations_parent_id_organisations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
        sa.UniqueConstraint(
            "source_system", "source_key", name=op.f("uq_organisations_source_system_source_key")
        ),
        comment="An organisation on the platform, possibly below a parent organisation. Partners of the Integration Partnership Programme are organisations with is_partner set.",
    )
    op.create_index(op.f("ix_organisations_business_id"), "organisations", ["business_id"])
    op.create_index(op.f("ix_organisations_parent_id"), "organisations", ["parent_id"])

    op.create_table(
        "taxonomy_vocabularies",
        sa.Column("id", sa.Integer(), nullable=False, comment="Surrogate key."),
        sa.Column(
            "code",
            sa.String(length=64),
            nullable=False,
            comment="Stable code used by the mappings.",
        ),
        sa.Column("name_fi", sa.Text(), nullable=False, comment="Name in Finnish."),
        sa.Column("name_sv", sa.Text(), nullable=True, comment="Name in Swedish."),
        sa.Column("name_en", sa.Text(), nullable=True, comment="Name in English."),
        sa.Column(
            "source_system",
            sa.String(length=32),
            nullable=False,
            comment="Where the row came from: online_service, partnership, or keha (seeded).",
        ),
        sa.Column(
            "source_key",
            sa.Text(),
            nullable=False,
            comment="Stable key of the source record: a normalised URL or the platform's id.",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_taxonomy_vocabularies")),
        sa.UniqueConstraint("code", name=op.f("uq_taxonomy_vocabularies_code")),
        sa.UniqueConstraint(
            "source_system",
            "source_key",
            name=op.f("uq_taxonomy_vocabularies_source_system_source_key"),
        ),
        comment="A vocabulary of terms, such as topics, target groups or regions.",
    )
    op.create_table(
        "workspaces",
        sa.Column("id", sa.Integer(), nullable=False, comment="Surrogate key."),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column(
            "old_path",
            sa.Text(),
            nullable=True,
            comment="Friendly URL path on the platform, for redirects.",
        ),
        sa.Column(
            "membership_type",
            sa.String(length=32),
            nullable=True,
            comment="Who may join, as the platform said (open, restricted, private).",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="Created at the source, UTC.",
        ),
        sa.Column(
            "source_system",
            sa.String(length=32),
            nullable=False,
            comment="Where the row came from: online_service, partnership, or keha (seeded).",
        ),
        sa.Column(
            "source_key",
            sa.Text(),
            nullable=False,
            comment="Stable key of the source record: a normalised URL or the platform's id.",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workspaces")),
        sa.UniqueConstraint(
            "source_system", "source_key", name=op.f("uq_workspaces_source_system_source_key")
        ),
        comment="A workspace (työtila, a Liferay site) of a working group, project, event or network.",
    )
    op.create_index(op.f("ix_workspaces_old_path"), "workspaces", ["old_path"])

    op.create_table(
        "content_items",
        sa.Column("id", sa.Integer(), nullable=False, comment="Surrogate key."),
        sa.Column("kind_id", sa.Integer(), nullable=False, comment="What it is."),
        sa.Column(
            "state",
            sa.String(length=16),
            server_default="published",
            nullable=False,
            comment="published, or unpublished when the source withdrew it (kept for delta sync).",
        ),
        sa.Column(
            "unpublished_at",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="When a run first found the item withdrawn at the source.",
        ),
        sa.Column(
            "source_system",
            sa.String(length=32),
            nullable=False,
            comment="Where the row came from: online_service, partnership, or keha (seeded).",
        ),
        sa.Column(
            "source_key",
            sa.Text(),
            nullable=False,
            comment="Stable key of the source record: a normalised URL or the platform's id.",
        ),
        sa.CheckConstraint(
            "state IN ('published', 'unpublished')", name=op.f("ck_content_items_state")
        ),
        sa.ForeignKeyConstraint(
            ["kind_id"],
            ["content_kinds.id"],
            name=op.f("fk_content_items_kind_id_content_kinds"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_items")),
        sa.UniqueConstraint(
            "source_system", "source_key", name=op.f("uq_content_items_source_system_source_key")
        ),
        comment="One piece of content across its languages (a translation group).",
    )
    op.create_index(op.f("ix_content_items_kind_id"), "content_items", ["kind_id"])

    op.create_table(
        "members",
        sa.Column("id", sa.Integer(), nullable=False, comment="Surrogate key."),
        sa.Column("display_name", sa.Text(), nullable=False, comment="Name shown on posts."),
        sa.Column("given_name", sa.Text(), nullable=True),
        sa.Column("family_name", sa.Text(), nullable=True),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.String(length=16),
            server_default="active",
            nullable=False,
            comment="active, or inactive when the account was deactivated.",
        ),
        sa.Column(
            "is_deleted",
            sa.Boolean(),
            server_default=sa.false(),
            nullable=False,
            comment="The account vanished from the source after it was loaded.",
        ),
        sa.Column(
            "is_masked",
            sa.Boolean(),
            server_default=sa.false(),
            nullable=False,
            comment="Personal fields were masked by the target's data policy.",
        ),
        sa.Column(
            "joined_at",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="Registration time, UTC.",
        ),
        sa.Column(
            "last_login_at", sa.DateTime(timezone=True), nullable=True, comment="Last login, UTC."
        ),
        sa.Column(
            "source_system",
            sa.String(length=32),
            nullable=False,
            comment="Where the row came from: online_service, partnership, or keha (seeded).",
        ),
        sa.Column(
            "source_key",
            sa.Text(),
            nullable=False,
            comment="Stable key of the source record: a normalised URL or the platform's id.",
        ),
        sa.CheckConstraint("status IN ('active', 'inactive')", name=op.f("ck_members_status")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_members_organisation_id_organisations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_members")),
        sa.UniqueConstraint(
            "source_system", "source_key", name=op.f("uq_members_source_system_source_key")
        ),
        comment="A registered user of the platform.",
    )
    op.create_index(op.f("ix_members_email"), "members", ["email"])
    op.create_index(op.f("ix_members_organisation_id"), "members", ["organisation_id"])

    op.create_table(
        "taxonomy_terms",
        sa.Column("id", sa.Integer(), nullable=False, comment="Surrogate key."),
        sa.Column("vocabulary_id", sa.Integer(), nullable=False),
        sa.Column(
            "parent_id", sa.Integer(), nullable=True, comment="Broader term; empty at the top."
        ),
        sa.Column(
            "code",
            sa.String(length=128),
            nullable=False,
            comment="Stable code within the vocabulary.",
        ),
        sa.Column("name_fi", sa.Text(), nullable=False, comment="Name in Finnish."),
        sa.Column("name_sv", sa.Text(), nullable=True, comment="Name in Swedish."),
        sa.Column("name_en", sa.Text(), nullable=True, comment="Name in English."),
        sa.Column(
            "source_system",
            sa.String(length=32),
            nullable=False,
            comment="Where the row came from: online_service, partnership, or keha (seeded).",
        ),
        sa.Column(
            "source_key",
            sa.Text(),
            nullable=False,
            comment="Stable key of the source record: a normalised URL or the platform's id.",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["taxonomy_terms.id"],
            name=op.f("fk_taxonomy_terms_parent_id_taxonomy_terms"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["vocabulary_id"],
            ["taxonomy_vocabularies.id"],
            name=op.f("fk_taxonomy_terms_vocabulary_id_taxonomy_vocabularies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_taxonomy_terms")),
        sa.UniqueConstraint(
            "source_system", "source_key", name=op.f("uq_taxonomy_terms_source_system_source_key")
        ),
        sa.UniqueConstraint(
            "vocabulary_id", "code", name=op.f("uq_taxonomy_terms_vocabulary_id_code")
        ),
        comment="A term of a vocabulary, optionally below a broader term.",
    )
    op.create_index(op.f("ix_taxonomy_terms_parent_id"), "taxonomy_terms", ["parent_id"])

    op.create_table(
        "content_item_terms",
        sa.Column("id", sa.Integer(), nullable=False, comment="Surrogate key."),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("term_id", sa.Integer(), nullable=False),
        sa.Column(
            "source_system",
            sa.String(length=32),
            nullable=False,
            comment="Where the row came from: online_service, partnership, or keha (seeded).",
        ),
        sa.Column(
            "source_key",
            sa.Text(),
            nullable=False,
            comment="Stable key of the source record: a normalised URL or the platform's id.",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["content_items.id"],
            name=op.f("fk_content_item_terms_item_id_content_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["term_id"],
            ["taxonomy_terms.id"],
            name=op.f("fk_content_item_terms_term_id_taxonomy_terms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_item_terms")),
        sa.UniqueConstraint(
            "item_id", "term_id", name=op.f("uq_content_item_terms_item_id_term_id")
        ),
        comment="A content item classified with a term; provenance is the record that classified it.",
    )
    op.create_index(
        op.f("ix_content_item_terms_source_system_source_key"),
        "content_item_terms",
        ["source_system", "source_key"],
    )
    op.create_index(op.f("ix_content_item_terms_term_id"), "content_item_terms", ["term_id"])

    op.create_table(
        "content_translations",
        sa.Column("id", sa.Integer(), nullable=False, comment="Surrogate key."),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column(
            "language", sa.String(length=16), nullable=False, comment="fi, sv, en or fi-x-selko."
        ),
        sa.Column(
            "state",
            sa.String(length=16),
            server_default="published",
            nullable=False,
            comment="published or unpublished; a language version can go while others stay.",
        ),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("lead", sa.Text(), nullable=True, comment="Ingress shown above the body."),
        sa.Column(
            "body_html",
            sa.Text(),
            nullable=True,
            comment="Body as sanitised HTML, links rewritten to new paths.",
        ),
        sa.Column(
            "body_text",
            sa.Text(),
            nullable=True,
            comment="Body as plain text, for search and for verification.",
        ),
        sa.Column(
            "new_path", sa.Text(), nullable=False, comment="Path of the page on the KEHA site."
        ),
        sa.Column(
            "old_url",
            sa.Text(),
            nullable=False,
            comment="Absolute URL the page had on the online service.",
        ),
        sa.Column(
            "published_at",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="Publication time, UTC.",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="Last update shown, UTC.",
        ),
        sa.Column(
            "published_in_english_at",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="'Published in English on' stamp of English versions, UTC.",
        ),
        sa.Column(
            "is_frozen",
            sa.Boolean(),
            server_default=sa.false(),
            nullable=False,
            comment="The page carried a 'no longer updated' banner.",
        ),
        sa.Column(
            "frozen_successor_url",
            sa.Text(),
            nullable=True,
            comment="Where the frozen page's banner sent readers.",
        ),
        sa.Column(
            "has_outdated_banner",
            sa.Boolean(),
            server_default=sa.false(),
            nullable=False,
            comment="The page carried the 'not yet updated for the new Act' banner.",
        ),
        sa.Column("author", sa.Text(), nullable=True, comment="Named author (blog posts)."),
        sa.Column(
            "source_system",
            sa.String(length=32),
            nullable=False,
            comment="Where the row came from: online_service, partnership, or keha (seeded).",
        ),
        sa.Column(
            "source_key",
            sa.Text(),
            nullable=False,
            comment="Stable key of the source record: a normalised URL or the platform's id.",
        ),
        sa.CheckConstraint(
            "language IN ('fi', 'sv', 'en', 'fi-x-selko')",
            name=op.f("ck_content_translations_language"),
        ),
        sa.CheckConstraint(
            "state IN ('published', 'unpublished')", name=op.f("ck_content_translations_state")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["content_items.id"],
            name=op.f("fk_content_translations_item_id_content_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_translations")),
        sa.UniqueConstraint(
            "item_id", "language", name=op.f("uq_content_translations_item_id_language")
        ),
        sa.UniqueConstraint("new_path", name=op.f("uq_content_translations_new_path")),
        sa.UniqueConstraint(
            "source_system",
            "source_key",
            name=op.f("uq_content_translations_source_system_source_key"),
        ),
        comment="One language version of a content item (fi, sv, en or easy Finnish fi-x-selko).",
    )
    op.create_index(op.f("ix_content_translations_old_url"), "content_translations", ["old_url"])

    op.create_table(
        "discussion_threads",
        sa.Column("id", sa.Integer(), nullable=False, comment="Surrogate key."),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("author_member_id", sa.Integer(), nullable=True, comment="Who started it."),
        sa.Column(
            "author_deleted",
            sa.Boolean(),
            server_default=sa.false(),
            nullable=False,
            comment="The starter's account no longer exists at the source.",
        ),
        sa.Column(
            "is_locked",
            sa.Boolean(),
            server_default=sa.false(),
            nullable=False,
            comment="Closed to new posts.",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            nullable=False,
            comment="Started at the source, UTC.",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="Modified at the source, UTC.",
        ),
        sa.Column(
            "last_post_at", sa.DateTime(timezone=True), nullable=True, comment="Latest post, UTC."
        ),
        sa.Column(
            "source_system",
            sa.String(length=32),
            nullable=False,
            comment="Where the row came from: online_service, partnership, or keha (seeded).",
        ),
        sa.Column(
            "source_key",
            sa.Text(),
            nullable=False,
            comment="Stable key of the source record: a normalised URL or the platform's id.",
        ),
        sa.ForeignKeyConstraint(
            ["author_member_id"],
            ["members.id"],
            name=op.f("fk_discussion_threads_author_member_id_members"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_discussion_threads_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_threads")),
        sa.UniqueConstraint(
            "source_system",
            "source_key",
            name=op.f("uq_discussion_threads_source_system_source_key"),
        ),
        comment="A discussion (message-board thread) in a workspace.",
    )
    op.create_index(
        op.f("ix_discussion_threads_author_member_id"), "discussion_threads", ["author_member_id"]
    )
    op.create_index(
        op.f("ix_discussion_threads_workspace_id"), "discussion_threads", ["workspace_id"]
    )

    op.create_table(
        "event_details",
        sa.Column("id", sa.Integer(), nullable=False, comment="Surrogate key."),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False, comment="Start, UTC."),
        sa.Column(
            "ends_at",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="End, UTC; empty when open-ended.",
        ),
        sa.Column("organiser", sa.Text(), nullable=True),
        sa.Column("place", sa.Text(), nullable=True, comment="Venue or address."),
        sa.Column("online_url", sa.Text(), nullable=True, comment="Teams or other meeting link."),
        sa.Column(
            "registration_url",
            sa.Text(),
            nullable=True,
            comment="Registration form, often at an external form service.",
        ),
        sa.Column(
            "source_system",
            sa.String(length=32),
            nullable=False,
            comment="Where the row came from: online_service, partnership, or keha (seeded).",
        ),
        sa.Column(
            "source_key",
            sa.Text(),
            nullable=False,
            comment="Stable key of the source record: a normalised URL or the platform's id.",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["content_items.id"],
            name=op.f("fk_event_details_item_id_content_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_details")),
        sa.UniqueConstraint("item_id", name=op.f("uq_event_details_item_id")),
        sa.UniqueConstraint(
            "source_system", "source_key", name=op.f("uq_event_details_source_system_source_key")
        ),
        comment="When and where an event takes place; one row per event item.",
    )
    op.create_table(
        "memberships",
        sa.Column("id", sa.Integer(), nullable=False, comment="Surrogate key."),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=True),
        sa.Column(
            "role",
            sa.String(length=64),
            nullable=False,
            comment="Role in the workspace, e.g. administrator or member.",
        ),
        sa.Column(
            "workspace_missing",
            sa.Boolean(),
            server_default=sa.false(),
            nullable=False,
            comment="The source named a workspace that the export did not find.",
        ),
        sa.Column(
            "missing_workspace_key",
            sa.Text(),
            nullable=True,
            comment="Source key of the missing workspace.",
        ),
        sa.Column(
            "source_system",
            sa.String(length=32),
            nullable=False,
            comment="Where the row came from: online_service, partnership, or keha (seeded).",
        ),
        sa.Column(
            "source_key",
            sa.Text(),
            nullable=False,
            comment="Stable key of the source record: a normalised URL or the platform's id.",
        ),
        sa.CheckConstraint(
            "(workspace_id IS NULL) = workspace_missing",
            name=op.f("ck_memberships_workspace_missing"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_memberships_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_memberships_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_memberships")),
        sa.UniqueConstraint(
            "member_id",
            "workspace_id",
            "role",
            name=op.f("uq_memberships_member_id_workspace_id_role"),
        ),
        sa.UniqueConstraint(
            "source_system", "source_key", name=op.f("uq_memberships_source_system_source_key")
        ),
        comment="A member's role in a workspace. A member's record can name a workspace the export never found; the membership is then kept with workspace_missing set and the workspace's source key, so nothing is lost silently and the report can list it.",
    )
    op.create_index(op.f("ix_memberships_workspace_id"), "memberships", ["workspace_id"])

    op.create_table(
        "workspace_files",
        sa.Column("id", sa.Integer(), nullable=False, comment="Surrogate key."),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column(
            "folder_path",
            sa.Text(),
            server_default="/",
            nullable=False,
            comment="Folder path in the workspace, / at top.",
        ),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("uploader_member_id", sa.Integer(), nullable=True),
        sa.Column("asset_id", sa.Integer(), nullable=True, comment="The bytes."),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="Uploaded at the source, UTC.",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="Modified at the source, UTC.",
        ),
        sa.Column(
            "source_system",
            sa.String(length=32),
            nullable=False,
            comment="Where the row came from: online_service, partnership, or keha (seeded).",
        ),
        sa.Column(
            "source_key",
            sa.Text(),
            nullable=False,
            comment="Stable key of the source record: a normalised URL or the platform's id.",
        ),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["assets.id"],
            name=op.f("fk_workspace_files_asset_id_assets"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["uploader_member_id"],
            ["members.id"],
            name=op.f("fk_workspace_files_uploader_member_id_members"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_workspace_files_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workspace_files")),
        sa.UniqueConstraint(
            "source_system", "source_key", name=op.f("uq_workspace_files_source_system_source_key")
        ),
        comment="A document shared in a workspace's file area; its bytes are an asset. The asset is empty when the platform refused the download (an empty content URL for a missing permission or a zero-byte file): the row records that the file existed.",
    )
    op.create_index(op.f("ix_workspace_files_asset_id"), "workspace_files", ["asset_id"])
    op.create_index(
        op.f("ix_workspace_files_uploader_member_id"), "workspace_files", ["uploader_member_id"]
    )
    op.create_index(op.f("ix_workspace_files_workspace_id"), "workspace_files", ["workspace_id"])

    op.create_table(
        "discussion_posts",
        sa.Column("id", sa.Integer(), nullable=False, comment="Surrogate key."),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column(
            "parent_post_id",
            sa.Integer(),
            nullable=True,
            comment="The post this one replies to; empty for the opening post.",
        ),
        sa.Column("author_member_id", sa.Integer(), nullable=True),
        sa.Column(
            "author_deleted",
            sa.Boolean(),
            server_default=sa.false(),
            nullable=False,
            comment="The author's account no longer exists at the source.",
        ),
        sa.Column("body_html", sa.Text(), nullable=False, comment="Body as sanitised HTML."),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            nullable=False,
            comment="Posted at the source, UTC.",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="Edited at the source, UTC.",
        ),
        sa.Column(
            "source_system",
            sa.String(length=32),
            nullable=False,
            comment="Where the row came from: online_service, partnership, or keha (seeded).",
        ),
        sa.Column(
            "source_key",
            sa.Text(),
            nullable=False,
            comment="Stable key of the source record: a normalised URL or the platform's id.",
        ),
        sa.ForeignKeyConstraint(
            ["author_member_id"],
            ["members.id"],
            name=op.f("fk_discussion_posts_author_member_id_members"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["parent_post_id"],
            ["discussion_posts.id"],
            name=op.f("fk_discussion_posts_parent_post_id_discussion_posts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["discussion_threads.id"],
            name=op.f("fk_discussion_posts_thread_id_discussion_threads"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_posts")),
        sa.UniqueConstraint(
            "source_system", "source_key", name=op.f("uq_discussion_posts_source_system_source_key")
        ),
        comment="A post (message) in a thread, possibly replying to another post. A post whose author's account is gone keeps the post: author_member_id is empty and author_deleted says why, instead of the post being dropped or misattributed.",
    )
    op.create_index(
        op.f("ix_discussion_posts_author_member_id"), "discussion_posts", ["author_member_id"]
    )
    op.create_index(
        op.f("ix_discussion_posts_parent_post_id"), "discussion_posts", ["parent_post_id"]
    )
    op.create_index(op.f("ix_discussion_posts_thread_id"), "discussion_posts", ["thread_id"])

    op.create_table(
        "faq_entries",
        sa.Column("id", sa.Integer(), nullable=False, comment="Surrogate key."),
        sa.Column("translation_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False, comment="1-based order on the page."),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer_html", sa.Text(), nullable=False, comment="Answer as sanitised HTML."),
        sa.Column(
            "source_system",
            sa.String(length=32),
            nullable=False,
            comment="Where the row came from: online_service, partnership, or keha (seeded).",
        ),
        sa.Column(
            "source_key",
            sa.Text(),
            nullable=False,
            comment="Stable key of the source record: a normalised URL or the platform's id.",
        ),
        sa.ForeignKeyConstraint(
            ["translation_id"],
            ["content_translations.id"],
            name=op.f("fk_faq_entries_translation_id_content_translations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faq_entries")),
        sa.UniqueConstraint(
            "translation_id", "position", name=op.f("uq_faq_entries_translation_id_position")
        ),
        comment="One question and answer block of an FAQ page, in the order the page shows them. Many entries come from one page, so the source key is the page's and the entries are told apart by position; a loader replaces a translation's entries as a whole.",
    )
    op.create_index(
        op.f("ix_faq_entries_source_system_source_key"),
        "faq_entries",
        ["source_system", "source_key"],
    )

    op.create_table(
        "redirects",
        sa.Column("id", sa.Integer(), nullable=False, comment="Surrogate key."),
        sa.Column(
            "old_host",
            sa.String(length=255),
            nullable=False,
            comment="Lower-case host without port, e.g. kotouttaminen.fi.",
        ),
        sa.Column(
            "old_path",
            sa.Text(),
            nullable=False,
            comment="Path, with the query string where it selects the content.",
        ),
        sa.Column(
            "new_path",
            sa.Text(),
            nullable=False,
            comment="Path on the KEHA site, or an absolute URL off it.",
        ),
        sa.Column(
            "status_code",
            sa.Integer(),
            server_default="301",
            nullable=False,
            comment="HTTP status: 301, 302, 307, 308.",
        ),
        sa.Column(
            "reason", sa.String(length=32), nullable=False, comment="Why the redirect exists."
        ),
        sa.Column(
            "translation_id",
            sa.Integer(),
            nullable=True,
            comment="The translation it leads to, if any.",
        ),
        sa.Column(
            "asset_id", sa.Integer(), nullable=True, comment="The asset it leads to, if any."
        ),
        sa.Column(
            "source_system",
            sa.String(length=32),
            nullable=False,
            comment="Where the row came from: online_service, partnership, or keha (seeded).",
        ),
        sa.Column(
            "source_key",
            sa.Text(),
            nullable=False,
            comment="Stable key of the source record: a normalised URL or the platform's id.",
        ),
        sa.CheckConstraint(
            "reason IN ('moved', 'alias', 'legacy_host', 'attachment', 'retired')",
            name=op.f("ck_redirects_reason"),
        ),
        sa.CheckConstraint(
            "status_code IN (301, 302, 307, 308)", name=op.f("ck_redirects_status_code")
        ),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["assets.id"],
            name=op.f("fk_redirects_asset_id_assets"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["translation_id"],
            ["content_translations.id"],
            name=op.f("fk_redirects_translation_id_content_translations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_redirects")),
        sa.UniqueConstraint("old_host", "old_path", name=op.f("uq_redirects_old_host_old_path")),
        comment="One old address (host and path) and where it now leads. Several redirects can come from one source record (a page and its legacy-host twins), so the provenance is indexed, not unique; the old address is unique.",
    )
    op.create_index(op.f("ix_redirects_asset_id"), "redirects", ["asset_id"])
    op.create_index(op.f("ix_redirects_new_path"), "redirects", ["new_path"])
    op.create_index(
        op.f("ix_redirects_source_system_source_key"), "redirects", ["source_system", "source_key"]
    )
    op.create_index(op.f("ix_redirects_translation_id"), "redirects", ["translation_id"])

    op.create_table(
        "translation_assets",
        sa.Column("id", sa.Integer(), nullable=False, comment="Surrogate key."),
        sa.Column("translation_id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column(
            "role", sa.String(length=16), nullable=False, comment="attachment, image or inline."
        ),
        sa.Column(
            "position",
            sa.Integer(),
            server_default="0",
            nullable=False,
            comment="Order among links of one role.",
        ),
        sa.Column("caption", sa.Text(), nullable=True, comment="Image caption or link text."),
        sa.Column("alt_text", sa.Text(), nullable=True, comment="Alternative text of an image."),
        sa.Column(
            "source_system",
            sa.String(length=32),
            nullable=False,
            comment="Where the row came from: online_service, partnership, or keha (seeded).",
        ),
        sa.Column(
            "source_key",
            sa.Text(),
            nullable=False,
            comment="Stable key of the source record: a normalised URL or the platform's id.",
        ),
        sa.CheckConstraint(
            "role IN ('attachment', 'image', 'inline')", name=op.f("ck_translation_assets_role")
        ),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["assets.id"],
            name=op.f("fk_translation_assets_asset_id_assets"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["translation_id"],
            ["content_translations.id"],
            name=op.f("fk_translation_assets_translation_id_content_translations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_translation_assets")),
        sa.UniqueConstraint(
            "translation_id",
            "asset_id",
            "role",
            name=op.f("uq_translation_assets_translation_id_asset_id_role"),
        ),
        comment="An asset used by a translation: a listed attachment, the lead image or an inline image. Links hang on translations, not items, because each language page lists its own files.",
    )
    op.create_index(op.f("ix_translation_assets_asset_id"), "translation_assets", ["asset_id"])
    op.create_index(
        op.f("ix_translation_assets_source_system_source_key"),
        "translation_assets",
        ["source_system", "source_key"],
    )

    op.create_table(
        "translation_contacts",
        sa.Column("id", sa.Integer(), nullable=False, comment="Surrogate key."),
        sa.Column("translation_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "source_system",
            sa.String(length=32),
            nullable=False,
            comment="Where the row came from: online_service, partnership, or keha (seeded).",
        ),
        sa.Column(
            "source_key",
            sa.Text(),
            nullable=False,
            comment="Stable key of the source record: a normalised URL or the platform's id.",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contact_people.id"],
            name=op.f("fk_translation_contacts_contact_id_contact_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["translation_id"],
            ["content_translations.id"],
            name=op.f("fk_translation_contacts_translation_id_content_translations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_translation_contacts")),
        sa.UniqueConstraint(
            "translation_id",
            "contact_id",
            name=op.f("uq_translation_contacts_translation_id_contact_id"),
        ),
        comment="A contact person shown on a translation, in page order.",
    )
    op.create_index(
        op.f("ix_translation_contacts_contact_id"), "translation_contacts", ["contact_id"]
    )
    op.create_index(
        op.f("ix_translation_contacts_source_system_source_key"),
        "translation_contacts",
        ["source_system", "source_key"],
    )

    op.create_table(
        "discussion_post_assets",
        sa.Column("id", sa.Integer(), nullable=False, comment="Surrogate key."),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "source_system",
            sa.String(length=32),
            nullable=False,
            comment="Where the row came from: online_service, partnership, or keha (seeded).",
        ),
        sa.Column(
            "source_key",
            sa.Text(),
            nullable=False,
            comment="Stable key of the source record: a normalised URL or the platform's id.",
        ),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["assets.id"],
            name=op.f("fk_discussion_post_assets_asset_id_assets"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["discussion_posts.id"],
            name=op.f("fk_discussion_post_assets_post_id_discussion_posts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_post_assets")),
        sa.UniqueConstraint(
            "post_id", "asset_id", name=op.f("uq_discussion_post_assets_post_id_asset_id")
        ),
        comment="A file attached to a post.",
    )
    op.create_index(
        op.f("ix_discussion_post_assets_asset_id"), "discussion_post_assets", ["asset_id"]
    )
    op.create_index(
        op.f("ix_discussion_post_assets_source_system_source_key"),
        "discussion_post_assets",
        ["source_system", "source_key"],
    )

    _seed_content_kinds()


def downgrade() -> None:
    # Dependants first; dropping a table drops its indexes.
    op.drop_table("discussion_post_assets")
    op.drop_table("translation_contacts")
    op.drop_table("translation_assets")
    op.drop_table("redirects")
    op.drop_table("faq_entries")
    op.drop_table("discussion_posts")
    op.drop_table("workspace_files")
    op.drop_table("memberships")
    op.drop_table("event_details")
    op.drop_table("discussion_threads")
    op.drop_table("content_translations")
    op.drop_table("content_item_terms")
    op.drop_table("taxonomy_terms")
    op.drop_table("members")
    op.drop_table("content_items")
    op.drop_table("workspaces")
    op.drop_table("taxonomy_vocabularies")
    op.drop_table("organisations")
    op.drop_table("content_kinds")
    op.drop_table("contact_people")
    op.drop_table("assets")
