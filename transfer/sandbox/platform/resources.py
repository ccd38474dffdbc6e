"""The API's resources: which records each path names, with Liferay's ``flatten`` rules.

Without ``flatten=true`` a site's lists hold only what sits at its root: top-level sections
and folders, threads outside every section, documents in the root folder, and (for
``/sites/{id}/message-board-messages``) the messages of those root threads. ``/organizations``
likewise lists only top-level organisations. A thread's message list holds the root
message's direct replies only; deeper replies come from each message's own list.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from transfer.sandbox.platform.model import World
from transfer.sandbox.wire import Request


class NotFound(LookupError):
    """The path names no record (or a parent that does not exist)."""


@dataclass(frozen=True)
class Listing:
    kind: str
    ids: list[int]
    paging_only: bool = False  # the operation takes page and pageSize only


@dataclass(frozen=True)
class Single:
    kind: str
    id: int


Selection = Listing | Single
Handler = Callable[[World, dict[str, str], Request], Selection]


def _number(raw: str) -> int:
    if not raw.isdigit():  # JAX-RS cannot convert the path parameter: 404
        raise NotFound(raw)
    return int(raw)


def _existing(table: Mapping[int, object], raw: str) -> int:
    value = _number(raw)
    if value not in table:
        raise NotFound(raw)
    return value


def _flatten(request: Request) -> bool:
    return request.param("flatten").lower() == "true"


def _site(world: World, a: dict[str, str]) -> int:
    return _existing(world.sites, a["site"])


def by_email(world: World, a: dict[str, str], r: Request) -> Selection:
    member = world.index.member_by_email.get(a["email"].lower())
    if member is None:
        raise NotFound(a["email"])
    return Single("user", member)


def by_url(world: World, a: dict[str, str], r: Request) -> Selection:
    site = world.index.site_by_url.get("/" + a["path"].strip("/"))
    if site is None:
        raise NotFound(a["path"])
    return Single("site", site)


def by_status(world: World, a: dict[str, str], r: Request) -> Selection:
    if a["status"] not in ("Active", "Inactive"):
        raise NotFound(a["status"])
    active = a["status"] == "Active"
    return Listing("user", [m.id for m in world.members.values() if m.active == active])


def organizations(world: World, a: dict[str, str], r: Request) -> Selection:
    ix = world.index
    if "org" in a:
        root = _existing(world.organizations, a["org"])
        if _flatten(r):
            return Listing("organization", sorted(world.descendants(ix.org_children, root)))
        return Listing("organization", ix.org_children.get(root, []))
    if _flatten(r):
        return Listing("organization", sorted(world.organizations))
    return Listing("organization", ix.org_children.get(0, []))


def child_messages(world: World, a: dict[str, str], r: Request) -> Selection:
    parent = _existing(world.messages, a["message"])
    below = world.index.message_children
    if _flatten(r):
        return Listing("message", sorted(world.descendants(below, parent)))
    return Listing("message", below.get(parent, []))


def site_messages(world: World, a: dict[str, str], r: Request) -> Selection:
    ids = world.index.site_messages.get(_site(world, a), [])
    if not _flatten(r):
        ids = [i for i in ids if world.messages[i].section_id == 0]
    return Listing("message", ids)


def folder_documents(world: World, a: dict[str, str], r: Request) -> Selection:
    folder = world.folders[_existing(world.folders, a["folder"])]
    ix = world.index
    if not _flatten(r):
        return Listing("document", ix.folder_documents.get((folder.site_id, folder.id), []))
    found = [
        d
        for f in world.folder_subtree(folder.site_id, folder.id)
        for d in ix.folder_documents.get((folder.site_id, f), [])
    ]
    return Listing("document", sorted(found))


def site_list(kind: str, flat: str, root: str) -> Handler:
    """A site's list: the whole ``flat`` index with flatten=true, else the (site, 0) entry."""

    def handler(world: World, a: dict[str, str], r: Request) -> Selection:
        site = _site(world, a)
        index = getattr(world.index, flat if _flatten(r) else root)
        return Listing(kind, index.get(site if _flatten(r) else (site, 0), []))

    return handler


def children(kind: str, table: str, index: str, parameter: str) -> Handler:
    """Direct children (by (site, parent) index) of a section or folder."""

    def handler(world: World, a: dict[str, str], r: Request) -> Selection:
        records = getattr(world, table)
        parent = records[_existing(records, a[parameter])]
        return Listing(kind, getattr(world.index, index).get((parent.site_id, parent.id), []))

    return handler


def single(kind: str, table: str, parameter: str) -> Handler:
    def handler(world: World, a: dict[str, str], r: Request) -> Selection:
        return Single(kind, _existing(getattr(world, table), a[parameter]))

    return handler


def no_attachments(table: str, parameter: str) -> Handler:
    """Nobody attached files to posts on the platform: an existing parent, an empty list."""

    def handler(world: World, a: dict[str, str], r: Request) -> Selection:
        _existing(getattr(world, table), a[parameter])
        return Listing("document", [], paging_only=True)

    return handler


def my_account(world: World, a: dict[str, str], r: Request) -> Selection:
    return Single("user", world.export_id)


def my_sites(world: World, a: dict[str, str], r: Request) -> Selection:
    """The export account belongs to every workspace: the only way to list them all. Like
    every account, it belongs to the portal's default site too, which is listed as well."""
    return Listing("site", world.index.member_sites.get(world.export_id, []), paging_only=True)


def site_members(world: World, a: dict[str, str], r: Request) -> Selection:
    return Listing("user", world.members_of(_site(world, a)))


def all_members(world: World, a: dict[str, str], r: Request) -> Selection:
    return Listing("user", sorted(world.members))


def organization_members(world: World, a: dict[str, str], r: Request) -> Selection:
    org = _existing(world.organizations, a["org"])
    return Listing("user", world.index.org_members.get(org, []))


def roles(world: World, a: dict[str, str], r: Request) -> Selection:
    return Listing("role", sorted(role.id for role in world.roles.values()))


def role(world: World, a: dict[str, str], r: Request) -> Selection:
    return Single("role", _existing({x.id: x for x in world.roles.values()}, a["role"]))


def thread_messages(world: World, a: dict[str, str], r: Request) -> Selection:
    """The root message's direct replies: nested ones only from each message's own list."""
    thread = world.threads[_existing(world.threads, a["thread"])]
    return Listing("message", world.index.message_children.get(thread.root_id, []))
