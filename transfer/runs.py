"""Runs: every command that does work gets a run id and a folder ``logs/<run_id>/``.

The folder starts with ``events.jsonl``, one structured event per line (time, level, stage,
event, fields), written and flushed as it happens so that a killed run still leaves its
trail. Every string is redacted before it reaches the file.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import traceback
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from transfer.diskfull import FULL_ERRNOS, is_disk_full
from transfer.errors import Interrupted, TransferError
from transfer.redaction import redact, redact_value

LEVELS = ("debug", "info", "warning", "error")
#: Libraries whose warnings belong in the run's event log, not on the console: psycopg
#: logs "error ignored terminating <psycopg.Pipeline [BAD]>" when the server goes away in
#: the middle of a batch, which Python would otherwise print to stderr.
LIBRARY_LOGGERS = ("psycopg",)
#: Every event as it is written, at debug level (``transfer -v`` shows them on stderr).
_events_log = logging.getLogger("transfer.events")


def new_run_id(command: str, now: datetime | None = None) -> str:
    """A sortable, unique run id such as ``20250501T030000Z-load-3fa2``."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    slug = "-".join(command.split()) or "run"
    return f"{stamp}-{slug}-{secrets.token_hex(2)}"


@dataclass
class EventLog:
    """Append-only JSON Lines log of one run; safe to use from several threads."""

    path: Path
    run_id: str
    _file: IO[str] | None = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    lost: int = field(default=0, init=False)  # events not written for lack of space

    def emit(self, stage: str, event: str, level: str = "info", **fields: Any) -> None:
        if level not in LEVELS:
            raise ValueError(f"unknown level {level!r}")
        record = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "level": level,
            "run_id": self.run_id,
            "stage": stage,
            "event": event,
            "fields": redact_value(fields),
        }
        self._write(record)

    def relay(self, record: dict[str, Any]) -> None:
        """Write an event another process of this run made (its time kept, its fields
        redacted again here: this process may know secrets that one does not)."""
        self._write({**record, "run_id": self.run_id, "fields": redact_value(record["fields"])})

    def _write(self, record: dict[str, Any]) -> None:
        line = json.dumps(record, ensure_ascii=False, default=str)
        if _events_log.isEnabledFor(logging.DEBUG):
            _events_log.debug("%s", line)
        with self._lock:
            try:
                if self._file is None:
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                    self._file = self.path.open("a", encoding="utf-8")
                self._file.write(line + "\n")
                self._file.flush()
            except OSError as exc:
                # A full disk: the run's own error says so on the console; the event log
                # must not replace that error with its own.
                if exc.errno not in FULL_ERRNOS:
                    raise
                self.lost += 1

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                try:
                    self._file.close()
                except OSError as exc:
                    if exc.errno not in FULL_ERRNOS:
                        raise
                    self.lost += 1
                self._file = None


class _LibraryLogHandler(logging.Handler):
    """Library log records (warning and above) as events of the run, redacted."""

    def __init__(self, events: EventLog) -> None:
        super().__init__(logging.WARNING)
        self.events = events

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        self.events.emit(
            "library",
            "log",
            level="error" if record.levelno >= logging.ERROR else "warning",
            logger=record.name,
            message=message,
        )


@dataclass
class Run:
    """One invocation that does work: its id, folder and event log.

    Use as a context manager: it logs the start, and on exit logs the end with the outcome
    (and the traceback of an unexpected error, which the console does not show).
    """

    command: str
    logs_dir: Path
    run_id: str = ""
    events: EventLog = field(init=False)
    _handler: _LibraryLogHandler | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.run_id = self.run_id or new_run_id(self.command)
        self.events = EventLog(self.dir / "events.jsonl", self.run_id)

    @property
    def dir(self) -> Path:
        return self.logs_dir / self.run_id

    def artefact(self, name: str) -> Path:
        """Path of an artefact of this run (the folder is created on demand)."""
        self.dir.mkdir(parents=True, exist_ok=True)
        return self.dir / name

    def __enter__(self) -> Run:
        self.events.emit("run", "started", command=self.command)
        self._handler = _LibraryLogHandler(self.events)
        for name in LIBRARY_LOGGERS:
            logging.getLogger(name).addHandler(self._handler)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._handler is not None:
            for name in LIBRARY_LOGGERS:
                logging.getLogger(name).removeHandler(self._handler)
            self._handler = None
        if exc is None:
            self.events.emit("run", "finished", outcome="ok")
        elif isinstance(exc, Interrupted):
            self.events.emit(
                "run",
                "interrupted",
                level="warning",
                message=redact(str(exc)),
                exit_code=exc.exit_code,
            )
        elif isinstance(exc, (KeyboardInterrupt, BrokenPipeError)):
            # Ctrl-C, or the reader of our output gone (Ctrl-C under `| tee` stops both).
            self.events.emit("run", "interrupted", level="warning", exit_code=Interrupted.exit_code)
        elif isinstance(exc, TransferError):
            self.events.emit(
                exc.stage,
                "failed",
                level="error",
                error=type(exc).__name__,
                message=redact(str(exc)),
                exit_code=exc.exit_code,
            )
        elif is_disk_full(exc):
            self.events.emit("run", "disk_full", level="error", message=redact(str(exc)))
        else:
            self.events.emit(
                "run",
                "crashed",
                level="error",
                error=type(exc).__name__,
                message=redact(str(exc)),
                traceback=redact("".join(traceback.format_exception(exc))),
            )
        self.events.close()


#: The last event of a run that ended (stage ``run``), and the outcome shown for it.
_OUTCOMES = {
    "finished": "ok",
    "interrupted": "interrupted",
    "crashed": "crashed",
    "disk_full": "disk_full",
}


@dataclass(frozen=True)
class RunFolder:
    """What a run folder's ``events.jsonl`` says: the command, when it started, and how it
    ended (``ok``, ``failed``, ``interrupted``, ``crashed``, ``disk_full``, or ``unfinished``
    while it runs or when its machine was lost)."""

    run_id: str
    command: str
    started_at: str
    outcome: str
    exit_code: int | None
    path: str


def run_folders(logs_dir: Path) -> list[RunFolder]:
    """Every run folder under ``logs_dir`` that has an event log, newest first."""
    if not logs_dir.is_dir():
        return []
    found = []
    for folder in sorted((p for p in logs_dir.iterdir() if p.is_dir()), reverse=True):
        events = folder / "events.jsonl"
        if not events.is_file():
            continue
        first, last = _first_and_last(events)
        if first is None or last is None:
            continue
        outcome = "unfinished"
        if last.get("event") == "failed":
            outcome = "failed"  # a TransferError: logged under its own stage
        elif last.get("stage") == "run":
            outcome = _OUTCOMES.get(str(last.get("event")), "unfinished")
        found.append(
            RunFolder(
                run_id=folder.name,
                command=str(first.get("fields", {}).get("command", "")),
                started_at=str(first.get("time", "")),
                outcome=outcome,
                exit_code=last.get("fields", {}).get("exit_code"),
                path=str(folder),
            )
        )
    return found


def _first_and_last(path: Path) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    # Event logs of long runs are large: read the first line and the file's tail only.
    with path.open("rb") as handle:
        head = handle.readline()
        handle.seek(0, 2)
        size = handle.tell()
        handle.seek(max(0, size - 16384))
        tail = handle.read().splitlines()
    try:
        first = json.loads(head)
        last = json.loads(tail[-1]) if tail else None
    except (ValueError, UnicodeDecodeError):
        return None, None
    return first, last
