"""Partnership platform: organisations, members, workspaces and memberships.

Source keys are the platform's own ids (Liferay organisation, user account and site ids),
prefixed by nothing: the source system already says which platform they belong to.
Members are personal data; the loader applies the target's policy (keep, mask, drop).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from transfer.schema.base import Base, Provenance, one_of, unique_source

MEMBER_STATUSES = ("active", "inactive")


class Organisation(Provenance, Base):
    """An organisation on the platform, possibly below a parent organisation.

    Partners of the Integration Partnership Programme are organisations with is_partner set.
    """

    __tablename__ = "organisations"
    __table_args__ = (unique_source(),)

    name: Mapped[str] = mapped_column(Text)
    business_id: Mapped[str | None] = mapped_column(
        String(16), index=True, comment="Finnish business id (Y-tunnus), e.g. 1234567-8."
    )
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    website: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    is_partner: Mapped[bool] = mapped_column(
        default=False,
        server_default=false(),
        comment="Registered partner of the Integration Partnership Programme.",
    )
    commitments: Mapped[str | None] = mapped_column(
        Text, comment="Commitments (lupaukset) the organisation gave, as text."
    )
    created_at: Mapped[datetime | None] = mapped_column(comment="Created at the source, UTC.")
    updated_at: Mapped[datetime | None] = mapped_column(comment="Modified at the source, UTC.")


class Member(Provenance, Base):
    """A registered user of the platform."""

    __tablename__ = "members"
    __table_args__ = (unique_source(), one_of("status", MEMBER_STATUSES))

    display_name: Mapped[str] = mapped_column(Text, comment="Name shown on posts.")
    given_name: Mapped[str | None] = mapped_column(Text)
    family_name: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(Text, index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(
        String(16),
        default="active",
        server_default="active",
        comment="active, or inactive when the account was deactivated.",
    )
    is_deleted: Mapped[bool] = mapped_column(
        default=False,
        server_default=false(),
        comment="The account vanished from the source after it was loaded.",
    )
    is_masked: Mapped[bool] = mapped_column(
        default=False,
        server_default=false(),
        comment="Personal fields were masked by the target's data policy.",
    )
    joined_at: Mapped[datetime | None] = mapped_column(comment="Registration time, UTC.")
    last_login_at: Mapped[datetime | None] = mapped_column(comment="Last login, UTC.")

    organisation: Mapped[Organisation | None] = relationship()


class Workspace(Provenance, Base):
    """A workspace (työtila, a Liferay site) of a working group, project, event or network."""

    __tablename__ = "workspaces"
    __table_args__ = (unique_source(),)

    name: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    old_path: Mapped[str | None] = mapped_column(
        Text, index=True, comment="Friendly URL path on the platform, for redirects."
    )
    membership_type: Mapped[str | None] = mapped_column(
        String(32), comment="Who may join, as the platform said (open, restricted, private)."
    )
    created_at: Mapped[datetime | None] = mapped_column(comment="Created at the source, UTC.")


class Membership(Provenance, Base):
    """A member's role in a workspace.

    A member's record can name a workspace the export never found; the membership is then
    kept with workspace_missing set and the workspace's source key, so nothing is lost
    silently and the report can list it.
    """

    __tablename__ = "memberships"
    __table_args__ = (
        unique_source(),
        UniqueConstraint("member_id", "workspace_id", "role"),
        CheckConstraint("(workspace_id IS NULL) = workspace_missing", name="workspace_missing"),
    )

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    workspace_id: Mapped[int | None] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(
        String(64), comment="Role in the workspace, e.g. administrator or member."
    )
    workspace_missing: Mapped[bool] = mapped_column(
        default=False,
        server_default=false(),
        comment="The source named a workspace that the export did not find.",
    )
    missing_workspace_key: Mapped[str | None] = mapped_column(
        Text, comment="Source key of the missing workspace."
    )

    member: Mapped[Member] = relationship()
    workspace: Mapped[Workspace | None] = relationship()
