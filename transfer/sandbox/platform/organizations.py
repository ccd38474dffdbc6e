"""Partner organisations, their business ids, commitments and deliberate duplicates.

The programme's register grew over years and several campaigns, so some organisations were
registered twice: once more with the same business id written another way (see
``business_id.VARIANTS``), or with the same name written differently and no business id.
Both kinds are recorded in ``World.duplicates`` with their rule.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable
from datetime import datetime

from transfer.sandbox.platform import business_id, vocab
from transfer.sandbox.platform.model import Duplicate, Organization, World
from transfer.sandbox.platform.rng import count, moment, pick, stream
from transfer.sandbox.platform.text import ascii_slug

_LEGAL_FORMS = {"ry", "rf", "oy", "ab", "oyj", "sr"}


def normalised_name(name: str) -> str:
    """The duplicate-detection key: lower case, punctuation as spaces, single spaces, no
    legal-form word."""
    words = re.sub(r"[^\w\s]|_", " ", unicodedata.normalize("NFKC", name).lower()).split()
    return " ".join(word for word in words if word not in _LEGAL_FORMS)


def _respelled(name: str, index: int) -> str:
    """The same organisation's name as another person typed it."""
    spellings: tuple[Callable[[str], str], ...] = (
        lambda n: n.upper() if len(n) < 30 else n.lower(),
        lambda n: (
            re.sub(r" (ry|rf|sr)$", r" \1.", n) if re.search(r" (ry|rf|sr)$", n) else n + " ry"
        ),
        lambda n: "  ".join(n.split(" ")),
        lambda n: (
            re.sub(r" (ry|rf|sr|Oy|Ab)$", "", n)
            if re.search(r" (ry|rf|sr|Oy|Ab)$", n)
            else n + " Oy"
        ),
        # a hyphen typed as a space, or a space as a hyphen ("X-yhdistys" / "X yhdistys")
        lambda n: n.replace("-", " ") if "-" in n else n.replace(" ", "-", 1),
    )
    return spellings[index % len(spellings)](name)


def generate(
    world: World,
    scale: float,
    new_id: Callable[[], int],
    start: datetime,
    end: datetime,
    creator_id: int,
) -> None:
    """Add about 600 × scale organisations to ``world``, duplicates and sub-units included."""
    rng = stream(world.seed, "organizations")
    total = count(600, scale, 12)
    id_dups = count(12, scale, 1)
    name_dups = count(12, scale, 1)
    units = count(50, scale, 2)  # the last one is a unit of a unit
    originals = total - id_dups - name_dups - units
    seen_names: set[str] = set()
    seen_ids: set[str] = set()
    for _ in range(originals):
        org = _organization(rng, new_id, start, end, creator_id, seen_names, seen_ids)
        world.organizations[org.id] = org
    tops = list(world.organizations.values())
    # Sub-units one level below a top organisation, and one unit two levels deep.
    unit = None
    for n, parent in enumerate(pick(rng, tops, units - 1)):
        unit_name = f"{parent.name}, {vocab.ORG_UNITS[n % len(vocab.ORG_UNITS)]}"
        unit = _organization(
            rng,
            new_id,
            parent.created,
            end,
            creator_id,
            seen_names,
            seen_ids,
            name=unit_name,
            parent_id=parent.id,
            with_business_id=False,
        )
        world.organizations[unit.id] = unit
    if unit is not None:
        team = _organization(
            rng,
            new_id,
            unit.created,
            end,
            creator_id,
            seen_names,
            seen_ids,
            name=f"{unit.name}, tiimi 1",
            parent_id=unit.id,
            with_business_id=False,
        )
        world.organizations[team.id] = team
    with_ids = [o for o in tops if o.business_id]
    id_originals = pick(rng, with_ids, id_dups)
    for n, original in enumerate(id_originals):
        assert original.business_id is not None
        copy = _organization(
            rng,
            new_id,
            original.created,
            end,
            creator_id,
            set(),
            set(),
            name=_similar_name(rng, original.name, seen_names),
        )
        copy.business_id = business_id.variant(original.business_id, n)
        world.organizations[copy.id] = copy
        world.duplicates.append(
            Duplicate("business-id", original.business_id, (original.id, copy.id))
        )
    others = [o for o in tops if o not in id_originals]
    for n, original in enumerate(pick(rng, others, name_dups)):
        copy = _organization(
            rng,
            new_id,
            original.created,
            end,
            creator_id,
            set(),
            set(),
            name=_respelled(original.name, n),
            with_business_id=False,
        )
        world.organizations[copy.id] = copy
        world.duplicates.append(
            Duplicate("normalised-name", normalised_name(original.name), (original.id, copy.id))
        )


def _new_name(rng: random.Random, seen: set[str]) -> str:
    for attempt in range(200):
        name = rng.choice(vocab.ORG_PATTERNS).format(
            town=rng.choice(vocab.TOWNS), root=rng.choice(vocab.TOWN_ROOTS)
        )
        if attempt >= 100:  # the patterns ran out at this scale: number the name
            name = f"{name} {attempt}"
        if normalised_name(name) not in seen:
            return name
    raise RuntimeError("organisation names exhausted; add patterns to vocab.ORG_PATTERNS")


def _similar_name(rng: random.Random, name: str, seen: set[str]) -> str:
    """A name for an id-duplicate: often the same words in another order or abbreviated."""
    candidate = name.replace("Kotoutumisyhdistys", "Kotoutumisyhd.").replace(
        "Monikulttuurikeskus", "Monikult. keskus"
    )
    if normalised_name(candidate) in seen:
        candidate = f"{name} ({rng.choice(vocab.REGIONS)})"
    seen.add(normalised_name(candidate))
    return candidate


def _organization(
    rng: random.Random,
    new_id: Callable[[], int],
    start: datetime,
    end: datetime,
    creator_id: int,
    seen_names: set[str],
    seen_ids: set[str],
    *,
    name: str | None = None,
    parent_id: int = 0,
    with_business_id: bool | None = None,
) -> Organization:
    town = rng.choice(vocab.TOWNS)
    if name is None:
        name = _new_name(rng, seen_names)
    seen_names.add(normalised_name(name))
    if with_business_id is None:
        with_business_id = rng.random() < 0.85
    bid = None
    if with_business_id:
        bid = business_id.generate(rng)
        while bid in seen_ids:
            bid = business_id.generate(rng)
        seen_ids.add(bid)
    created = moment(rng, start, end)
    modified = moment(rng, created, end) if rng.random() < 0.5 else created
    principles = sorted(rng.sample(sorted(vocab.PRINCIPLES), rng.randint(0, 4)))
    keywords = sorted(rng.sample(vocab.CAMPAIGN_KEYWORDS, rng.randint(0, 2)))
    slug = ascii_slug(name)[:40].strip("-")
    return Organization(
        id=new_id(),
        name=name,
        parent_id=parent_id,
        business_id=bid,
        principles=principles,
        keywords=keywords,
        town=town,
        region=rng.choice(vocab.REGIONS),
        email=f"info@{slug}.{vocab.ORG_EMAIL_DOMAIN}" if rng.random() < 0.6 else None,
        web_url=f"https://{slug}.example.fi/" if rng.random() < 0.5 else None,
        phone=f"+358 9 {rng.randrange(100, 999)} {rng.randrange(1000, 9999)}"
        if rng.random() < 0.3
        else None,
        creator_id=creator_id,
        created=created,
        modified=modified,
        committed=moment(rng, created, end) if principles else None,
    )
