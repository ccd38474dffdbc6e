"""Partnership platform: discussion threads and posts in workspaces, and workspace files."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from transfer.schema.assets import Asset
from transfer.schema.base import Base, Provenance, source_index, unique_source
from transfer.schema.platform import Member


class DiscussionThread(Provenance, Base):
    """A discussion (message-board thread) in a workspace.

    Liferay's message-board sections only group a workspace's threads; KEHA has no section
    entity and its taxonomy terms are a vocabulary shared across content, which a
    workspace's own sections are not. So the section survives as the thread's
    section_path (the chain of section names), which loses nothing and invents neither.
    """

    __tablename__ = "discussion_threads"
    __table_args__ = (unique_source(),)

    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(Text)
    section_path: Mapped[str | None] = mapped_column(
        Text, comment="Message-board section chain at the source by name, / at the top."
    )
    author_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), index=True, comment="Who started it."
    )
    author_deleted: Mapped[bool] = mapped_column(
        default=False,
        server_default=false(),
        comment="The starter's account no longer exists at the source.",
    )
    is_locked: Mapped[bool] = mapped_column(
        default=False, server_default=false(), comment="Closed to new posts."
    )
    created_at: Mapped[datetime] = mapped_column(comment="Started at the source, UTC.")
    updated_at: Mapped[datetime | None] = mapped_column(comment="Modified at the source, UTC.")
    last_post_at: Mapped[datetime | None] = mapped_column(comment="Latest post, UTC.")

    posts: Mapped[list[DiscussionPost]] = relationship(
        back_populates="thread",
        order_by="DiscussionPost.created_at",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class DiscussionPost(Provenance, Base):
    """A post (message) in a thread, possibly replying to another post.

    A post whose author's account is gone keeps the post: author_member_id is empty and
    author_deleted says why, instead of the post being dropped or misattributed.
    """

    __tablename__ = "discussion_posts"
    __table_args__ = (unique_source(),)

    thread_id: Mapped[int] = mapped_column(
        ForeignKey("discussion_threads.id", ondelete="CASCADE"), index=True
    )
    parent_post_id: Mapped[int | None] = mapped_column(
        ForeignKey("discussion_posts.id", ondelete="SET NULL"),
        index=True,
        comment="The post this one replies to; empty for the opening post.",
    )
    author_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), index=True
    )
    author_deleted: Mapped[bool] = mapped_column(
        default=False,
        server_default=false(),
        comment="The author's account no longer exists at the source.",
    )
    body_html: Mapped[str] = mapped_column(Text, comment="Body as sanitised HTML.")
    created_at: Mapped[datetime] = mapped_column(comment="Posted at the source, UTC.")
    updated_at: Mapped[datetime | None] = mapped_column(comment="Edited at the source, UTC.")

    thread: Mapped[DiscussionThread] = relationship(back_populates="posts")
    author: Mapped[Member | None] = relationship()


class DiscussionPostAsset(Provenance, Base):
    """A file attached to a post."""

    __tablename__ = "discussion_post_assets"
    __table_args__ = (UniqueConstraint("post_id", "asset_id"), source_index())

    post_id: Mapped[int] = mapped_column(ForeignKey("discussion_posts.id", ondelete="CASCADE"))
    asset_id: Mapped[int] = mapped_column(ForeignKey("assets.id", ondelete="RESTRICT"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class WorkspaceFile(Provenance, Base):
    """A document shared in a workspace's file area; its bytes are an asset.

    The asset is empty when the platform refused the download (an empty content URL for a
    missing permission or a zero-byte file): the row records that the file existed.
    """

    __tablename__ = "workspace_files"
    __table_args__ = (unique_source(),)

    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    folder_path: Mapped[str] = mapped_column(
        Text, default="/", server_default="/", comment="Folder path in the workspace, / at top."
    )
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    uploader_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), index=True
    )
    asset_id: Mapped[int | None] = mapped_column(
        ForeignKey("assets.id", ondelete="RESTRICT"), index=True, comment="The bytes."
    )
    created_at: Mapped[datetime | None] = mapped_column(comment="Uploaded at the source, UTC.")
    updated_at: Mapped[datetime | None] = mapped_column(comment="Modified at the source, UTC.")

    asset: Mapped[Asset | None] = relationship()
    uploader: Mapped[Member | None] = relationship()
