"""Ground truth of the platform replica: everything it serves, and every trap in it.

``truth(settings, world, files)`` returns a JSON-serialisable dict with these keys
(ids as the API prints them: organisation ids are strings, all others numbers; dates are
``2025-03-03T07:00:00Z``):

- ``host``, ``seed``, ``scale``, ``epoch``, ``now``: what was built.
- ``credentials``: the names of the settings that hold the credentials (never their values)
  and ``token_lifetime_s``; ``export_account``: the id of the account the export signs in
  as (its ``email_address`` is that setting's value, so it is left out below).
- Collections, each a list sorted by id:
  ``organizations`` (id, name, parent_id, business_id as registered, business_id_normalised,
  normalised_name, principles, keywords, date_modified);
  ``members`` (id, name, alternate_name, email_address or null, status, organization_ids,
  date_modified, export_account);
  ``workspaces``: the sites that are workspaces, i.e. every site the API serves but those
  in ``non_workspace_sites`` (id, name in the default language, names and descriptions per
  W3C language, friendly_url_path, default_language, membership_type; no date: Liferay's
  Site has none, so an edited workspace is told by its descriptions);
  ``memberships``: of workspaces only (site_id, member_id, roles: the explicit site roles;
  membership itself means the implicit "Site Member");
  ``sections`` (id, site_id, parent_id, title, date_modified);
  ``threads`` (id, site_id, section_id, root_message_id, headline, date_modified);
  ``posts``: every message, thread roots included (id, thread_id, site_id, parent_id or null
  for a root, creator_id, headline, encoding_format, body_sha256 of ``articleBody``,
  date_modified);
  ``folders`` (id, site_id, parent_id, name, date_modified);
  ``files`` (id, site_id, folder_id, title, file_name, size, media_type, sha256 of the bytes
  a download serves — null when ``missing`` — version, content_url, missing, large,
  date_modified).
- Traps: ``duplicate_organizations`` (rule ``business-id`` or ``normalised-name``, the shared
  key, ids) with the ``duplicate_rules`` spelled out; ``deleted_members`` (id, name);
  ``posts_by_deleted_members`` (post_id, creator_id, variant ``label``: a creator with the
  deleted id and a generic name, or ``absent``: no creator); ``memberships_of_missing_workspaces``
  (member_id, site_id, name); ``inactive_members``; ``members_without_email``;
  ``missing_files``, ``large_files``, ``empty_files`` (ids).
- ``non_workspace_sites``: the sites the API serves that are not workspaces: the portal's
  default site (id, name, friendly_url_path ``/guest``, kind ``default``, member_count).
  Every account, the export account and inactive ones included, is a member of it; those
  memberships are in neither ``memberships`` nor ``changes``, and it holds no sections,
  threads, posts, folders or files.
- ``changes``: per applied epoch round: round, from, until, added (members, memberships of
  workspaces as ``"site:member"``, threads, posts, files), modified (organizations,
  workspaces, threads, posts, files), deactivated (members), replaced (files with new bytes
  and version).
- ``counts``: entities per collection above (so ``workspaces`` and ``memberships`` leave
  the default site out); ``public_pages``: key, language and path of each.
"""

from __future__ import annotations

import hashlib
from typing import Any

from transfer.sandbox.platform import business_id, vocab
from transfer.sandbox.platform.delivery_json import content_url
from transfer.sandbox.platform.files import FileStore
from transfer.sandbox.platform.model import World
from transfer.sandbox.platform.organizations import normalised_name
from transfer.sandbox.platform.pages import page_path
from transfer.sandbox.platform.serial import iso
from transfer.sandbox.settings import PLATFORM_HOST, SandboxSettings

Record = dict[str, Any]


def _sha(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def collections(world: World, files: FileStore) -> dict[str, list[Record]]:
    """Every entity the API serves, by collection."""
    w = world
    out: dict[str, list[Record]] = {}
    out["organizations"] = [
        {
            "id": str(o.id),
            "name": o.name,
            "parent_id": str(o.parent_id) if o.parent_id else None,
            "business_id": o.business_id,
            "business_id_normalised": business_id.normalise(o.business_id)
            if o.business_id
            else None,
            "normalised_name": normalised_name(o.name),
            "principles": o.principles,
            "keywords": o.keywords,
            "date_modified": iso(o.modified),
        }
        for o in sorted(w.organizations.values(), key=lambda o: o.id)
    ]
    out["members"] = [
        {
            "id": m.id,
            "name": m.name,
            "alternate_name": m.screen_name,
            "email_address": None if m.id == w.export_id else m.email,
            "status": "Active" if m.active else "Inactive",
            "organization_ids": [str(i) for i in m.org_ids],
            "date_modified": iso(m.modified),
            "export_account": m.id == w.export_id,
        }
        for m in sorted(w.members.values(), key=lambda m: m.id)
    ]
    out["workspaces"] = [
        {
            "id": s.id,
            "name": s.name[s.default_lang],
            "names": {vocab.W3C[lang]: name for lang, name in s.name.items()},
            "friendly_url_path": s.friendly_url,
            "default_language": vocab.W3C[s.default_lang],
            "membership_type": s.membership_type,
            "descriptions": {vocab.W3C[lang]: text for lang, text in s.description.items()},
        }
        for s in w.workspaces()
    ]
    out["memberships"] = [
        {"site_id": site_id, "member_id": member_id, "roles": list(roles)}
        for site_id in sorted(w.site_roles)
        for member_id, roles in sorted(w.site_roles[site_id].items())
    ]
    out["sections"] = [
        {
            "id": s.id,
            "site_id": s.site_id,
            "parent_id": s.parent_id or None,
            "title": s.title,
            "date_modified": iso(s.modified),
        }
        for s in sorted(w.sections.values(), key=_id)
    ]
    out["threads"] = [
        {
            "id": t.id,
            "site_id": t.site_id,
            "section_id": t.section_id,
            "root_message_id": t.root_id,
            "headline": w.messages[t.root_id].headline,
            "date_modified": iso(w.messages[t.root_id].modified),
        }
        for t in sorted(w.threads.values(), key=_id)
    ]
    out["posts"] = [
        {
            "id": m.id,
            "thread_id": m.thread_id,
            "site_id": m.site_id,
            "parent_id": m.parent_id or None,
            "creator_id": m.creator_id,
            "headline": m.headline,
            "encoding_format": m.encoding,
            "body_sha256": _sha(m.body),
            "date_modified": iso(m.modified),
        }
        for m in sorted(w.messages.values(), key=_id)
    ]
    out["folders"] = [
        {
            "id": f.id,
            "site_id": f.site_id,
            "parent_id": f.parent_id or None,
            "name": f.name,
            "date_modified": iso(f.modified),
        }
        for f in sorted(w.folders.values(), key=_id)
    ]
    out["files"] = []
    for d in sorted(w.documents.values(), key=_id):
        size, digest = files.facts(d)
        out["files"].append(
            {
                "id": d.id,
                "site_id": d.site_id,
                "folder_id": d.folder_id,
                "title": d.title,
                "file_name": d.file_name,
                "size": size,
                "media_type": d.mime,
                "sha256": None if d.missing else digest,
                "version": d.version,
                "content_url": content_url(d, size),
                "missing": d.missing,
                "large": d.kind == "large",
                "date_modified": iso(d.modified),
            }
        )
    return out


def _id(entity: Any) -> int:
    return int(entity.id)


def truth(settings: SandboxSettings, world: World, files: FileStore) -> dict[str, Any]:
    """The whole ground truth (see the module docstring for every key)."""
    w = world
    data = collections(world, files)
    result: dict[str, Any] = {
        "host": PLATFORM_HOST,
        "seed": settings.seed,
        "scale": settings.scale,
        "epoch": settings.epoch,
        "now": iso(settings.now),
        "credentials": {
            "basic": ["platform_username", "platform_password"],
            "oauth2": ["client_id", "client_secret"],
            "token_endpoint": "/o/oauth2/token",
            "token_lifetime_s": settings.token_lifetime_s,
        },
        "export_account": {"id": w.export_id, "username_setting": "platform_username"},
        **data,
        "non_workspace_sites": [
            {
                "id": s.id,
                "name": s.name[s.default_lang],
                "friendly_url_path": s.friendly_url,
                "kind": "default",
                "member_count": len(w.members_of(s.id)),
            }
            for s in sorted(w.sites.values(), key=_id)
            if s.id == w.default_site_id
        ],
        "duplicate_organizations": [
            {"rule": d.rule, "key": d.key, "ids": [str(i) for i in d.ids]} for d in w.duplicates
        ],
        "duplicate_rules": {
            "business-id": "digits only, a leading FI dropped, written NNNNNNN-N",
            "normalised-name": "lower case; every punctuation mark (dots, commas, hyphens, ...) "
            "a space; spaces collapsed; the legal-form words ry, rf, oy, ab, oyj, sr dropped",
        },
        "deleted_members": [{"id": i, "name": n} for i, n in sorted(w.deleted_members.items())],
        "posts_by_deleted_members": [
            {
                "post_id": m.id,
                "creator_id": m.creator_id,
                "variant": "absent" if m.creator_kind == "deleted-absent" else "label",
            }
            for m in sorted(w.messages.values(), key=_id)
            if m.creator_kind != "member"
        ],
        "memberships_of_missing_workspaces": [
            {"member_id": m.id, "site_id": site_id, "name": name}
            for m in sorted(w.members.values(), key=_id)
            for site_id, name in m.missing_sites
        ],
        "inactive_members": sorted(m.id for m in w.members.values() if not m.active),
        "members_without_email": sorted(m.id for m in w.members.values() if not m.email),
        "missing_files": sorted(d.id for d in w.documents.values() if d.missing),
        "large_files": sorted(d.id for d in w.documents.values() if d.kind == "large"),
        "empty_files": sorted(d.id for d in w.documents.values() if d.kind == "empty"),
        "changes": list(w.rounds),
        "counts": {name: len(items) for name, items in data.items()},
        "public_pages": [
            {"key": key, "language": vocab.W3C[lang], "path": page_path(lang, slugs[lang])}
            for key, slugs, _ in vocab.PUBLIC_PAGES
            for lang in vocab.LANGUAGES
        ],
    }
    return result
