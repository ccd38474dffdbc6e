"""Epoch rounds: a week of life on the platform, deterministic from (seed, round).

Round ``k`` happens between ``EPOCH_ZERO + (k-1)·EPOCH_LENGTH`` and ``EPOCH_ZERO +
k·EPOCH_LENGTH``; the sandbox at epoch ``e`` has applied rounds 1..e, so everything it
serves is dated before ``settings.now``. A round adds members (who join workspaces), threads,
replies and files; edits posts, organisations and file metadata (dateModified moves) and
workspace descriptions; deactivates members; and replaces a few files' bytes (new version,
new ``t``).

What a round does not do is as telling for a delta export: a new reply changes neither its
thread's nor its parent's ``dateModified`` (only counts and ``lastPostDate``), a metadata
edit of a file keeps its version and ``t``, and an edited workspace carries no date at all
(Liferay's Site has none): only its content tells.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from transfer.sandbox.platform import boards, people, vocab
from transfer.sandbox.platform.library import Librarian, millis
from transfer.sandbox.platform.model import World
from transfer.sandbox.platform.rng import IdSequence, count, moment, pick, stream
from transfer.sandbox.platform.serial import iso
from transfer.sandbox.platform.text import sentence
from transfer.sandbox.settings import EPOCH_LENGTH, EPOCH_ZERO


def window(k: int) -> tuple[datetime, datetime]:
    """The first and last instant round ``k`` writes at (an hour inside its week)."""
    start = EPOCH_ZERO + (k - 1) * EPOCH_LENGTH
    return start + timedelta(hours=1), start + EPOCH_LENGTH - timedelta(hours=1)


def apply_round(world: World, k: int, scale: float, new_id: IdSequence) -> None:
    """Apply round ``k`` to ``world`` and append what changed to ``world.rounds``.

    ``world`` must be indexed (``reindex``) and hold rounds 1..k-1 already.
    """
    rng = stream(world.seed, "round", k)
    start, end = window(k)
    export = world.export_id
    old_members = [m for m in world.members.values() if m.active and m.id != export]
    old_messages = list(world.messages.values())
    old_documents = [
        d for d in world.documents.values() if not d.missing and d.kind not in ("large", "empty")
    ]
    sites = world.workspaces()
    added: dict[str, list[int]] = {name: [] for name in ("members", "threads", "posts", "files")}
    memberships: list[str] = []
    modified: dict[str, list[int]] = {
        name: [] for name in ("organizations", "workspaces", "threads", "posts", "files")
    }
    # Organisation ids are strings in the API, so they are in the record too.

    screen_names = {m.screen_name for m in world.members.values()}
    emails = {m.email for m in world.members.values() if m.email}
    for _ in range(count(20, scale, 1)):
        member = people.new_member(
            rng, new_id, start, end, sorted(world.organizations), screen_names, emails
        )
        member.last_login = member.created
        world.members[member.id] = member
        added["members"].append(member.id)
        for site in rng.sample(sites, min(len(sites), rng.randint(1, 2))):
            world.site_roles[site.id][member.id] = ()
            memberships.append(f"{site.id}:{member.id}")

    writer = boards.Writer(world, rng, new_id)
    for _ in range(count(25, scale, 1)):
        thread = writer.thread(rng.choice(sites).id, start, end)
        added["threads"].append(thread.id)
        added["posts"].append(thread.root_id)
    threads = list(world.threads.values())
    for n in range(count(75, scale, 2)):
        thread = rng.choice(threads)
        parent = None
        if n == 0:  # a reply to a reply each round: nesting grows between epochs too
            parent = writer.reply(thread, end, after=start)
            added["posts"].append(parent.id)
        added["posts"].append(writer.reply(thread, end, parent, after=start).id)

    librarian = Librarian(world, rng, new_id)
    for _ in range(count(25, scale, 1)):
        added["files"].append(librarian.document(rng.choice(sites).id, start, end).id)

    for message in pick(rng, old_messages, count(30, scale, 1)):
        boards.edit_message(world, message, moment(rng, max(start, message.modified), end))
        modified["posts"].append(message.id)
        if message.parent_id == 0:
            modified["threads"].append(message.thread_id)
    for org in pick(rng, list(world.organizations.values()), count(10, scale, 1)):
        missing = sorted(set(vocab.PRINCIPLES) - set(org.principles))
        if missing:
            org.principles = sorted([*org.principles, rng.choice(missing)])
        else:
            org.web_url = f"https://uusi-{org.id}.example.fi/"
        org.modified = moment(rng, start, end)
        org.committed = org.committed or org.modified
        modified["organizations"].append(org.id)
    for site in pick(rng, sites, count(5, scale, 1)):
        lang = site.default_lang
        site.description = {
            **site.description,
            lang: f"{site.description[lang]} {sentence(rng, lang)}",
        }
        moment(rng, start, end)  # once the edit's date: kept so later draws stay as they were
        modified["workspaces"].append(site.id)
    edited = pick(rng, old_documents, count(10, scale, 1))
    for document in edited:
        document.description = sentence(rng)
        document.modified = moment(rng, start, end)
        modified["files"].append(document.id)
    replaced: list[int] = []
    for document in pick(rng, [d for d in old_documents if d not in edited], count(5, scale, 1)):
        document.modified = moment(rng, start, end)
        document.versions.append(millis(document.modified, rng))
        replaced.append(document.id)
    deactivated: list[int] = []
    for member in pick(rng, old_members, count(5, scale, 1)):
        member.active = False
        member.modified = moment(rng, start, end)
        deactivated.append(member.id)

    world.rounds.append(
        {
            "round": k,
            "from": iso(start - timedelta(hours=1)),
            "until": iso(end + timedelta(hours=1)),
            "added": {
                **{name: sorted(ids) for name, ids in added.items()},
                "memberships": sorted(memberships),
            },
            "modified": {
                name: (
                    [str(i) for i in sorted(set(ids))]
                    if name == "organizations"
                    else sorted(set(ids))
                )
                for name, ids in modified.items()
            },
            "deactivated": sorted(deactivated),
            "replaced": sorted(replaced),
        }
    )
