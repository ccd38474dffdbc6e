"""Members (Liferay user accounts), the export account, and members deleted after posting."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime

from transfer.sandbox.platform import vocab
from transfer.sandbox.platform.model import Member, World
from transfer.sandbox.platform.rng import count, moment, pick, stream
from transfer.sandbox.platform.text import ascii_slug

_EMAIL_DOMAINS = ("example.fi", "example.org", "kunta.test", "esimerkki.test")
MEMBER_ROLES = ("Power User",)
EXPORT_ROLES = ("Administrator", "Power User")


def add_export_account(
    world: World, new_id: Callable[[], int], username: str, created: datetime
) -> Member:
    """The administrator account the export signs in with; it belongs to every workspace."""
    account = Member(
        id=new_id(),
        given="Vienti",
        family="Ylläpitäjä",
        screen_name="export-admin",
        email=username,
        job_title="Pääkäyttäjä",
        phone=None,
        language="fi",
        created=created,
        modified=created,
        last_login=created,
        active=True,
        org_ids=[],
        regular_roles=EXPORT_ROLES,
    )
    world.members[account.id] = account
    world.export_id = account.id
    return account


def generate(
    world: World, scale: float, new_id: Callable[[], int], start: datetime, end: datetime
) -> None:
    """Add about 2,500 × scale members, some inactive, some without e-mail or login."""
    rng = stream(world.seed, "members")
    total = count(2500, scale, 50) - 1  # the export account is one of the 2,500
    screen_names = {m.screen_name for m in world.members.values()}
    emails = {m.email for m in world.members.values() if m.email}
    org_ids = sorted(world.organizations)
    created: list[Member] = []
    for _ in range(total):
        member = new_member(rng, new_id, start, end, org_ids, screen_names, emails)
        world.members[member.id] = member
        created.append(member)
    for member in pick(rng, created, count(150, scale, 1)):
        member.active = False
        member.modified = moment(rng, member.created, end)
    for member in pick(rng, [m for m in created if m.active], count(120, scale, 1)):
        member.email = None
    for _ in range(count(25, scale, 2)):
        deleted = new_member(rng, new_id, start, end, org_ids, screen_names, emails)
        world.deleted_members[deleted.id] = deleted.name


def new_member(
    rng: random.Random,
    new_id: Callable[[], int],
    start: datetime,
    end: datetime,
    org_ids: list[int],
    screen_names: set[str],
    emails: set[str],
) -> Member:
    """One ordinary member with a unique screen name and e-mail address."""
    given = rng.choice(vocab.GIVEN_NAMES)
    family = rng.choice(vocab.FAMILY_NAMES)
    base = ascii_slug(f"{given} {family}").replace("-", ".")
    screen = base
    suffix = 1
    while screen in screen_names:
        suffix += 1
        screen = f"{base}{suffix}"
    screen_names.add(screen)
    email = f"{screen}@{rng.choice(_EMAIL_DOMAINS)}"
    while email in emails:
        email = f"{screen}.{rng.randrange(100)}@{rng.choice(_EMAIL_DOMAINS)}"
    emails.add(email)
    created = moment(rng, start, end)
    roll = rng.random()
    orgs = rng.sample(org_ids, 2 if roll < 0.1 else 1) if roll < 0.75 and org_ids else []
    return Member(
        id=new_id(),
        given=given,
        family=family,
        screen_name=screen,
        email=email,
        job_title=rng.choice(vocab.JOB_TITLES) if rng.random() < 0.5 else None,
        # Invented numbers in one fixed block, so they are easy to recognise as test data.
        phone=f"+358 40 000 {rng.randrange(1000, 9999)}" if rng.random() < 0.3 else None,
        language=rng.choices(vocab.LANGUAGES, weights=(80, 12, 8))[0],
        created=created,
        modified=moment(rng, created, end) if rng.random() < 0.4 else created,
        last_login=moment(rng, created, end) if rng.random() < 0.9 else None,
        active=True,
        org_ids=sorted(orgs),
        regular_roles=MEMBER_ROLES,
    )
