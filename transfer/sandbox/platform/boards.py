"""Discussions: message-board sections, threads and messages, as Liferay stores them.

A thread is a record of its own plus a root message (headline, body, dates); replies hang
below the root message or below other replies. Some threads sit outside every section
(section id 0), so the site's non-flattened thread list shows only those. Some posts are by
members deleted since, and a few of the oldest posts are BBCode rather than HTML.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime

from transfer.sandbox.platform import phrases, text
from transfer.sandbox.platform.model import Message, Section, Thread, World
from transfer.sandbox.platform.rng import count, moment, pick, stable_uuid, stream


class Writer:
    """Adds sections, threads and replies to a world, keeping its own per-thread lists."""

    def __init__(self, world: World, rng: random.Random, new_id: Callable[[], int]) -> None:
        self.world = world
        self.rng = rng
        self.new_id = new_id
        self.by_thread: dict[int, list[Message]] = defaultdict(list)
        self.sections_of: dict[int, list[int]] = defaultdict(list)
        for message in world.messages.values():
            self.by_thread[message.thread_id].append(message)
        for section in world.sections.values():
            self.sections_of[section.site_id].append(section.id)

    def author(self, site_id: int) -> int:
        """A member of the site other than the export account."""
        return self.rng.choice(
            [m for m in self.world.site_roles[site_id] if m != self.world.export_id]
        )

    def section(
        self, site_id: int, parent_id: int, title: str, after: datetime, end: datetime
    ) -> Section:
        rng = self.rng
        created = moment(rng, after, end)
        section = Section(
            id=self.new_id(),
            site_id=site_id,
            parent_id=parent_id,
            title=title,
            description=text.sentence(rng),
            friendly_url=text.ascii_slug(title),
            creator_id=self.author(site_id),
            created=created,
            modified=moment(rng, created, end) if rng.random() < 0.3 else created,
        )
        self.world.sections[section.id] = section
        self.sections_of[site_id].append(section.id)
        return section

    def thread(
        self, site_id: int, after: datetime, end: datetime, *, root_level: bool = False
    ) -> Thread:
        """A new thread and its root message, in a random section of the site or its root."""
        rng = self.rng
        sections = [] if root_level else self.sections_of[site_id]
        section_id = rng.choice(sections) if sections and rng.random() < 0.75 else 0
        headline = text.headline(rng)
        created = moment(rng, after, end)
        thread_id, root_id = self.new_id(), self.new_id()
        root = Message(
            id=root_id,
            thread_id=thread_id,
            site_id=site_id,
            section_id=section_id,
            parent_id=0,
            creator_id=self.author(site_id),
            creator_kind="member",
            headline=headline,
            body=text.html_body(rng),
            encoding="html",
            erc=stable_uuid(self.world.seed, "msg", root_id),
            friendly_url=f"{text.ascii_slug(headline)}-{root_id}",
            created=created,
            modified=created,
        )
        thread = Thread(
            id=thread_id,
            site_id=site_id,
            section_id=section_id,
            root_id=root_id,
            thread_type="Sticky" if rng.random() < 0.05 else "Normal",
            question=rng.random() < 0.3,
            view_count=rng.randrange(5, 900),
            keywords=sorted(
                rng.sample(("kokous", "kysely", "koulutus", "tapahtuma"), rng.randint(0, 2))
            ),
        )
        self.world.threads[thread.id] = thread
        self.world.messages[root.id] = root
        self.by_thread[thread.id].append(root)
        return thread

    def reply(
        self,
        thread: Thread,
        end: datetime,
        parent: Message | None = None,
        after: datetime | None = None,
    ) -> Message:
        """A reply in ``thread`` below ``parent`` (or a random message of the thread), dated
        after both the parent and ``after``."""
        rng = self.rng
        messages = self.by_thread[thread.id]
        if parent is None:
            parent = messages[0] if rng.random() < 0.6 else rng.choice(messages)
        root_headline = messages[0].headline
        reply_id = self.new_id()
        reply = Message(
            id=reply_id,
            thread_id=thread.id,
            site_id=thread.site_id,
            section_id=thread.section_id,
            parent_id=parent.id,
            creator_id=self.author(thread.site_id),
            creator_kind="member",
            headline=f"RE: {root_headline}",
            body=text.html_body(rng),
            encoding="html",
            erc=stable_uuid(self.world.seed, "msg", reply_id),
            friendly_url=f"re-{text.ascii_slug(root_headline)}-{reply_id}",
            created=(created := moment(rng, max(parent.created, after or parent.created), end)),
            modified=created,
            answer=thread.question and parent.parent_id == 0 and rng.random() < 0.2,
        )
        self.world.messages[reply.id] = reply
        messages.append(reply)
        return reply


def generate(world: World, scale: float, new_id: Callable[[], int], end: datetime) -> None:
    """Add sections, about 1,500 × scale threads and 6,000 × scale posts in all."""
    rng = stream(world.seed, "boards")
    writer = Writer(world, rng, new_id)
    sites = world.workspaces()
    for n, site in enumerate(sites):
        titles = rng.sample(phrases.SECTION_TITLES, rng.choice((0, 1, 1, 2, 2, 3)))
        if n == 0:
            titles = titles or [phrases.SECTION_TITLES[0]]
        tops = [writer.section(site.id, 0, title, site.created, end) for title in titles]
        # One site at least has a sub-section, so section nesting exists at every scale.
        if tops and (n == 0 or rng.random() < 0.2):
            writer.section(
                site.id, tops[0].id, rng.choice(phrases.SUBSECTION_TITLES), tops[0].created, end
            )
    for n in range(count(1500, scale, 30)):
        site = sites[n] if n < len(sites) else rng.choice(sites)
        # The first thread sits at the site root, so that case exists at every scale.
        writer.thread(site.id, site.created, end, root_level=n == 0)
    threads = list(world.threads.values())
    # A chain root → reply → reply-to-reply, so nested replies exist at every scale.
    first = writer.reply(threads[0], end, world.messages[threads[0].root_id])
    writer.reply(threads[0], end, first)
    for _ in range(count(4500, scale, 90) - 2):
        writer.reply(rng.choice(threads), end)
    messages = list(world.messages.values())
    deleted = sorted(world.deleted_members)
    for n, message in enumerate(pick(rng, messages, count(60, scale, 2))):
        message.creator_id = deleted[n % len(deleted)]
        absent = n == 1 or (n > 1 and rng.random() < 0.2)
        message.creator_kind = "deleted-absent" if absent else "deleted-label"
    for message in pick(rng, [m for m in messages if m.parent_id == 0], count(30, scale, 1)):
        message.encoding = "bbcode"
        message.body = text.bbcode_body(rng)


def edit_message(world: World, message: Message, when: datetime) -> None:
    """A new revision of the message's body, as an edit by its author."""
    message.revision += 1
    rng = stream(world.seed, "edit", message.id, message.revision)
    message.body = (
        text.bbcode_body(rng, message.revision)
        if message.encoding == "bbcode"
        else text.html_body(rng, message.revision)
    )
    message.modified = when
