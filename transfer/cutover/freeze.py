"""The content-freeze check: what changed in the sources since the freeze began.

During the freeze nobody should edit either source, but somebody always does. The check
runs both extractors incrementally (conditional requests, so an unchanged site costs no
page bodies) and lists every page, attachment and platform entity that is new, changed,
gone or moved since the last extraction, each with the source's own modification stamp
and whether that stamp falls after ``--since``. The staging stores then hold exactly that
delta, so the final ``transfer map`` and ``transfer load`` carry it and nothing else.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from transfer.config import Settings
from transfer.errors import ConfigError, CutoverError, ExtractionError
from transfer.pipeline import Progress, run_stages
from transfer.records import SourceRecord
from transfer.runs import Run
from transfer.stats import ProgressReport
from transfer.stores.staging import StagingStore
from transfer.workspace import Workspace

CHANGES = ("new", "changed", "gone", "moved")


@dataclass(frozen=True)
class FrozenChange:
    """One thing that changed in a source since its last extraction."""

    source: str
    kind: str
    key: str
    change: str  # new, changed, gone or moved
    modified: str | None  # the source's own stamp, ISO 8601 UTC, when it gives one
    #: None: the source gives no stamp (deletions, some pages, and workspaces, since
    #: Liferay's Site has no dates), so the change counts as one after the freeze.
    after_freeze: bool | None


@dataclass(frozen=True)
class FreezeReport:
    since: datetime
    changes: tuple[FrozenChange, ...]

    @property
    def after_freeze(self) -> list[FrozenChange]:
        return [change for change in self.changes if change.after_freeze is not False]

    def counts(self) -> dict[tuple[str, str], int]:
        """How many changes per (source, change)."""
        return dict(Counter((change.source, change.change) for change in self.changes))


def _baselines(workspace: Workspace, paths: list[Path]) -> dict[str, int]:
    """Each staging store's newest complete pass when this freeze check began: kept in
    ``<workspace>/cutover/freeze-baseline.json`` until a freeze check ends whole, so that
    one killed or stopped and run again lists the same delta as one that never stopped."""
    path = workspace.freeze_baseline
    if path.is_file():
        try:
            kept = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            kept = None
        if isinstance(kept, dict) and all(isinstance(v, int) for v in kept.values()):
            return {str(k): int(v) for k, v in kept.items()}
    baselines: dict[str, int] = {}
    for store_path in paths:
        if store_path.exists():
            store = StagingStore(store_path)
            try:
                baselines[store_path.name] = store.last_complete_pass() or 0
            finally:
                store.close()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(baselines, sort_keys=True), encoding="utf-8")
    partial.replace(path)
    return baselines


def parse_since(text: str) -> datetime:
    """An ISO 8601 time; without an offset it is Helsinki time, where the freeze is called."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ConfigError(
            f"--since is not an ISO 8601 time: {text!r}",
            next_step="write it like 2025-04-24T18:00 or 2025-04-24T15:00Z",
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("Europe/Helsinki"))
    return moment.astimezone(UTC)


def _each_stage(report: Callable[[str, ProgressReport], None]) -> Progress:
    """The pipeline's per-stage progress, as one callback given the stage's name."""

    @contextmanager
    def display(stage: str) -> Iterator[Callable[[ProgressReport], None]]:
        yield lambda stats: report(stage, stats)

    return display


def freeze_check(
    settings: Settings,
    run: Run,
    since: datetime,
    *,
    progress: Callable[[str, ProgressReport], None] | None = None,
    fail_on_change: bool = False,
) -> FreezeReport:
    """Extract both sources incrementally and report what changed, judged against
    ``since`` (aware). Writes ``freeze-check.json`` and ``freeze-changes.csv``; raises
    :class:`CutoverError` (exit 10) with ``fail_on_change`` when anything changed after
    the freeze or without a stamp to tell."""
    report = progress or (lambda stage, stats: None)
    workspace = Workspace.from_settings(settings)
    paths = [
        workspace.staging(source)
        for source in ("online_service", "partnership", "partnership_public")
    ]
    baselines = _baselines(workspace, paths)
    extracted = run_stages(settings, run, ("crawl", "export"), progress=_each_stage(report))
    crawl, export = extracted.crawl, extracted.export
    assert crawl is not None and export is not None
    changes: list[FrozenChange] = []
    for path in paths:
        if not path.exists():
            continue
        store = StagingStore(path)
        try:
            # Against the baseline, not the latest pass: a freeze check killed after its
            # crawl finished leaves that pass complete, and the next run's crawl would find
            # nothing new in it.
            found = store.changes_after(baselines.get(path.name, 0))
            changes.extend(_changes(store, found, since))
        finally:
            store.close()
    result = FreezeReport(since, tuple(changes))
    _write(run, result)
    # The delta is only whole when both extractions were: pages that failed or a collection
    # that could not be read would be missing from it. Files missing at the source are the
    # source's state, listed by the export, not a failed check.
    failed = [*crawl.failures, *export.failed_collections]
    if crawl.stopped or export.stopped or failed:
        raise ExtractionError(
            f"the final delta is incomplete: {len(failed)} URL(s) or collection(s) failed"
            + (", and the extraction was stopped" if crawl.stopped or export.stopped else ""),
            where=str(run.dir),
            next_step="run `transfer freeze-check` again: both extractions resume",
        )
    workspace.freeze_baseline.unlink(missing_ok=True)  # the delta is whole
    run.events.emit(
        "freeze_check",
        "checked",
        level="warning" if result.after_freeze else "info",
        since=since.isoformat(),
        changes=len(result.changes),
        after_freeze=len(result.after_freeze),
    )
    if fail_on_change and result.after_freeze:
        raise CutoverError(
            f"{len(result.after_freeze)} change(s) in the sources since the freeze began "
            f"at {since.isoformat()}",
            where=str(run.artefact("freeze-changes.csv")),
            next_step="agree each change with the content owners; the final delta "
            "(transfer map, transfer load) carries them all",
        )
    return result


def _changes(
    store: StagingStore, found: dict[str, list[str]], since: datetime
) -> Iterator[FrozenChange]:
    for change in CHANGES:
        for entry in found.get(change, []):
            # moved entries read "old -> new"; the record is the new one
            key = entry.split(" -> ")[-1]
            stored = store.get(key)
            record = stored.record if stored is not None else None
            stamp = _stamp(record) if record is not None and change != "gone" else None
            yield FrozenChange(
                source=record.source if record is not None else store.path.stem,
                kind=record.kind if record is not None else "",
                key=entry,
                change=change,
                modified=stamp.isoformat() if stamp else None,
                after_freeze=None if stamp is None else stamp > since,
            )


def _stamp(record: SourceRecord) -> datetime | None:
    """The source's own modification time: the platform's dateModified (every entity but a
    workspace, which has no date), else the page's Last-Modified header, else the update or
    publication date the page shows."""
    fields = record.fields
    candidates: list[tuple[str, Any]] = [("iso", fields.get("dateModified"))]
    if record.fetch is not None:
        candidates.append(("http", record.fetch.last_modified))
    candidates += [("iso", fields.get("updated")), ("iso", fields.get("published"))]
    for form, value in candidates:
        if not isinstance(value, str) or not value:
            continue
        try:
            stamp = (
                parsedate_to_datetime(value)
                if form == "http"
                else datetime.fromisoformat(value.replace("Z", "+00:00"))
            )
        except (TypeError, ValueError):
            continue
        return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)
    return None


def _write(run: Run, report: FreezeReport) -> None:
    summary = {
        "since": report.since.isoformat(),
        "changes": len(report.changes),
        "after_freeze": len(report.after_freeze),
        "by_source": {f"{source}/{change}": n for (source, change), n in report.counts().items()},
    }
    run.artefact("freeze-check.json").write_text(
        json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    path: Path = run.artefact("freeze-changes.csv")
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=[f.name for f in fields(FrozenChange)])
        writer.writeheader()
        writer.writerows(asdict(change) for change in report.changes)
