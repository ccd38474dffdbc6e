"""What a cutover run remembers: its identity (a state file) and its step journal.

The state file ``<workspace>/cutover/<runbook>.<mode>.json`` keeps the run id, so running
the same runbook again resumes the same cutover run, in the same ``logs/<run_id>/``. The
journal ``logs/<run_id>/cutover.jsonl`` is append-only, one JSON object per line, flushed
and synced as each step ends; it is the record of what is done (a torn last line from a
crash is ignored). An exclusive lock keeps two operators from running one runbook at once.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from transfer.errors import CutoverError
from transfer.redaction import redact_value

JOURNAL = "cutover.jsonl"


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class RunState:
    """The identity of one cutover run, kept across resumes."""

    run_id: str
    runbook: str  # the runbook's name
    runbook_path: str
    mode: str
    logs_dir: str
    opened: str
    closed: str | None = None


def read_state(path: Path) -> RunState | None:
    """The saved state, or None when there is none."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise CutoverError(
            f"cannot read the cutover state file: {exc}",
            where=str(path),
            next_step="restore it from the run's cutover.jsonl, or pass --new to start over",
        ) from None
    return RunState(**data)


def write_state(path: Path, state: RunState) -> None:
    """Replace the state file atomically (a crash leaves the old or the new one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(asdict(state), indent=2) + "\n", encoding="utf-8")
    temporary.replace(path)


def all_states(folder: Path) -> list[RunState]:
    """Every cutover run whose state file is in ``folder`` (the workspace's
    :attr:`~transfer.workspace.Workspace.cutover`), newest first."""
    found = [read_state(path) for path in sorted(folder.glob("*.json"))]
    return sorted((s for s in found if s is not None), key=lambda s: s.opened, reverse=True)


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock beside the state file, or fail at once naming it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.with_suffix(".lock").open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CutoverError(
                "another `transfer cutover run` of this runbook is running",
                where=str(path.with_suffix(".lock")),
                next_step="wait for it to finish; only one operator drives a cutover",
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class CutoverJournal:
    """The append-only step journal of one cutover run."""

    def __init__(self, run_dir: Path, run_id: str) -> None:
        self.path = run_dir / JOURNAL
        self.run_id = run_id

    def append(self, event: str, **fields: Any) -> dict[str, Any]:
        record = {"time": now_iso(), "run_id": self.run_id, "event": event}
        record.update(redact_value(fields))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        return record

    def records(self) -> list[dict[str, Any]]:
        """Every complete line, in order."""
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        found = []
        for line in lines:
            try:
                found.append(json.loads(line))
            except ValueError:
                continue  # a line torn by a crash
        return found

    def step_records(self) -> list[dict[str, Any]]:
        return [record for record in self.records() if record.get("event") == "step"]

    def latest(self) -> dict[str, dict[str, Any]]:
        """The latest outcome of each step, by step id."""
        return {record["step"]: record for record in self.step_records()}
