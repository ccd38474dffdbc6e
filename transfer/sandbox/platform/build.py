"""Builds the platform's :class:`World` for one set of sandbox settings.

Order matters and is fixed: roles and taxonomy first, then the export account,
organisations, members, workspaces, discussions and files, each from its own random stream,
then the portal's default site, then epoch rounds 1..epoch. All generated ids come from one
sequence, as Liferay's counter does; the default site's id is fixed and below them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from transfer.sandbox.platform import boards, epochs, library, organizations, people, workspaces
from transfer.sandbox.platform.model import Role, World
from transfer.sandbox.platform.rng import IdSequence, stream
from transfer.sandbox.platform.vocab import PRINCIPLES
from transfer.sandbox.settings import EPOCH_ZERO, SandboxSettings

#: The platform's beta launch; nothing on it is older.
LAUNCH = datetime(2021, 11, 30, 9, 0, tzinfo=UTC)

#: Liferay's system roles (keys) with the titles the platform's administrators gave them.
ROLES: tuple[tuple[str, int, dict[str, str]], ...] = (
    ("Administrator", 1, {"fi": "Pääkäyttäjä", "sv": "Administratör", "en": "Administrator"}),
    ("Power User", 1, {"fi": "Käyttäjä", "sv": "Användare", "en": "Power User"}),
    (
        "Site Owner",
        2,
        {"fi": "Työtilan omistaja", "sv": "Ägare av arbetsrymden", "en": "Site Owner"},
    ),
    (
        "Site Administrator",
        2,
        {
            "fi": "Työtilan ylläpitäjä",
            "sv": "Arbetsrymdens administratör",
            "en": "Site Administrator",
        },
    ),
    (
        "Site Member",
        2,
        {"fi": "Työtilan jäsen", "sv": "Medlem i arbetsrymden", "en": "Site Member"},
    ),
    (
        "Organization User",
        3,
        {"fi": "Organisaation käyttäjä", "sv": "Organisationsanvändare", "en": "Organization User"},
    ),
)


def build_world(settings: SandboxSettings) -> World:
    """The platform as it stands at ``settings.epoch`` (indexed, rounds applied)."""
    world = World(seed=settings.seed, variants=settings.variants)
    new_id = IdSequence(stream(settings.seed, "ids"))
    for key, role_type, titles in ROLES:
        world.roles[key] = Role(id=new_id(), key=key, role_type=role_type, titles=titles)
    for key in PRINCIPLES:
        world.principle_ids[key] = new_id()
    end = EPOCH_ZERO - timedelta(hours=1)
    scale = settings.scale
    export = people.add_export_account(world, new_id, settings.platform_username, LAUNCH)
    organizations.generate(world, scale, new_id, LAUNCH, end, export.id)
    people.generate(world, scale, new_id, LAUNCH, end)
    workspaces.generate(world, scale, new_id, LAUNCH, end)
    boards.generate(world, scale, new_id, end)
    library.generate(world, scale, new_id, end)
    workspaces.add_default_site(world, LAUNCH)
    world.reindex()
    for k in range(1, settings.epoch + 1):
        epochs.apply_round(world, k, scale, new_id)
        world.reindex()
    return world
