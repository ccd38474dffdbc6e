"""Workspaces (Liferay sites), their memberships, memberships of deleted workspaces, and the
portal's default site.

Each workspace has an owner (its creator, explicit role "Site Owner"), zero to two
administrators ("Site Administrator") and plain members. Plain membership has no explicit
role: Liferay's "Site Member" role is implicit and never appears in ``siteBriefs[].roleBriefs``.
The export account is a plain member of every workspace.

Not every site is a workspace: like every Liferay portal, the platform has its default site
(``/guest``, named "Liferay DXP"), to which every account belongs. It is served like any
site (in ``/my-user-account/sites``, in every account's ``siteBriefs``, with every account
in ``/sites/{id}/user-accounts``) but holds no discussions and no files.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime

from transfer.sandbox.platform import phrases, vocab
from transfer.sandbox.platform.model import Site, World
from transfer.sandbox.platform.rng import count, moment, pick, stream
from transfer.sandbox.platform.text import ascii_slug, paragraph

OWNER = "Site Owner"
ADMINISTRATOR = "Site Administrator"

#: The default site's group id: fixed, as in a portal installed from one bundle, and below
#: every generated id (the id sequence starts at 30100), so adding it moves no other id.
DEFAULT_SITE_ID = 20121
DEFAULT_SITE_NAME = "Liferay DXP"
DEFAULT_SITE_URL = "/guest"


def workspace_names(rng: random.Random, taken: set[str]) -> dict[str, str]:
    """Names of one workspace in fi, sv and en (the caller keeps the languages it wants)."""
    for attempt in range(500):
        topic = rng.randrange(len(phrases.TOPICS["fi"]))
        kind = rng.randrange(len(phrases.WORKSPACE_KINDS["fi"]))
        extra = ""
        if attempt or rng.random() < 0.4:
            extra = (
                f" {rng.choice(vocab.TOWNS)}"
                if rng.random() < 0.5
                else f" {rng.randint(2019, 2025)}"
            )
        names = {
            lang: f"{phrases.TOPICS[lang][topic]}: {phrases.WORKSPACE_KINDS[lang][kind]}{extra}"
            for lang in vocab.LANGUAGES
        }
        if names["fi"] not in taken:
            taken.add(names["fi"])
            return names
    raise RuntimeError("workspace names exhausted; add topics to phrases.TOPICS")


def _languages(roll: float) -> tuple[str, tuple[str, ...]]:
    """Default language and languages of a workspace: most are written in Finnish only."""
    if roll < 0.1:
        return "sv", ("sv", "fi")
    if roll < 0.35:
        return "fi", ("fi", "sv", "en")
    if roll < 0.45:
        return "fi", ("fi", "en")
    return "fi", ("fi",)


def generate(
    world: World, scale: float, new_id: Callable[[], int], start: datetime, end: datetime
) -> None:
    """Add about 300 × scale workspaces with memberships (about 12 members each)."""
    rng = stream(world.seed, "workspaces")
    members = [m for m in world.members.values() if m.id != world.export_id]
    taken: set[str] = set()
    urls: set[str] = set()
    for _ in range(count(300, scale, 6)):
        creator = rng.choice(members)
        names = workspace_names(rng, taken)
        default, langs = _languages(rng.random())
        name = {lang: names[lang] for lang in langs}
        url = "/" + ascii_slug(name[default])
        while url in urls:
            url += "-2"
        urls.add(url)
        created = moment(rng, max(start, creator.created), end)
        site = Site(
            id=new_id(),
            key=name[default],
            name=name,
            description={lang: paragraph(rng, lang, 1) for lang in langs},
            default_lang=default,
            friendly_url=url,
            membership_type=rng.choices(("open", "restricted", "private"), (40, 45, 15))[0],
            creator_id=creator.id,
            created=created,
        )
        # This draw once dated the workspace's last edit, which Liferay's Site does not
        # carry; it stays so that every later draw, and so the whole world, is unchanged.
        if rng.random() < 0.5:
            moment(rng, created, end)
        world.sites[site.id] = site
        roles: dict[int, tuple[str, ...]] = {creator.id: (OWNER,)}
        for admin in rng.sample(members, rng.randint(0, 2)):
            roles.setdefault(admin.id, (ADMINISTRATOR,))
        for member in rng.sample(members, min(len(members), rng.randint(2, 18))):
            roles.setdefault(member.id, ())
        roles[world.export_id] = ()
        world.site_roles[site.id] = dict(sorted(roles.items()))
    for member in pick(rng, members, count(25, scale, 1)):
        gone = workspace_names(rng, taken)
        member.missing_sites.append((new_id(), gone["fi"]))


def add_default_site(world: World, created: datetime) -> Site:
    """The portal's default site: every account a plain member of it (see ``World.reindex``).

    Its creator is the portal's own default user, which is no account of the platform, so
    it prints no ``creator``; it has no description.
    """
    site = Site(
        id=DEFAULT_SITE_ID,
        key="Guest",
        name=dict.fromkeys(vocab.LANGUAGES, DEFAULT_SITE_NAME),
        description={},
        default_lang="fi",
        friendly_url=DEFAULT_SITE_URL,
        membership_type="open",
        creator_id=0,
        created=created,
    )
    world.sites[site.id] = site
    world.default_site_id = site.id
    return site
