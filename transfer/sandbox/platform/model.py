"""The platform's entities as plain records, and the :class:`World` that holds and indexes them.

Records mirror what Liferay stores (a message board thread and its root message are two
records, a document keeps one modified-time per version), not what the API prints: the
serializers turn them into the JSON shapes of ``LIFERAY-API.md``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(slots=True)
class Role:
    id: int
    key: str  # Liferay's role name, e.g. "Site Administrator"
    role_type: int  # 1 regular, 2 site, 3 organization (RoleBrief.roleType)
    titles: dict[str, str]  # per language; the platform translated the system roles


@dataclass(slots=True)
class Organization:
    id: int
    name: str
    parent_id: int  # 0: top level
    business_id: str | None  # as registered: the spelling varies (see business_id.py)
    principles: list[str]  # keys of vocab.PRINCIPLES the organisation committed to
    keywords: list[str]
    town: str
    region: str
    email: str | None
    web_url: str | None
    phone: str | None
    creator_id: int
    created: datetime
    modified: datetime
    committed: datetime | None


@dataclass(slots=True)
class Member:
    id: int
    given: str
    family: str
    screen_name: str
    email: str | None  # absent for some social-login accounts
    job_title: str | None
    phone: str | None
    language: str
    created: datetime
    modified: datetime
    last_login: datetime | None
    active: bool
    org_ids: list[int]
    regular_roles: tuple[str, ...]
    #: siteBriefs pointing at workspaces that were deleted: (site id, old name).
    missing_sites: list[tuple[int, str]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.given} {self.family}"


@dataclass(slots=True)
class Site:
    id: int
    key: str
    name: dict[str, str]  # per language; at least the default language
    description: dict[str, str]
    default_lang: str
    friendly_url: str  # "/tyotila-..."
    membership_type: str  # open | restricted | private
    creator_id: int
    #: When the workspace was set up: the earliest date of anything in it. Never served:
    #: Liferay's Site has no dates, so an edit of a workspace shows only in its content.
    created: datetime


@dataclass(slots=True)
class Section:
    id: int
    site_id: int
    parent_id: int  # 0: top level
    title: str
    description: str
    friendly_url: str
    creator_id: int
    created: datetime
    modified: datetime


@dataclass(slots=True)
class Thread:
    id: int
    site_id: int
    section_id: int  # 0: the site's root, outside every section
    root_id: int  # the thread's root message carries headline, body and dates
    thread_type: str
    question: bool
    view_count: int
    keywords: list[str]


@dataclass(slots=True)
class Message:
    id: int
    thread_id: int
    site_id: int
    section_id: int
    parent_id: int  # 0 for the thread's root message
    creator_id: int
    #: "member", or for posts of deleted members "deleted-label" (creator kept with a generic
    #: name) or "deleted-absent" (no creator at all, as Liferay prints a missing user).
    creator_kind: str
    headline: str
    body: str
    encoding: str  # "html" or "bbcode"
    erc: str
    friendly_url: str
    created: datetime
    modified: datetime
    revision: int = 0
    answer: bool = False


@dataclass(slots=True)
class Folder:
    id: int
    site_id: int
    parent_id: int  # 0: the site's root folder
    name: str
    description: str
    creator_id: int
    created: datetime
    modified: datetime


@dataclass(slots=True)
class Document:
    id: int
    site_id: int
    folder_id: int
    title: str
    file_name: str
    extension: str
    mime: str
    kind: str  # body generator: pdf, docx, txt, csv, png, large, empty
    uuid: str
    creator_id: int
    description: str
    created: datetime
    modified: datetime
    #: Modified time in milliseconds of each version; the last is current ("1.<n-1>").
    versions: list[int]
    missing: bool = False  # listed by the API, 404 at download

    @property
    def version(self) -> str:
        return f"1.{len(self.versions) - 1}"


@dataclass(frozen=True)
class Duplicate:
    """Registrations of one organisation: ``rule`` is "business-id" or "normalised-name"."""

    rule: str
    key: str
    ids: tuple[int, ...]


@dataclass
class Indexes:
    """Child lists by parent id, each in ascending id order (the API's default order)."""

    org_children: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    org_members: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    member_sites: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    site_members: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    section_children: dict[tuple[int, int], list[int]] = field(
        default_factory=lambda: defaultdict(list)
    )  # (site, parent section) → sections
    site_sections: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    section_threads: dict[tuple[int, int], list[int]] = field(
        default_factory=lambda: defaultdict(list)
    )  # (site, section) → threads
    site_threads: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    message_children: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    thread_messages: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    site_messages: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    folder_children: dict[tuple[int, int], list[int]] = field(
        default_factory=lambda: defaultdict(list)
    )  # (site, parent folder) → folders
    site_folders: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    folder_documents: dict[tuple[int, int], list[int]] = field(
        default_factory=lambda: defaultdict(list)
    )  # (site, folder) → documents
    site_documents: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    member_by_email: dict[str, int] = field(default_factory=dict)
    site_by_url: dict[str, int] = field(default_factory=dict)
    document_by_uuid: dict[str, int] = field(default_factory=dict)


@dataclass
class World:
    """Everything the platform holds at one epoch."""

    seed: int
    roles: dict[str, Role] = field(default_factory=dict)
    principle_ids: dict[str, int] = field(default_factory=dict)
    organizations: dict[int, Organization] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    #: Every site the API serves: the workspaces and the portal's default site.
    sites: dict[int, Site] = field(default_factory=dict)
    #: The portal's default site ("/guest"), 0 when there is none. Not a workspace: every
    #: account belongs to it, so its memberships are derived (``reindex``), not stored.
    default_site_id: int = 0
    #: workspace id → member id → explicit site roles (keys); membership itself is implicit.
    site_roles: dict[int, dict[int, tuple[str, ...]]] = field(default_factory=dict)
    sections: dict[int, Section] = field(default_factory=dict)
    threads: dict[int, Thread] = field(default_factory=dict)
    messages: dict[int, Message] = field(default_factory=dict)
    folders: dict[int, Folder] = field(default_factory=dict)
    documents: dict[int, Document] = field(default_factory=dict)
    export_id: int = 0
    #: Accounts deleted after they posted: id → full name they had.
    deleted_members: dict[int, str] = field(default_factory=dict)
    #: names of the sandbox variants it serves (transfer.sandbox.settings.VARIANTS)
    variants: frozenset[str] = frozenset()
    duplicates: list[Duplicate] = field(default_factory=list)
    #: One record per applied epoch round (see epochs.py).
    rounds: list[dict[str, object]] = field(default_factory=list)
    index: Indexes = field(default_factory=Indexes)

    def reindex(self) -> None:
        """Rebuild every child list; call after generation and after each epoch round."""
        ix = Indexes()
        for org in self.organizations.values():
            ix.org_children[org.parent_id].append(org.id)
        for member in self.members.values():
            for org_id in member.org_ids:
                ix.org_members[org_id].append(member.id)
            if member.email:
                ix.member_by_email[member.email.lower()] = member.id
        for site_id, roles in self.site_roles.items():
            for member_id in roles:
                ix.member_sites[member_id].append(site_id)
                ix.site_members[site_id].append(member_id)
        if self.default_site_id:
            for member_id in self.members:
                ix.member_sites[member_id].append(self.default_site_id)
                ix.site_members[self.default_site_id].append(member_id)
        for site in self.sites.values():
            ix.site_by_url[site.friendly_url] = site.id
        for section in self.sections.values():
            ix.section_children[(section.site_id, section.parent_id)].append(section.id)
            ix.site_sections[section.site_id].append(section.id)
        for thread in self.threads.values():
            ix.section_threads[(thread.site_id, thread.section_id)].append(thread.id)
            ix.site_threads[thread.site_id].append(thread.id)
        for message in self.messages.values():
            if message.parent_id:
                ix.message_children[message.parent_id].append(message.id)
            ix.thread_messages[message.thread_id].append(message.id)
            ix.site_messages[message.site_id].append(message.id)
        for folder in self.folders.values():
            ix.folder_children[(folder.site_id, folder.parent_id)].append(folder.id)
            ix.site_folders[folder.site_id].append(folder.id)
        for document in self.documents.values():
            ix.folder_documents[(document.site_id, document.folder_id)].append(document.id)
            ix.site_documents[document.site_id].append(document.id)
            ix.document_by_uuid[document.uuid] = document.id
        for lists in (
            ix.org_children,
            ix.org_members,
            ix.member_sites,
            ix.site_members,
            ix.section_children,
            ix.site_sections,
            ix.section_threads,
            ix.site_threads,
            ix.message_children,
            ix.thread_messages,
            ix.site_messages,
            ix.folder_children,
            ix.site_folders,
            ix.folder_documents,
            ix.site_documents,
        ):
            for ids in lists.values():
                ids.sort()
        self.index = ix

    def members_of(self, site_id: int) -> list[int]:
        return self.index.site_members.get(site_id, [])

    def workspaces(self) -> list[Site]:
        """The sites that are workspaces (every site but the default one), by id."""
        return [s for i, s in sorted(self.sites.items()) if i != self.default_site_id]

    def roles_in(self, site_id: int, member_id: int) -> tuple[str, ...]:
        """A member's explicit roles in a site (none in the default site)."""
        return self.site_roles.get(site_id, {}).get(member_id, ())

    def descendants(self, children: dict[int, list[int]], root: int) -> Iterator[int]:
        """Every id below ``root`` in a parent → children map, depth first."""
        stack = list(reversed(children.get(root, [])))
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(children.get(node, [])))

    def folder_subtree(self, site_id: int, folder_id: int) -> list[int]:
        """``folder_id`` and every folder below it."""
        found = [folder_id]
        stack = [folder_id]
        while stack:
            for child in self.index.folder_children.get((site_id, stack.pop()), []):
                found.append(child)
                stack.append(child)
        return found
