"""Per entity kind: where its records live, what ``filter``/``sort`` may name, what ``search``
reads, and how it prints.

Filterable and sortable fields follow Liferay's entity models loosely: dates, ids, titles and
names, creator, parent and status fields. Naming anything else in ``filter`` is a 400.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from transfer.sandbox.platform import delivery_json, serializers
from transfer.sandbox.platform.files import FileStore
from transfer.sandbox.platform.model import World
from transfer.sandbox.platform.serializers import Json, View

Field = Callable[[World, Any], object]
_DATES: dict[str, Field] = {
    "dateCreated": lambda w, e: e.created,
    "dateModified": lambda w, e: e.modified,
}


@dataclass(frozen=True)
class Kind:
    name: str
    table: Callable[[World], Mapping[int, Any]]
    fields: Mapping[str, Field]
    search: Callable[[World, Any], str]
    render: Callable[[World, Any, View, FileStore], Json]


def _root(world: World, thread: Any) -> Any:
    return world.messages[thread.root_id]


KINDS: dict[str, Kind] = {
    "organization": Kind(
        "organization",
        lambda w: w.organizations,
        {
            **_DATES,
            "id": lambda w, e: str(e.id),
            "name": lambda w, e: e.name,
            "keywords": lambda w, e: list(e.keywords),
            "parentOrganizationId": lambda w, e: str(e.parent_id),
        },
        lambda w, e: f"{e.name} {e.business_id or ''} {e.town}",
        lambda w, e, v, f: serializers.organization(w, e, v),
    ),
    "user": Kind(
        "user",
        lambda w: w.members,
        {
            **_DATES,
            "id": lambda w, e: e.id,
            "alternateName": lambda w, e: e.screen_name,
            "emailAddress": lambda w, e: e.email,
            "familyName": lambda w, e: e.family,
            "givenName": lambda w, e: e.given,
            "name": lambda w, e: e.name,
            "jobTitle": lambda w, e: e.job_title,
            "lastLoginDate": lambda w, e: e.last_login,
            "status": lambda w, e: "Active" if e.active else "Inactive",
        },
        lambda w, e: f"{e.name} {e.screen_name} {e.email or ''} {e.job_title or ''}",
        lambda w, e, v, f: serializers.user_account(w, e, v),
    ),
    "site": Kind(
        "site",
        lambda w: w.sites,
        {
            "id": lambda w, e: e.id,
            "name": lambda w, e: e.key,
            "friendlyUrlPath": lambda w, e: e.friendly_url,
        },
        lambda w, e: " ".join([*e.name.values(), *e.description.values()]),
        lambda w, e, v, f: serializers.site(w, e, v),
    ),
    "role": Kind(
        "role",
        lambda w: {r.id: r for r in w.roles.values()},
        {"id": lambda w, e: e.id, "name": lambda w, e: e.key, "roleType": lambda w, e: e.role_type},
        lambda w, e: " ".join([e.key, *e.titles.values()]),
        lambda w, e, v, f: serializers.role(w, e, v),
    ),
    "section": Kind(
        "section",
        lambda w: w.sections,
        {
            **_DATES,
            "id": lambda w, e: e.id,
            "title": lambda w, e: e.title,
            "creatorId": lambda w, e: e.creator_id,
            "parentMessageBoardSectionId": lambda w, e: e.parent_id,
        },
        lambda w, e: f"{e.title} {e.description}",
        lambda w, e, v, f: delivery_json.section(w, e, v),
    ),
    "thread": Kind(
        "thread",
        lambda w: w.threads,
        {
            "dateCreated": lambda w, e: _root(w, e).created,
            "dateModified": lambda w, e: _root(w, e).modified,
            "id": lambda w, e: e.id,
            "headline": lambda w, e: _root(w, e).headline,
            "creatorId": lambda w, e: _root(w, e).creator_id,
            "messageBoardSectionId": lambda w, e: e.section_id,
            "showAsQuestion": lambda w, e: e.question,
            "keywords": lambda w, e: list(e.keywords),
        },
        lambda w, e: f"{_root(w, e).headline} {_root(w, e).body}",
        lambda w, e, v, f: delivery_json.thread(w, e, v),
    ),
    "message": Kind(
        "message",
        lambda w: w.messages,
        {
            **_DATES,
            "id": lambda w, e: e.id,
            "headline": lambda w, e: e.headline,
            "creatorId": lambda w, e: e.creator_id,
            "messageBoardThreadId": lambda w, e: e.thread_id,
            "showAsAnswer": lambda w, e: e.answer,
        },
        lambda w, e: f"{e.headline} {e.body}",
        lambda w, e, v, f: delivery_json.message(w, e, v),
    ),
    "folder": Kind(
        "folder",
        lambda w: w.folders,
        {
            **_DATES,
            "id": lambda w, e: e.id,
            "name": lambda w, e: e.name,
            "creatorId": lambda w, e: e.creator_id,
            "parentDocumentFolderId": lambda w, e: e.parent_id,
        },
        lambda w, e: f"{e.name} {e.description}",
        lambda w, e, v, f: delivery_json.folder(w, e, v),
    ),
    "document": Kind(
        "document",
        lambda w: w.documents,
        {
            **_DATES,
            "id": lambda w, e: e.id,
            "title": lambda w, e: e.title,
            "creatorId": lambda w, e: e.creator_id,
            "documentFolderId": lambda w, e: e.folder_id,
            "fileExtension": lambda w, e: e.extension,
            "encodingFormat": lambda w, e: e.mime,
        },
        lambda w, e: f"{e.title} {e.file_name} {e.description}",
        delivery_json.document,
    ),
}
