"""The run folder's artefacts: ``records.jsonl`` (policy applied), ``personal-data.json`` and
``export-summary.json``.

Records are streamed from the staging store in key order, so memory stays bounded by the
organisations (for merge candidates) and the excluded members' ids.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from transfer.extractors.partnership.entities import FLAGS, KINDS, to_json
from transfer.extractors.partnership.integrity import RULES, MergeCandidate, merge_candidates
from transfer.privacy.policy import PersonalData, PolicyReport, is_excluded
from transfer.records import SourceRecord
from transfer.stores.staging import StagingStore

#: ``_download`` statuses of files the platform itself cannot give (see files.py).
SOURCE_DEFECTS = ("empty", "unavailable")


@dataclass
class Written:
    """What writing the records found on the way."""

    records: int = 0
    merge_candidates: list[MergeCandidate] = field(default_factory=list)
    flags: dict[str, Counter[str]] = field(default_factory=dict)
    excluded: Counter[str] = field(default_factory=Counter)
    privacy: PolicyReport | None = None
    #: files the platform itself cannot give (empty, unavailable): reported, not failures
    source_defects: list[dict[str, Any]] = field(default_factory=list)


def write_records(
    store: StagingStore, out_path: Path, personal: PersonalData, today: date | None = None
) -> Written:
    """Write every live record, policy applied, to ``out_path`` (owner-only)."""
    written = Written(privacy=PolicyReport(personal.environment))
    organizations = list(store.records(kinds=["organization"]))
    written.merge_candidates = merge_candidates(dict(o.fields) for o in organizations)
    candidates: dict[str, list[dict[str, Any]]] = {}
    for candidate in written.merge_candidates:
        for org_id in candidate.ids:
            others = [i for i in candidate.ids if i != org_id]
            candidates.setdefault(org_id, []).append(
                {"rule": candidate.rule, "key": candidate.key, "with": others}
            )
    excluded = personal.excluded(store.records(kinds=["member"]), today)
    out_path.touch(mode=0o600, exist_ok=True)
    out_path.chmod(0o600)  # in production the records keep personal data
    with out_path.open("w", encoding="utf-8") as out:
        for record in store.records(kinds=list(KINDS)):
            for flag in record.fields.get(FLAGS) or []:
                written.flags.setdefault(record.kind, Counter())[flag] += 1
            download = record.fields.get("_download")
            if isinstance(download, dict) and download.get("status") in SOURCE_DEFECTS:
                written.source_defects.append(
                    {
                        "url": record.key,
                        "status": download["status"],
                        "reason": download.get("reason", ""),
                        "httpStatus": download.get("httpStatus"),
                    }
                )
            if is_excluded(record, excluded):
                written.excluded[record.kind] += 1
                continue
            item_id = record.key.split(":", 1)[1]
            if record.kind == "organization" and item_id in candidates:
                record = _with(record, "_merge_candidates", candidates[item_id])
            record = personal.apply(record, report=written.privacy)
            out.write(to_json(record) + "\n")
            written.records += 1
    return written


def _with(record: SourceRecord, name: str, value: Any) -> SourceRecord:
    return replace(record, fields={**record.fields, name: value})


def personal_data(written: Written, personal: PersonalData) -> dict[str, Any]:
    assert written.privacy is not None
    policy = personal.policy
    return {
        "environment": personal.environment,
        "policy_file": str(policy.path),
        "salt": "set" if personal.salt else "not needed",
        "records_written": written.records,
        "unclassified": written.privacy.unclassified(),
        "inactive_members": {
            "exclude_after_days": policy.exclude_after_days,
            "reference_date": policy.reference_date.isoformat() if policy.reference_date else None,
            "excluded": dict(sorted(written.excluded.items())),
        },
        "collections": written.privacy.as_dict(policy),
    }


def export_summary(result: Any, written: Written) -> dict[str, Any]:
    """``export-summary.json``: counts per collection, failures (we failed to fetch: run
    again), source defects (files the platform itself cannot give), merge candidates, flags."""
    return {
        "pass": result.pass_id,
        "resumed": result.resumed,
        "stopped": result.stopped,
        "gone_checked": result.gone_checked,
        "collections": result.collections,
        "failures": {"collections": result.failed_collections, "files": result.failed_files},
        "source_defects": written.source_defects,
        "merge_candidates": [c.as_dict() for c in written.merge_candidates],
        "merge_rules": RULES,
        "integrity_flags": {
            kind: dict(sorted(c.items())) for kind, c in sorted(written.flags.items())
        },
        "excluded_inactive": dict(sorted(written.excluded.items())),
        "records_written": written.records,
        "token_renewals": result.token_renewals,
        "stats": {
            "pages": result.stats.pages,
            "entities": result.stats.entities,
            "files_downloaded": result.stats.files,
            "bytes": result.stats.bytes,
            "requests": result.requests,
            "seconds": round(result.stats.elapsed_s, 2),
        },
        "public_pages": None
        if result.public is None
        else {"summary": result.public.summary.as_dict(), "failures": result.public.failures},
    }


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False, default=str), encoding="utf-8")
