"""The map stage: staging stores → KEHA rows in ``<workspace>/mapped/mapped.sqlite``.

:func:`map_sources` checks the mapping files and URL plans first (a problem stops it before
anything is read or written), surveys the staging stores (the source-field inventory kept
with the pass for the coverage check; a read path that no staged record of its kind has
stops it, still before anything is written; the nodes ``tree_path`` reads; the records
``exclude:`` rules leave out), plans across records (translation groups, new paths,
redirects), then maps every live record of every staging store that exists, in batches of
records per transaction. A killed run resumes its pass and ends exactly as an uninterrupted
one; records gone from staging are removed when a pass completes. Partnership records pass
through the personal-data policy of the target environment first. What each record's mapping
reported (unmapped values, unknown links, stubs) is kept with it in the mapped store, and
the run's reports are built from the whole pass there, so a resumed run reports as much as an
uninterrupted one. Run artefacts are written by :mod:`transfer.mappers.reports`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from transfer.config import Settings
from transfer.errors import MappingError
from transfer.extractors.online_service.profile import load_profile
from transfer.mappers.context import MapContext, MapNotes
from transfer.mappers.coverage import Undeclared, Unmatched, summary, undeclared, unmatched
from transfer.mappers.lookups import load_lookups
from transfer.mappers.mapping import Mapping
from transfer.mappers.options import MapOptions
from transfer.mappers.plan import SourcePlan, StagePlan, collect, plan_source, spec_path
from transfer.mappers.pool import (
    MASKED_FIELD,
    POOL_MIN_RECORDS,
    MapPool,
    MapWork,
    Staged,
    start_early,
)
from transfer.mappers.pool import police as policed
from transfer.mappers.redirects import Hosts
from transfer.mappers.reports import write_artefacts, write_coverage, write_failed
from transfer.mappers.rows import provenance_unique
from transfer.mappers.survey import Survey, survey
from transfer.mappers.url_plan import check_spec
from transfer.mappers.validate import FIX_MAPPINGS, check_mappings, load_mappings, mapping_files
from transfer.privacy.policy import PersonalData
from transfer.records import SourceRecord
from transfer.runs import Run
from transfer.schema import metadata
from transfer.stats import StageStats
from transfer.stores.mapped import MappedRecord, MappedStore, SharedKey
from transfer.stores.staging import StagingStore
from transfer.workspace import Workspace
from transfer.yamlfile import MappingProblems, Problem

#: Sources in mapping order, each with its staging file name.
SOURCES = ("online_service", "partnership", "partnership_public")
BATCH = 200


@dataclass
class MapProgress(StageStats):
    """Counts while mapping, for a live display."""

    done: int = 0
    total: int = 0
    mapped: int = 0
    skipped: int = 0
    failed: int = 0
    resumed: int = 0

    def describe(self) -> str:
        return (
            f"{self.done}/{self.total} records: {self.mapped} mapped, "
            f"{self.skipped} skipped, {self.failed} failed"
        )


@dataclass
class MapResult:
    """What a map run did. ``counts`` covers the whole store after the pass."""

    pass_id: int
    resumed: bool
    stopped: bool
    counts: dict[tuple[str, str, str], int]
    removed: int
    progress: MapProgress
    summary: dict[str, Any] = field(default_factory=dict)
    artefacts: dict[str, Path] = field(default_factory=dict)
    #: CPU seconds worker processes spent mapping (0 when the stage mapped alone)
    worker_cpu_s: float = 0.0

    @property
    def failed(self) -> int:
        return sum(n for (_, _, status), n in self.counts.items() if status == "failed")

    def raise_for_failures(self) -> None:
        """Raise :class:`MappingError` (exit 5) when records failed to map."""
        if self.failed:
            raise MappingError(
                f"{self.failed} record(s) failed to map",
                where=str(self.artefacts.get("failed", "")),
                next_step="read the messages there, fix the mappings or the records, "
                "and run `transfer map` again",
            )


def check_mapping_files(mappings_dir: Path) -> tuple[int, list[Problem]]:
    """How many mapping and URL-plan files there are, and every problem in them."""
    problems = check_mappings(mappings_dir)
    files = len(mapping_files(mappings_dir)) if mappings_dir.is_dir() else 0
    for source in SOURCES:
        path = spec_path(mappings_dir, source)
        if path.is_file():
            files += 1
            problems += check_spec(path)[1]
    return files, sorted(problems, key=lambda p: (str(p.file), p.line))


@dataclass(frozen=True)
class StagedCheck:
    """The mapping files against the staged records: undeclared fields, unmatched paths."""

    stores: tuple[str, ...]
    undeclared: tuple[Undeclared, ...] = ()
    unmatched: tuple[Unmatched, ...] = ()

    @property
    def problems(self) -> list[str]:
        """Each problem as ``file:line: message`` (optional unmatched paths are none)."""
        found = [str(item) for item in self.undeclared]
        return found + [str(item) for item in self.unmatched if item.optional is None]


def check_against_staging(settings: Settings) -> StagedCheck:
    """Every source field with values that the mappings neither read nor drop, and every
    path they read that no staged record has; empty when no staging store exists (the
    mapping files must be valid: see :func:`check_mapping_files`)."""
    options = MapOptions.from_settings(settings)
    mappings = load_mappings(options.mappings_dir)
    stores = _open_staging(options.workspace)
    try:
        found = _survey(stores, mappings, _personal_data(options, stores))
    finally:
        for store in stores.values():
            store.close()
    return StagedCheck(
        tuple(stores),
        tuple(undeclared(found.inventory, mappings)),
        tuple(unmatched(found.inventory, mappings)),
    )


def _open_staging(workspace: Workspace) -> dict[str, StagingStore]:
    """The staging stores of :data:`SOURCES` that exist, in mapping order."""
    return {
        source: StagingStore(workspace.staging(source))
        for source in SOURCES
        if workspace.staging(source).is_file()
    }


def _load_all(mappings_dir: Path) -> list[Mapping]:
    mappings = load_mappings(mappings_dir)
    _, problems = check_mapping_files(mappings_dir)
    if problems:
        raise MappingProblems(problems, "the mapping files", FIX_MAPPINGS)
    return mappings


def map_sources(
    settings: Settings,
    run: Run,
    *,
    progress: Callable[[MapProgress], None] | None = None,
    stop: threading.Event | None = None,
) -> MapResult:
    """Map every live staged record into the mapped store (see the module docstring).

    Raises :class:`MappingError` naming file, line and key when a mapping file or URL plan
    is wrong (nothing is written then). Records that fail are stored as ``failed`` with
    the message and counted; :meth:`MapResult.raise_for_failures` turns them into exit 5.
    Setting ``stop`` (as for the extractors) ends the pass after the batch in hand, to be
    resumed by the next run.
    """
    return map_with(MapOptions.from_settings(settings), run, progress=progress, stop=stop)


def map_with(
    options: MapOptions,
    run: Run,
    *,
    progress: Callable[[MapProgress], None] | None = None,
    stop: threading.Event | None = None,
) -> MapResult:
    """:func:`map_sources` with its settings already read into ``options``."""
    mappings = _load_all(options.mappings_dir)
    workspace = options.workspace
    stores = _open_staging(workspace)
    if not stores:
        raise MappingError(
            "nothing to map: no staging store exists",
            where=str(workspace.staging_dir),
            next_step="run `transfer extract online-service` or `transfer extract partnership`",
        )
    try:
        if sum(store.count() for store in stores.values()) >= POOL_MIN_RECORDS:
            start_early(options.workers)
        personal = _personal_data(options, stores)
        found = _survey(stores, mappings, personal)
        _refuse_unmatched(found, mappings)
        plan = _plan(options.mappings_dir, stores, mappings, found.excluded)
        context = MapContext(
            lookups=load_lookups(options.mappings_dir),
            references=plan,
            links=plan.links,
            plan=plan,
            trees=found.tree_index(),
        )
        run.events.emit(
            "map", "planned", groups={s: len(p.groups.members()) for s, p in plan.sources.items()}
        )
        with MappedStore(workspace.mapped) as out:
            work = MapWork(mappings, context, plan, found.excluded, personal)
            result = _run_pass(
                personal, run, stores, work, out, progress, stop, found, options.workers
            )
            context.report = MapNotes.from_notes(out.notes(result.pass_id))
            write_failed(run.artefact("failed-records.json"), out)
            coverage = out.coverage(result.pass_id) or {}
    finally:
        for store in stores.values():
            store.close()
    result.summary, result.artefacts = write_artefacts(run, result, context.report, plan)
    result.artefacts["source_fields"] = write_coverage(
        run.artefact("source-fields.json"), coverage, context.report
    )
    allowed = coverage.get("allow_empty", {})
    declared = [
        bool(lost.cause or allowed.get(lost.mapping, {}).get(lost.column))
        for lost in context.report.lost
    ]
    result.summary["coverage"] = {
        "undeclared_fields": len(coverage.get("undeclared", [])),
        "lost_values": declared.count(False),
        "declared_losses": declared.count(True),
    }
    run.events.emit("map", "finished", **{k: v for k, v in result.summary.items() if k != "kinds"})
    return result


def _refuse_unmatched(found: Survey, mappings: list[Mapping]) -> None:
    """Stop before anything is written when a mapping reads a path that no staged record
    of its kind has (a misspelt or absent field would empty its column everywhere)."""
    problems = [item for item in unmatched(found.inventory, mappings) if item.optional is None]
    if problems:
        listed = "\n".join(f"  {item}" for item in problems)
        raise MappingError(
            f"{len(problems)} path(s) read by the mappings are in no staged record:\n{listed}",
            where=str(problems[0].where),
            next_step="fix each path (see `transfer mappings check`), or declare it under "
            "optional: with the reason, then run `transfer map` again",
        )


def _plan(
    mappings_dir: Path,
    stores: dict[str, StagingStore],
    mappings: list[Mapping],
    excluded: dict[tuple[str, str], str],
) -> StagePlan:
    sources: dict[str, SourcePlan] = {}
    profile = mappings_dir / "online_service" / "profile.yml"
    rules = load_profile(profile).urls if profile.is_file() else None
    for source in ("online_service", "partnership_public"):
        if source not in stores:
            continue
        inputs = collect(source, stores[source].records(), mappings)
        hosts = None
        if source == "online_service" and rules is not None:
            inputs.aliases = {a: (t, r) for a, (t, r, _) in stores[source].aliases().items()}
            hosts = Hosts(
                rules.canonical_host,
                tuple(sorted(rules.host_aliases)),
                tuple(sorted(rules.legacy_hosts)),
            )
        source_rules = rules if source == "online_service" else None
        sources[source] = plan_source(inputs, spec_path(mappings_dir, source), source_rules, hosts)
    migrations = {m.id: (m.source, m.target) for m in mappings if m.target is not None}
    live = {source: set(store.live_keys()) for source, store in stores.items()}
    return StagePlan(sources, migrations, live, excluded)


def _personal_data(options: MapOptions, stores: dict[str, StagingStore]) -> PersonalData | None:
    """The personal-data policy of the target environment, loaded once per run, when there
    are partnership records to apply it to."""
    if "partnership" not in stores:
        return None
    return PersonalData.load(options.mappings_dir, options.environment)


def _survey(
    stores: dict[str, StagingStore], mappings: list[Mapping], personal: PersonalData | None
) -> Survey:
    """The survey of every live staged record; the policy is applied only where the
    inventory still wants examples."""
    police = partial(policed, personal) if personal is not None else None

    def records() -> Iterator[tuple[SourceRecord, Callable[[], SourceRecord]]]:
        for source in SOURCES:
            store = stores.get(source)
            for record in store.records() if store is not None else ():
                if source == "partnership" and police is not None:
                    yield record, partial(police, record)
                else:
                    yield record, partial(_same, record)

    found = survey(records(), mappings)
    if police is not None:  # the stage adds it before mapping: read, never staged
        found.inventory.derive(("partnership", "member"), f"fields.{MASKED_FIELD}")
    return found


def _same(record: SourceRecord) -> SourceRecord:
    return record


def _run_pass(
    personal: PersonalData | None,
    run: Run,
    stores: dict[str, StagingStore],
    work: MapWork,
    out: MappedStore,
    progress: Callable[[MapProgress], None] | None,
    stop: threading.Event | None,
    found: Survey,
    workers: int,
) -> MapResult:
    pass_id, resumed = out.begin_pass(run.run_id)
    out.save_coverage(
        pass_id,
        {
            "inventory": found.inventory.as_dict(),
            "excluded": {f"{s}/{k}": c for (s, k), c in sorted(found.excluded_counts.items())},
            **summary(found.inventory, work.mappings),
        },
    )
    done = out.written_in(pass_id) if resumed else set()
    state = MapProgress(total=sum(s.count() for s in stores.values()), resumed=len(done))
    if personal is not None and "partnership" in stores:
        work.members = set(personal.excluded(stores["partnership"].records(kinds=["member"])))
    stopped = False

    def batches() -> Iterator[list[Staged]]:
        # Records this pass wrote before it was interrupted count as done, unmapped.
        batch: list[Staged] = []
        for source in SOURCES:
            store = stores.get(source)
            for key, text in store.record_texts() if store is not None else ():
                if (source, key) in done:
                    state.done += 1
                    continue
                batch.append((source, text))
                if len(batch) >= BATCH:
                    yield batch
                    batch = []
        if batch:
            yield batch

    to_map = state.total - len(done)
    with state.running(), MapPool(work, workers if to_map >= POOL_MIN_RECORDS else 0) as pool:
        with closing(pool.map(batches())) as results:
            for mapped in results:
                with out.transaction():
                    for encoded, notes in mapped:
                        out.put_encoded(encoded, pass_id, notes)
                        setattr(state, encoded.status, getattr(state, encoded.status) + 1)
                state.done += len(mapped)
                if progress is not None:
                    progress(state)
                # a full batch, as a pass in one process checks: the last one ends anyway
                if len(mapped) >= BATCH and stop is not None and stop.is_set():
                    stopped = True
                    break
        if not stopped:
            out.settle_shared(pass_id, _shared_keys, tables=_SHARED_TABLES)
        removed = out.end_pass(pass_id, complete=not stopped)
    state.finish("stopped" if stopped else "finished")
    result = MapResult(pass_id, resumed, stopped, out.counts(), removed, state)
    result.worker_cpu_s = pool.cpu_s
    return result


#: The tables whose rows :func:`_shared_keys` looks at (keyed by provenance).
_SHARED_TABLES = frozenset(table for table in metadata.tables if provenance_unique(table))


def _shared_keys(record: MappedRecord) -> set[SharedKey]:
    """Rows of ``record`` keyed apart from it (a contact person named on many pages)."""
    return {
        (row.table, str(row.values.get("source_system")), str(row.values.get("source_key")))
        for row in record.rows
        if row.values.get("source_key") != record.record_key and provenance_unique(row.table)
    }
