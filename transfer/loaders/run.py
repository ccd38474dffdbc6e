"""The load loop, and its ``--plan``: every record of the mapped store, batch by batch.

Order of work: count the removals first (the safety stop refuses before anything is
written), then every record of the mapped store in key order, in batches of one
transaction each, then the records deferred because their references were not in the
target yet, then the removals. Each run is a row in ``load_runs``; a killed run leaves
state ``running``, which the next run marks ``interrupted`` and then simply continues:
what the killed run committed is unchanged now, what it had not committed is still to do.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Engine, update
from sqlalchemy.exc import DBAPIError

from transfer.config import Settings
from transfer.database import create_target_engine, describe_failure, display_url, target_url
from transfer.errors import LoadError
from transfer.loaders import idmap
from transfer.loaders.decide import Decision, decide, gone
from transfer.loaders.idmap import IdMapEntry
from transfer.loaders.lock import writer_lock
from transfer.loaders.media import MediaStore
from transfer.loaders.options import LoadOptions
from transfer.loaders.results import LoadResult, LoadStats, Progress
from transfer.loaders.rows import ORDER
from transfer.loaders.selection import Selection, resolve
from transfer.loaders.source import MappedSource
from transfer.loaders.tables import Work
from transfer.loaders.writer import BatchResult, BatchWriter
from transfer.runs import Run
from transfer.schema.bookkeeping import runs
from transfer.schema.versioning import check_current
from transfer.stores.blobs import BlobStore
from transfer.stores.mapped import Key, SourceEntry

__all__ = ["LoadResult", "LoadStats", "Progress", "load", "load_target"]
WRITE_ACTIONS = ("create", "update", "unpublish", "delete")
#: Deferred records are kept prepared in memory up to this many batches' worth (read,
#: checked, media placed: the next round only writes them); the rest are kept as keys
#: and read again, so memory stays bounded whatever the number of deferred records.
KEPT_BATCHES = 50
#: Records per page when the load looks ahead for the media helper (keys and rows hashes
#: only; its id-map queries fewer and larger: a round trip each on PostgreSQL).
AHEAD_PAGE = 2000
#: The collector's first-generation threshold during a load (CPython's default: 700). A
#: load allocates some twenty objects per record and frees nearly all of them with their
#: batch (no cycles to find); at the default, the collector's passes over the kept works
#: took a tenth of a first load's time (0.2 s of 2.0 at scale 1).
LOAD_GC_THRESHOLD = 20_000


def load_target(
    engine: Engine,
    options: LoadOptions,
    run_id: str,
    artefacts: Path,
    *,
    plan: bool = False,
    progress: Progress | None = None,
) -> LoadResult:
    """Load the mapped store into the target (or, with ``plan``, write nothing and report
    record by record to ``artefacts/plan.jsonl``). Raises LoadError for the safety stop
    and a broken schema, TargetDatabaseError when the database fails."""
    try:
        check_current(engine)
        with (
            _fewer_collections(),
            nullcontext() if plan else writer_lock(engine, "load"),
            MappedSource(options.mapped_store) as source,
        ):
            return _Load(engine, options, run_id, artefacts, plan, progress, source).run()
    except DBAPIError as exc:
        raise describe_failure(engine.url, exc) from None


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Run the garbage collector less often (see LOAD_GC_THRESHOLD), as it was after."""
    before = gc.get_threshold()
    gc.set_threshold(LOAD_GC_THRESHOLD, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


class _Load:
    def __init__(
        self,
        engine: Engine,
        options: LoadOptions,
        run_id: str,
        artefacts: Path,
        plan: bool,
        progress: Progress | None,
        source: MappedSource,
    ) -> None:
        self.engine, self.options, self.run_id = engine, options, run_id
        self.artefacts, self.plan, self.source = artefacts, plan, source
        self.progress = progress
        self.now = datetime.now(UTC)
        self.stats = LoadStats()
        self.media = MediaStore(options.media_dir, BlobStore(options.blob_dir))
        self.writer = BatchWriter(engine, run_id, self.now, self.media, source)
        self.plan_file: IO[str] | None = None
        self.selection = options.selection
        #: The listed records (``--idlist``), None for all; resolved when the run starts.
        self.only: list[Key] | None = None
        self._listed: set[Key] = set()
        #: Writes left under ``--limit``, None without one.
        self.budget = options.selection.limit
        #: Deferred records kept prepared for the next round (see KEPT_BATCHES).
        self._kept: dict[Key, Work] = {}

    def run(self) -> LoadResult:
        with self.stats.running():
            result = self._run()
        self.stats.finish("finished")
        if self.progress is not None:
            self.progress(self.stats)  # the final figures: reports come every 500 records
        return result

    def _run(self) -> LoadResult:
        if self.selection.idlist:
            with self.engine.connect() as connection:
                self.only = resolve(connection, self.source, self.selection.idlist)
            self._listed = set(self.only)
        live, removals = self._count_removals()
        share = removals / live if live else 0.0
        stop = removals > 0 and share > self.options.max_removal_share
        if stop and not self.plan and not self.options.allow_removals:
            raise LoadError(
                f"this load would remove {removals} of {live} live records "
                f"({share:.1%}), more than load.max_removal_share "
                f"({self.options.max_removal_share:.0%}); nothing was written",
                where=display_url(self.engine.url),
                next_step="check the map stage's output (`transfer load --plan` lists them); "
                "if the removals are right, run `transfer load --allow-removals`",
            )
        plan_path = None
        if self.plan:
            self.artefacts.mkdir(parents=True, exist_ok=True)
            plan_path = self.artefacts / "plan.jsonl"
            self.plan_file = plan_path.open("w", encoding="utf-8")
        else:
            self._start_run()
        try:
            deferred = self._main_pass()
            self._deferred_rounds(deferred)
            if removals:  # counted above; the mapped store does not change during a load
                self._removal_pass()
        finally:
            self.stats.media_placed_ahead = self.media.close()
            if self.plan_file is not None:
                self.plan_file.close()
        if not self.plan:
            self._finish_run("complete")
        return LoadResult(self.run_id, self.plan, self.stats, live, removals, stop, plan_path)

    # bookkeeping of the run ----------------------------------------------------------
    def _start_run(self) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                update(runs)
                .where(runs.c.state == "running", runs.c.command == "load")
                .values(state="interrupted")
            )
            connection.execute(
                runs.insert().values(
                    run_id=self.run_id,
                    command="load",
                    state="running",
                    started_at=self.now,
                    allow_removals=self.options.allow_removals,
                    stats=json.dumps({"selection": self.selection.as_dict()}),
                )
            )

    def _finish_run(self, state: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                update(runs)
                .where(runs.c.run_id == self.run_id)
                .values(
                    state=state,
                    finished_at=datetime.now(UTC),
                    stats=json.dumps(
                        {**self.stats.as_dict(), "selection": self.selection.as_dict()}
                    ),
                )
            )

    # counting removals -----------------------------------------------------------------
    def _in_scope(self, key: Key) -> bool:
        """Whether this run may retire the record: any with a full load, a listed one with
        --idlist, none with --limit (a partial pass cannot tell what left the source)."""
        if self.selection.limit is not None:
            return False
        return self.only is None or key in self._listed

    def _gone_pages(self) -> Iterator[list[IdMapEntry]]:
        for page in idmap.live_pages(self.engine, self.options.batch_size):
            present = self.source.statuses(entry.key for entry in page)
            yield [e for e in page if e.key not in present and self._in_scope(e.key)]

    def _count_removals(self) -> tuple[int, int]:
        """Live records, and how many of them this run would retire (gone or now skipped)."""
        live = removals = 0
        for page in idmap.live_pages(self.engine, self.options.batch_size):
            live += len(page)
            present = self.source.statuses(entry.key for entry in page)
            removals += sum(
                1
                for e in page
                if present.get(e.key, "skipped") == "skipped" and self._in_scope(e.key)
            )
        return live, removals

    # the passes ------------------------------------------------------------------------
    def _main_pass(self) -> list[Key]:
        # Kinds in waves, those writing only early tables (in dependency order) first, so
        # that references mostly find their rows already loaded; one scan of the store per
        # wave. What still points ahead is deferred.
        waves: dict[int, list[tuple[str, str]]] = {}
        tables_by_kind = self.source.tables_by_kind()
        for migration, tables in tables_by_kind.items():
            level = max((ORDER.get(table, 0) for table in tables), default=0)
            waves.setdefault(level, []).append(migration)
        with_assets = {kind for kind, tables in tables_by_kind.items() if "assets" in tables}
        self._place_ahead([waves[level] for level in sorted(waves)], with_assets)
        deferred: list[Key] = []
        for level in sorted(waves):
            for page in self._wave_pages(waves[level]):
                works, exhausted = self._within_limit(self._works(page))
                deferred.extend(self._handle(works, final=False))
                if exhausted:
                    return deferred
        return deferred

    def _place_ahead(
        self, waves: list[list[tuple[str, str]]], with_assets: set[tuple[str, str]]
    ) -> None:
        """Give the media store's helper the files of every asset the load will likely
        write (a hint from the id map's rows hashes: each record is decided when its page
        is handled; see :mod:`transfer.loaders.media`). The load needs the first wave's
        files at once and places them itself from the first on, so the helper takes that
        wave from its last file back (they meet in the middle), then the later waves' files
        in the order the load needs them (``with_assets``: the kinds whose records write
        assets). A plan writes nothing, and a partial load (``--limit``, ``--idlist``)
        places only its own."""
        if self.plan or self.only is not None or self.budget is not None:
            return
        given: list[tuple[str, str, Path]] = []
        for kinds in waves:
            wanted = [kind for kind in kinds if kind in with_assets]
            if not wanted:
                continue
            files = self.media.files_of(
                values
                for page in self.source.hash_pages(AHEAD_PAGE, kinds=wanted)
                for values in self._asset_rows(page)
            )
            given.extend(reversed(files) if not given else files)
        self.media.ahead(given)

    def _asset_rows(self, page: list[tuple[Key, str, str]]) -> Iterator[dict[str, Any]]:
        """The values of the ``assets`` rows of the records of ``page`` (key, status, rows
        hash) that the load will likely write: mapped, and new or changed by the id map's
        rows hash (a hint, in one lean query; :func:`decide` decides when the page is
        handled). Only those records' rows are read."""
        candidates = {key: digest for key, status, digest in page if status == "mapped"}
        if not self.selection.update:
            with self.engine.connect() as connection:
                for key in idmap.unchanged(connection, candidates.items()):
                    del candidates[key]
        for entry in self.source.entries(candidates):
            try:
                record = entry.record()
            except (ValueError, KeyError, TypeError):
                continue  # unreadable: the writer says so when its page is handled
            yield from (dict(row.values) for row in record.rows if row.table == "assets")

    def _wave_pages(self, kinds: list[tuple[str, str]]) -> Iterator[list[SourceEntry]]:
        if self.only is None:
            yield from self.source.pages(self.options.batch_size, kinds=kinds)
            return
        wanted = set(kinds)
        size = self.options.batch_size
        for start in range(0, len(self.only), size):
            found = self.source.get_many(self.only[start : start + size])
            page = [e for e in found.values() if (e.source_system, e.kind) in wanted]
            if page:
                yield page

    def _within_limit(self, works: list[Work]) -> tuple[list[Work], bool]:
        """The works of a page that --limit still allows, and whether the limit is reached
        (records that need nothing written do not count)."""
        if self.budget is None:
            return works, False
        taken: list[Work] = []
        for work in works:
            if work.action in WRITE_ACTIONS or work.decision.record_only:
                if self.budget == 0:
                    return taken, True
                self.budget -= 1
            taken.append(work)
        return taken, False

    def _deferred_rounds(self, deferred: list[Key]) -> None:
        # References point at rows of records later in key order (or deferred themselves):
        # retry while a round makes progress; what is still unresolved then has failed.
        while deferred:
            before = len(deferred)
            again: list[Key] = []
            size = self.options.batch_size
            for start in range(0, len(deferred), size):
                again.extend(self._handle(self._again(deferred[start : start + size]), final=False))
            if len(again) == before:
                for start in range(0, len(again), size):
                    self._handle(self._again(again[start : start + size]), final=True)
                return
            deferred = again

    def _again(self, keys: list[Key]) -> list[Work]:
        """The works of deferred records, in ``keys``' order: those kept prepared, the
        others read again (they are kept as keys only)."""
        kept = {key: work for key in keys if (work := self._kept.pop(key, None)) is not None}
        missing = [key for key in keys if key not in kept]
        if missing:
            found = self.source.get_many(missing)
            read = [found[key] for key in missing if key in found]
            kept.update((work.entry.key, work) for work in self._works(read))
        return [kept[key] for key in keys if key in kept]

    def _works(self, page: list[SourceEntry]) -> list[Work]:
        with self.engine.connect() as connection:
            known = idmap.lookup(connection, (entry.key for entry in page))
        rewrite = self.selection.update
        return [
            Work(e, known.get(e.key), decide(e, known.get(e.key), rewrite=rewrite)) for e in page
        ]

    def _removal_pass(self) -> None:
        if self.plan:
            for page in self._gone_pages():
                for known in page:
                    self._report(_gone_entry(known), gone(known))
            return
        for page in self._gone_pages():
            works = [Work(_gone_entry(known), known, gone(known)) for known in page]
            self._handle(works, final=True)

    def _handle(self, works: list[Work], *, final: bool) -> list[Key]:
        """Report or write one batch; returns the keys deferred to a later round."""
        if self.plan:
            for work in works:
                self._report(work.entry, work.decision)
            return []
        writing = [w for w in works if w.action in WRITE_ACTIONS or w.decision.record_only]
        result = self.writer.write(writing) if writing else BatchResult()
        deferred: list[Key] = []
        if final and result.deferred:
            self.writer.record_failures(result.deferred)
            result.failed.extend(result.deferred)
            result.deferred = []
        failed = {id(work) for work, _ in result.failed}
        later = {id(work) for work, _ in result.deferred}
        for work in works:
            if id(work) in later:
                deferred.append(work.entry.key)
                if len(self._kept) < self.options.batch_size * KEPT_BATCHES:
                    self._kept[work.entry.key] = work
                continue
            action = "failed" if id(work) in failed else work.action
            self._count(work.entry, action)
        for retired in result.retired:
            action = "unpublish" if retired.status == "unpublished" else "delete"
            self._count(_gone_entry(retired), action)
        for work, message in result.failed:
            self.stats.failures.append((work.entry.source_system, work.entry.record_key, message))
        return deferred

    def _report(self, entry: SourceEntry, decision: Decision) -> None:
        assert self.plan_file is not None
        self.plan_file.write(
            json.dumps(
                {
                    "source_system": entry.source_system,
                    "record_key": entry.record_key,
                    "kind": entry.kind,
                    "action": decision.action,
                    "reason": decision.reason,
                },
                ensure_ascii=False,
            )
            + "\n"
        )
        self._count(entry, decision.action)

    def _count(self, entry: SourceEntry, action: str) -> None:
        self.stats.seen += 1
        # A record the map stage failed and one the load failed are both failures here;
        # their messages tell them apart.
        self.stats.count(entry.source_system, entry.kind, "failed" if action == "fail" else action)
        if self.progress is not None and self.stats.seen % 500 == 0:
            self.progress(self.stats)


def _gone_entry(known: IdMapEntry) -> SourceEntry:
    """A stand-in for a record the mapped store no longer holds."""
    return SourceEntry(
        source_system=known.source_system,
        record_key=known.record_key,
        kind=known.kind,
        status="gone",
        reason=None,
        mapping=known.mapping,
        source_hash=known.source_hash,
        rows_hash=known.rows_hash or "",
        rows_json="[]",
    )


def load(
    settings: Settings,
    run: Run,
    *,
    plan: bool = False,
    allow_removals: bool = False,
    selection: Selection | None = None,
    progress: Progress | None = None,
) -> LoadResult:
    """Load ``<workspace>/mapped/mapped.sqlite`` into the configured target (the call
    behind ``transfer load``); the summary goes to ``load-summary.json`` of the run."""
    options = LoadOptions.from_settings(
        settings, allow_removals=allow_removals, selection=selection
    )
    engine = create_target_engine(target_url(settings.target))
    try:
        result = load_target(engine, options, run.run_id, run.dir, plan=plan, progress=progress)
    finally:
        engine.dispose()
    summary = {
        "plan": plan,
        "target": display_url(engine.url),
        "live_before": result.live_before,
        "removals": result.removals,
        "safety_stop": result.safety_stop,
        "selection": options.selection.as_dict(),
        **result.stats.as_dict(),
        "failures": [
            {"source_system": s, "record_key": k, "message": m} for s, k, m in result.stats.failures
        ],
    }
    run.artefact("plan-summary.json" if plan else "load-summary.json").write_text(
        json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    run.events.emit(
        "load",
        "planned" if plan else "loaded",
        selection=options.selection.as_dict(),
        **result.stats.as_dict(),
    )
    return result
