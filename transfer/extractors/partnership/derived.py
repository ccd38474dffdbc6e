"""Steps derived from what the walk saved: the export account, memberships of workspaces the
workspace list lacks, and threads whose messages came up short.

Each step is idempotent in a pass (a resumed export repeats only what is not done), and a
step that fails is recorded like a failed collection, so the next run retries it.
"""

from __future__ import annotations

from typing import Any

from transfer.extractors.partnership.api import ADMIN, DELIVERY, Api, ApiError, Json, Page
from transfer.extractors.partnership.entities import (
    brief_id,
    clean,
    entity_id,
    key_of,
    record,
)
from transfer.extractors.partnership.integrity import creator_flags
from transfer.extractors.partnership.walk import Batch, Collection, Walker
from transfer.records import SourceRecord
from transfer.stores.staging import StagingStore

FLAT = {"flatten": "true"}
MISSING_WORKSPACES = "memberships-of-missing-workspaces"


class DerivedSteps:
    """Mixed into the export: the steps between and after its collections."""

    walker: Walker
    api: Api
    store: StagingStore
    member_ids: set[str]
    workspace_ids: set[str]

    def _posts(self, page: Page, state: dict[str, Any]) -> Batch:
        raise NotImplementedError

    def _membership(
        self, site: str, member: str, brief: Json | None, flags: list[str], page_url: str
    ) -> SourceRecord:
        raise NotImplementedError

    def _export_account(self) -> str | None:
        body = self.api.entity(f"{ADMIN}/my-user-account")
        return entity_id(body) if body is not None else None

    def _missing_workspaces(self) -> None:
        """Memberships that members' site briefs name outside the workspace list."""
        batch = Batch()
        unknown: dict[str, list[tuple[str, Json]]] = {}
        for member in self.store.records(kinds=["member"]):
            member_id = member.key.split(":", 1)[1]
            if member_id not in self.member_ids:
                continue
            for brief in member.fields.get("siteBriefs") or []:
                site = brief_id(brief)
                if site is not None and site not in self.workspace_ids:
                    unknown.setdefault(site, []).append((member_id, brief))
        for site in sorted(unknown, key=id_order):
            body = self.api.entity(f"{ADMIN}/sites/{site}")
            if body is not None and entity_id(body) == site:
                # It exists but the export account is no member: export it all the same.
                batch.records.append(
                    record(
                        "workspace",
                        site,
                        clean(body),
                        page_url=self.api.url(f"{ADMIN}/sites/{site}"),
                    )
                )
                continue
            for member_id, brief in unknown[site]:
                source = self.api.url(f"{ADMIN}/user-accounts/{member_id}")
                batch.records.append(
                    self._membership(site, member_id, brief, ["workspace-missing"], source)
                )
        with self.store.transaction():
            for item in batch.records:
                self.store.save(item, self.walker.pass_id)
            self.walker.mark_done(MISSING_WORKSPACES, sites=len(unknown))
            self.store.clear_failure(f"collection:{MISSING_WORKSPACES}")
        self.walker.stats.entities += len(batch.records)

    def _complete_threads(self, site: str, messages: str) -> None:
        expected = (self.store.checkpoint(f"site/{site}/threads") or {}).get("posts_expected", {})
        seen = (self.store.checkpoint(messages) or {}).get("posts_seen", {})
        for thread, (count, root) in sorted(expected.items()):
            if seen.get(thread, 0) >= count:
                continue
            name = f"site/{site}/thread/{thread}/replies"
            self.walker.emit(
                "thread_short",
                level="warning",
                thread=thread,
                expected=count,
                listed=seen.get(thread, 0),
            )
            if self.walker.walk(
                Collection(
                    name,
                    "post",
                    f"{DELIVERY}/message-board-messages/{root}/message-board-messages",
                    FLAT,
                ),
                self._posts,
            ):
                try:
                    self._root_message(root)
                except ApiError as exc:
                    self.walker.fail(root_step(root), exc)

    def _root_message(self, root: str) -> None:
        stored = self.store.get(key_of("post", root))
        if stored is not None and stored.seen_pass == self.walker.pass_id:
            return
        body = self.api.entity(f"{DELIVERY}/message-board-messages/{root}")
        if body is not None and entity_id(body) == root:
            post = record(
                "post",
                root,
                clean(body),
                page_url=self.api.url(f"{DELIVERY}/message-board-messages/{root}"),
                flags=creator_flags(body, self.member_ids),
            )
            with self.store.transaction():
                self.store.save(post, self.walker.pass_id)
                self.store.clear_failure(f"collection:{root_step(root)}")


def root_step(root: str) -> str:
    return f"root-message/{root}"


def id_order(value: str) -> tuple[int, str]:
    return (int(value), "") if value.isdigit() else (0, value)
