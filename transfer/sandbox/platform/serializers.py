"""Admin-user entities → the JSON shapes of Liferay's headless APIs (LIFERAY-API.md §4).

Conventions followed throughout: keys without a value are left out; dates are
``2025-03-03T07:00:00Z``; organisation ids are strings while every other id (including
``OrganizationBrief.id``) is a number; plain localised fields hold the value in the request
language, falling back to the entity's default language; ``*_i18n`` maps appear only when the
request sends ``X-Accept-All-Languages: true``.

Where the platform keeps an organisation's business id: the custom field (expando)
``businessId`` of data type ``Text``, printed like every Liferay custom field:
``{"customValue": {"data": "9123456-7"}, "dataType": "Text", "name": "businessId"}``. The date
an organisation committed to the programme's principles is the ``Date`` custom field
``commitmentDate``; the principles themselves are taxonomy categories
(``taxonomyCategoryBriefs``), and older campaign pledges are keywords (``lupaus-2015``).

No field beyond those Liferay serves (``shared/liferay-fields.json``; the conformance test
``tests/sandbox/test_platform_conformance.py`` holds every path to it): an exporter written
against the replica must work against the portal, so it may not rely on anything more. In
particular ``Site`` has no dates at all, so an edit of a workspace cannot be found by date;
an exporter finds it as against Liferay, by comparing the site's content with what it
exported before. Role titles are translated on the platform, so ``RoleBrief.name`` is e.g.
"Työtilan ylläpitäjä" in Finnish; ``key`` keeps Liferay's role name ("Site Administrator").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from transfer.sandbox.platform.model import Member, Organization, Role, Site, World
from transfer.sandbox.platform.serial import iso
from transfer.sandbox.platform.vocab import DELETED_USER_LABEL, PRINCIPLES, W3C
from transfer.sandbox.settings import PLATFORM_HOST

ADMIN_BASE = f"https://{PLATFORM_HOST}/o/headless-admin-user/v1.0"
DELIVERY_BASE = f"https://{PLATFORM_HOST}/o/headless-delivery/v1.0"
PLATFORM_LANG = "fi"
Json = dict[str, Any]


@dataclass(frozen=True)
class View:
    """How the request wants entities printed."""

    lang: str | None = None  # "fi" | "sv" | "en" from Accept-Language, None: each default
    all_langs: bool = False  # X-Accept-All-Languages: true
    content_value: bool = False  # nestedFields=contentValue on documents


def localised(values: dict[str, str], default: str, view: View) -> str:
    """The value in the request language, or in the entity's default language."""
    if view.lang and view.lang in values:
        return values[view.lang]
    return values.get(default) or next(iter(values.values()))


def _i18n(out: Json, key: str, values: dict[str, str], view: View) -> None:
    if view.all_langs:
        out[f"{key}_i18n"] = {W3C[lang]: value for lang, value in values.items()}


def actions(base: str, path: str, *verbs: tuple[str, str]) -> Json:
    """An item's ``actions`` map: what the export account may do, with absolute hrefs."""
    return {name: {"href": f"{base}{path}", "method": method} for name, method in verbs}


_READ_WRITE = (("delete", "DELETE"), ("get", "GET"), ("replace", "PUT"), ("update", "PATCH"))


def creator(world: World, member_id: int) -> Json:
    """A ``Creator``; for deleted accounts only what the stored post still names."""
    member = world.members.get(member_id)
    if member is None and "creator-names" in world.variants:
        # the post kept its author's name, but no id points at the gone account
        return {"contentType": "UserAccount", "name": world.deleted_members.get(member_id, "")}
    if member is None:
        return {"contentType": "UserAccount", "id": member_id, "name": DELETED_USER_LABEL}
    return {
        "contentType": "UserAccount",
        "familyName": member.family,
        "givenName": member.given,
        "id": member.id,
        "name": member.name,
    }


def role_brief(role: Role, view: View) -> Json:
    out: Json = {
        "id": role.id,
        "key": role.key,
        "name": localised(role.titles, PLATFORM_LANG, view),
        "roleType": role.role_type,
    }
    _i18n(out, "name", role.titles, view)
    return out


def role(world: World, role_: Role, view: View) -> Json:
    out: Json = {
        "availableLanguages": [W3C[lang] for lang in role_.titles],
        "id": role_.id,
        "name": localised(role_.titles, PLATFORM_LANG, view),
        "roleType": {1: "regular", 2: "site", 3: "organization"}[role_.role_type],
    }
    _i18n(out, "name", role_.titles, view)
    return out


def organization(world: World, org: Organization, view: View) -> Json:
    ix = world.index
    out: Json = {
        "actions": actions(ADMIN_BASE, f"/organizations/{org.id}", *_READ_WRITE),
        "creator": creator(world, org.creator_id),
        "dateCreated": iso(org.created),
        "dateModified": iso(org.modified),
        "externalReferenceCode": f"ORG-{org.id}",
        "id": str(org.id),
        "keywords": list(org.keywords),
        "location": {
            "addressCountry": {"fi": "Suomi", "sv": "Finland"}.get(
                view.lang or PLATFORM_LANG, "Finland"
            ),
            "addressCountryCode": "FI",
            "addressRegion": org.region,
        },
        "name": org.name,
        "numberOfOrganizations": len(ix.org_children.get(org.id, [])),
        "numberOfUsers": len(ix.org_members.get(org.id, [])),
        "taxonomyCategoryBriefs": [_category(world, key, view) for key in org.principles],
        "treePath": _tree_path(world, org),
    }
    fields = []
    if org.business_id is not None:
        fields.append(
            {"customValue": {"data": org.business_id}, "dataType": "Text", "name": "businessId"}
        )
    if org.committed is not None:
        fields.append(
            {
                "customValue": {"data": iso(org.committed)},
                "dataType": "Date",
                "name": "commitmentDate",
            }
        )
    if fields:
        out["customFields"] = fields
    contact: Json = {"emailAddresses": [], "postalAddresses": [], "telephones": [], "webUrls": []}
    if org.email:
        contact["emailAddresses"].append(
            {
                "emailAddress": org.email,
                "id": org.id * 10 + 1,
                "primary": True,
                "type": "email-address",
            }
        )
    if org.phone:
        contact["telephones"].append(
            {
                "extension": "",
                "id": org.id * 10 + 2,
                "phoneNumber": org.phone,
                "phoneType": "business",
                "primary": True,
            }
        )
    if org.web_url:
        contact["webUrls"].append({"id": org.id * 10 + 3, "url": org.web_url, "urlType": "public"})
    out["organizationContactInformation"] = contact
    if org.parent_id:
        parent = world.organizations[org.parent_id]
        out["parentOrganization"] = {"id": str(parent.id), "name": parent.name}
    return out


def _tree_path(world: World, org: Organization) -> str:
    chain = [org.id]
    while world.organizations[chain[-1]].parent_id:
        chain.append(world.organizations[chain[-1]].parent_id)
    return "/" + "/".join(str(i) for i in reversed(chain)) + "/"


def _category(world: World, key: str, view: View) -> Json:
    names = PRINCIPLES[key]
    out: Json = {
        "taxonomyCategoryId": world.principle_ids[key],
        "taxonomyCategoryName": localised(names, PLATFORM_LANG, view),
    }
    _i18n(out, "taxonomyCategoryName", names, view)
    return out


def site_brief(world: World, site: Site, roles: tuple[str, ...], view: View) -> Json:
    out: Json = {
        "descriptiveName": localised(site.name, site.default_lang, view),
        "id": site.id,
        "name": localised(site.name, site.default_lang, view),
        "roleBriefs": [role_brief(world.roles[key], view) for key in roles],
    }
    _i18n(out, "descriptiveName", site.name, view)
    _i18n(out, "name", site.name, view)
    return out


def user_account(world: World, member: Member, view: View) -> Json:
    lang_id = W3C[member.language].replace("-", "_")
    sites = [
        site_brief(world, world.sites[site_id], world.roles_in(site_id, member.id), view)
        for site_id in world.index.member_sites.get(member.id, [])
    ]
    for site_id, old_name in member.missing_sites:
        sites.append(
            {"descriptiveName": old_name, "id": site_id, "name": old_name, "roleBriefs": []}
        )
    out: Json = {
        "actions": actions(ADMIN_BASE, f"/user-accounts/{member.id}", *_READ_WRITE),
        "alternateName": member.screen_name,
        "dateCreated": iso(member.created),
        "dateModified": iso(member.modified),
        "externalReferenceCode": f"USR-{member.id}",
        "familyName": member.family,
        "givenName": member.given,
        "hasLoginDate": member.last_login is not None,
        "id": member.id,
        "keywords": [],
        "languageId": lang_id,
        "name": member.name,
        "organizationBriefs": [
            {"id": org_id, "name": world.organizations[org_id].name, "roleBriefs": []}
            for org_id in member.org_ids
        ],
        "roleBriefs": [role_brief(world.roles[key], view) for key in member.regular_roles],
        "siteBriefs": sites,
        "status": "Active" if member.active else "Inactive",
        "userAccountContactInformation": {
            "emailAddresses": [],
            "postalAddresses": [],
            "webUrls": [],
            "telephones": []
            if not member.phone
            else [
                {
                    "extension": "",
                    "id": member.id * 10 + 2,
                    "phoneNumber": member.phone,
                    "phoneType": "business",
                    "primary": True,
                }
            ],
        },
        "userGroupBriefs": [],
    }
    if member.email:
        out["emailAddress"] = member.email
    if member.job_title:
        out["jobTitle"] = member.job_title
    if member.last_login:
        out["lastLoginDate"] = iso(member.last_login)
    return out


def site(world: World, site_: Site, view: View) -> Json:
    out: Json = {
        "availableLanguages": [W3C[lang] for lang in site_.name],
        "descriptiveName": localised(site_.name, site_.default_lang, view),
        "friendlyUrlPath": site_.friendly_url,
        "id": site_.id,
        "key": site_.key,
        "membershipType": site_.membership_type,
        "name": localised(site_.name, site_.default_lang, view),
        "sites": [],
    }
    if site_.creator_id:  # 0: the portal's default user (default site), no account
        out["creator"] = creator(world, site_.creator_id)
    if site_.description:
        out["description"] = localised(site_.description, site_.default_lang, view)
        _i18n(out, "description", site_.description, view)
    _i18n(out, "descriptiveName", site_.name, view)
    _i18n(out, "name", site_.name, view)
    return out
