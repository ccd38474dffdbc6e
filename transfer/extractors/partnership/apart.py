"""The Partnership export in a process of its own, for when it runs beside the crawl.

In one process the crawl and the export share one interpreter lock, and both are chains of
short requests: each answer waits for the lock while the other side holds it, so the
export (the longer of the two) ran slower beside the crawl than alone.
:func:`extract_partnership_apart` runs :func:`extract_partnership` in a child process and
keeps its contract for the caller:

- the same result (:class:`ExportResult`, sent back whole) and the same staging store;
- the same events, in their order and with their own time, written by this process into
  the run's ``events.jsonl`` (fields redacted again here);
- progress: the child's counters reach ``progress`` (at most every
  :data:`PROGRESS_EVERY_S` seconds, the first and the final ones always); a ``progress``
  that raises fails the export with that error, as it would in the same process;
- ``stop`` (a :class:`threading.Event` of this process) stops the child cleanly, its
  committed work kept for the next run;
- an error of the export is raised here, with its class, message and attributes (the
  child's traceback as its cause), so exit codes are unchanged.

The child is started by the worker context (:mod:`transfer.workers`: forkserver, never a
fork of a process that runs threads), ignores Ctrl-C and SIGTERM (this process turns them
into ``stop``), gets every secret this process has registered (the export masks them in
what it stages) and hands its own (tokens) back at the end. It ends at once when this
process is gone (its control pipe closes), so a killed run leaves no export writing on.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import signal
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from transfer.config import Settings
from transfer.errors import ExtractionError
from transfer.extractors.partnership import ExportResult, ExportStats, extract_partnership
from transfer.redaction import register_secret, registered_secrets
from transfer.runs import EventLog, Run
from transfer.workers import context

#: The child's counters reach ``progress`` at most this often (and first and last always).
PROGRESS_EVERY_S = 0.1
#: How long the relay waits for a message before it looks at ``stop`` again.
POLL_S = 0.1
#: After its result, how long the child may take to end before it is killed.
JOIN_S = 10.0


@dataclass(frozen=True)
class _Start:
    """What the child needs: the settings, the run it belongs to and the known secrets."""

    settings: Settings
    command: str
    logs_dir: Path
    run_id: str
    secrets: list[str]


class _DisplayFailed(Exception):
    """In the child: this process's ``progress`` raised (its error is raised here)."""


class _RemoteTraceback(Exception):
    """The child's traceback of an error, as the cause of the error raised here."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text

    def __str__(self) -> str:
        return self.text


def extract_partnership_apart(
    settings: Settings,
    run: Run,
    *,
    progress: Callable[[ExportStats], None] | None = None,
    stop: threading.Event | None = None,
) -> ExportResult:
    """:func:`extract_partnership` (default page size, public pages) in a child process;
    see the module's docstring for what is kept."""
    stop = stop or threading.Event()
    ctx = context()
    messages, child_messages = ctx.Pipe(duplex=False)
    child_control, control = ctx.Pipe(duplex=False)
    start = _Start(settings, run.command, run.logs_dir, run.run_id, registered_secrets())
    process = ctx.Process(  # type: ignore[attr-defined]
        target=_child, args=(start, child_messages, child_control), name="transfer-export"
    )
    process.start()
    child_messages.close()
    child_control.close()
    try:
        return _relay(messages, control, run, progress, stop)
    finally:
        control.close()  # the child, if still running, ends at once
        messages.close()
        process.join(JOIN_S)
        if process.is_alive():
            process.kill()
            process.join()


def _relay(
    messages: Connection,
    control: Connection,
    run: Run,
    progress: Callable[[ExportStats], None] | None,
    stop: threading.Event,
) -> ExportResult:
    """Pass the child's events and progress on until its result or error arrives."""
    display_error: BaseException | None = None
    stop_sent = False
    while True:
        if stop.is_set() and not stop_sent:
            _tell(control, "stop")
            stop_sent = True
        if not messages.poll(POLL_S):
            continue
        try:
            kind, payload, secrets = messages.recv()
        except EOFError:
            raise ExtractionError(
                "the export's process ended without a result",
                next_step="run the same command again: the export resumes where it stopped",
            ) from None
        for secret in secrets:
            register_secret(secret)
        if kind == "event":
            run.events.relay(json.loads(payload))
        elif kind == "progress":
            if progress is not None and display_error is None:
                try:
                    progress(payload)
                except BaseException as exc:  # the export fails with it, as in one process
                    display_error = exc
                    _tell(control, "display failed")
        elif kind == "result":
            if progress is not None and display_error is None:
                progress(payload.stats)  # the final figures
            assert isinstance(payload, ExportResult)
            return payload
        else:  # "error"
            if display_error is not None:
                raise display_error
            raise _rebuild(payload)


def _tell(control: Connection, what: str) -> None:
    # The child may be gone already; the message pipe reports its end.
    with contextlib.suppress(OSError):
        control.send(what)


# -- in the child ------------------------------------------------------------------------


class _Relayed(EventLog):
    """The child's event log: each event goes to the parent, which writes it."""

    def __init__(self, run_id: str, send: Callable[[str, Any], None]) -> None:
        super().__init__(Path(os.devnull), run_id)
        self._send = send

    def _write(self, record: dict[str, Any]) -> None:
        # As JSON text: the parent writes exactly the line this process would have.
        self._send("event", json.dumps(record, ensure_ascii=False, default=str))


def _child(start: _Start, messages: Connection, control: Connection) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    for secret in start.secrets:
        register_secret(secret)
    stop, display_failed, done = threading.Event(), threading.Event(), threading.Event()
    threading.Thread(
        target=_listen,
        args=(control, stop, display_failed, done),
        name="transfer-export-control",
        daemon=True,
    ).start()
    lock = threading.Lock()
    known = set(start.secrets)

    def send(kind: str, payload: Any) -> None:
        with lock:
            new = [s for s in registered_secrets() if s not in known]
            known.update(new)
            messages.send((kind, payload, new))

    last = [0.0]

    def report(stats: ExportStats) -> None:
        if display_failed.is_set():
            raise _DisplayFailed
        now = time.monotonic()
        if not last[0] or now - last[0] >= PROGRESS_EVERY_S:
            last[0] = now
            send("progress", stats)

    run = Run(start.command, start.logs_dir, run_id=start.run_id)
    run.events = _Relayed(start.run_id, send)
    try:
        result = extract_partnership(start.settings, run, progress=report, stop=stop)
    except BaseException as exc:
        send("error", _portable(exc))
    else:
        send("result", result)
    done.set()
    messages.close()


def _listen(
    control: Connection,
    stop: threading.Event,
    display_failed: threading.Event,
    done: threading.Event,
) -> None:
    """Obey the parent; when it is gone (the pipe closed) before the end, end at once."""
    while True:
        try:
            what = control.recv()
        except (EOFError, OSError):
            if not done.is_set():
                os._exit(1)
            return
        if what == "stop":
            stop.set()
        elif what == "display failed":
            display_failed.set()


Portable = tuple[type[BaseException], tuple[Any, ...], dict[str, Any], str]


def _portable(exc: BaseException) -> Portable:
    """What rebuilds ``exc`` in the parent without its ``__init__`` (whose arguments are
    not always its ``args``); what cannot travel is left out (its text stays)."""
    text = "".join(traceback.format_exception(exc))
    cls: type[BaseException] = type(exc) if _picklable(type(exc)) else RuntimeError
    args = exc.args if _picklable(exc.args) else (str(exc),)
    state = {k: v for k, v in vars(exc).items() if _picklable(v)}
    return cls, args, state, text


def _picklable(value: Any) -> bool:
    try:
        pickle.dumps(value)
    except Exception:
        return False
    return True


def _rebuild(portable: Portable) -> BaseException:
    cls, args, state, text = portable
    exc = cls.__new__(cls, *args)
    exc.args = args
    vars(exc).update(state)
    exc.__cause__ = _RemoteTraceback(text)
    return exc
