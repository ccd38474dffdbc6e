"""The map stage's run artefacts, for people to read before any load.

In the run folder: ``map-summary.json`` (counts per source, kind and status; groups,
redirects and what needs a look), ``unmapped-values.json`` and the CSV template
``unmapped-values.csv`` (mapping, column, value, count, examples, target: fill in the
target and add it to the lookup), ``unknown-links.json`` (links to internal targets the
URL plan does not know), ``translation-issues.json`` (one-sided and conflicting language
links), ``url-collisions.json`` and ``failed-records.json`` (every failed record and why).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from transfer.mappers.context import MapNotes
from transfer.mappers.plan import StagePlan
from transfer.runs import Run
from transfer.stores.mapped import MappedStore

if TYPE_CHECKING:
    from transfer.mappers.stage import MapResult

CSV_COLUMNS = ("mapping", "column", "value", "count", "examples", "target")


def _write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True), "utf-8")
    return path


def write_artefacts(
    run: Run, result: MapResult, report: MapNotes, plan: StagePlan, store: MappedStore | None = None
) -> tuple[dict[str, Any], dict[str, Path]]:
    """Write every artefact of the run; returns the summary and the artefact paths."""
    unmapped = sorted(report.unmapped.values(), key=lambda u: (u.mapping, u.column, u.value))
    links = sorted({(link.record_key, link.column, link.href) for link in report.unknown_links})
    issues = {
        source: [issue.as_dict() for issue in source_plan.groups.issues]
        for source, source_plan in sorted(plan.sources.items())
    }
    artefacts: dict[str, Path] = {}
    artefacts["unmapped"] = _write(
        run.artefact("unmapped-values.json"),
        [
            {"mapping": u.mapping, "column": u.column, "value": u.value, "count": u.count,
             "examples": u.examples}
            for u in unmapped
        ],
    )  # fmt: skip
    csv_path = run.artefact("unmapped-values.csv")
    with csv_path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for u in unmapped:
            writer.writerow([u.mapping, u.column, u.value, u.count, " ".join(u.examples), ""])
    artefacts["unmapped_csv"] = csv_path
    artefacts["unknown_links"] = _write(
        run.artefact("unknown-links.json"),
        [{"record": key, "column": column, "href": href} for key, column, href in links],
    )
    artefacts["translation_issues"] = _write(run.artefact("translation-issues.json"), issues)
    artefacts["url_collisions"] = _write(
        run.artefact("url-collisions.json"),
        {s: p.urls.collisions for s, p in sorted(plan.sources.items()) if p.urls is not None},
    )
    failed = [
        {"source": system, "kind": kind, "count": n}
        for (system, kind, status), n in sorted(result.counts.items())
        if status == "failed"
    ]
    artefacts["failed"] = run.artefact("failed-records.json")
    summary: dict[str, Any] = {
        "pass": result.pass_id,
        "resumed": result.resumed,
        "stopped": result.stopped,
        "removed": result.removed,
        "records": _totals(result.counts),
        "kinds": [
            {"source": system, "kind": kind, "status": status, "count": n}
            for (system, kind, status), n in sorted(result.counts.items())
        ],
        "failed": sum(entry["count"] for entry in failed),
        "translation_groups": {s: len(p.groups.members()) for s, p in sorted(plan.sources.items())},
        "translation_issues": {s: len(v) for s, v in issues.items()},
        "redirects": {
            s: len(p.redirects.rows) for s, p in sorted(plan.sources.items()) if p.redirects
        },
        "unresolved_aliases": {
            s: p.redirects.unresolved for s, p in sorted(plan.sources.items()) if p.redirects
        },
        "unmapped_values": len(unmapped),
        "unknown_links": len(links),
        "stubs": len(report.stubs),
        "artefacts": {name: path.name for name, path in artefacts.items()},
    }
    artefacts["summary"] = _write(run.artefact("map-summary.json"), summary)
    return summary, artefacts


def write_failed(path: Path, store: MappedStore) -> None:
    """Every failed record with its message (``failed-records.json``)."""
    _write(
        path,
        [
            {"source": r.source_system, "key": r.record_key, "kind": r.kind, "reason": r.reason}
            for r in store.records(status="failed")
        ],
    )


def _totals(counts: dict[tuple[str, str, str], int]) -> dict[str, dict[str, int]]:
    totals: dict[str, dict[str, int]] = {}
    for (system, _, status), n in counts.items():
        per = totals.setdefault(system, {"mapped": 0, "skipped": 0, "failed": 0})
        per[status] += n
    return totals


def write_coverage(path: Path, coverage: dict[str, Any], report: MapNotes) -> Path:
    """``source-fields.json``: the pass's source-field inventory (per kind: every field with
    its value count and examples), undeclared fields, unmatched paths, declared drops, and
    the values the pass left out (column, source path, records, cause)."""
    lost: dict[tuple[str, str, str, str], int] = {}
    for item in report.lost:
        key = (item.mapping, item.column, item.path, item.cause)
        lost[key] = lost.get(key, 0) + 1
    data = {
        **coverage,
        "lost": [
            {"mapping": m, "column": c, "path": p, "cause": cause or None, "records": n}
            for (m, c, p, cause), n in sorted(lost.items())
        ],
    }
    return _write(path, data)
