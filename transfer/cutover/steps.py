"""Running one runbook command: a subprocess, its exit code, its output in the run's log.

``transfer …`` commands run as ``python -m transfer`` with the executor's own interpreter
and the executor's effective settings passed down through ``TRANSFER_*`` variables, so a
step works on the same workspace, logs folder and target as the cutover that runs it.
Shell commands run through ``/bin/sh -c``. Placeholders (``{run_dir}`` …) are filled in,
shell-quoted for shell commands.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from transfer.config import OPTIONS_BY_KEY, Settings
from transfer.cutover.runbook import Precondition, Step, command_fields
from transfer.redaction import Secret, redact

TAIL_LINES = 8


@dataclass(frozen=True)
class StepContext:
    """What every step of one cutover run shares."""

    run_id: str
    run_dir: Path
    mode: str
    runbook_dir: Path
    settings: Settings
    # Variables the caller adds for every step (a rehearsal's freeze time, say).
    extra_env: Mapping[str, str] = field(default_factory=dict)
    #: Told each line of a step's output as it comes: (step id, line).
    output: Callable[[str, str], None] | None = None

    def fields(self) -> dict[str, str]:
        return {
            "run_id": self.run_id,
            "run_dir": str(self.run_dir),
            "workspace": str(self.settings.workspace),
            "logs_dir": str(self.settings.logs_dir),
            "mode": self.mode,
            "runbook_dir": str(self.runbook_dir),
        }

    def environment(self, step_id: str) -> dict[str, str]:
        """The child's environment: ours, plus the settings a step must share with us."""
        env = dict(os.environ)
        settings = self.settings
        env.update(
            {
                "TRANSFER_WORKSPACE": str(settings.workspace),
                "TRANSFER_LOGS_DIR": str(settings.logs_dir),
                "TRANSFER_MAPPINGS_DIR": str(settings.mappings_dir),
                "TRANSFER_TARGET_URL": settings.target.url,
                "TRANSFER_TARGET_ENVIRONMENT": settings.target.environment,
                "TRANSFER_CUTOVER_RUN_ID": self.run_id,
                "TRANSFER_CUTOVER_RUN_DIR": str(self.run_dir),
                "TRANSFER_CUTOVER_MODE": self.mode,
                "TRANSFER_CUTOVER_STEP": step_id,
                # Each line reaches the console and the step log as it is printed.
                "PYTHONUNBUFFERED": "1",
            }
        )
        if settings.config_file is not None:
            env["TRANSFER_CONFIG"] = str(settings.config_file)
        env.update(source_environment(settings))
        env.update(self.extra_env)
        return env


def source_environment(settings: Settings) -> dict[str, str]:
    """The sources' addresses and credentials as ``TRANSFER_SOURCES_*`` variables, so a step
    reaches the sources the executor was pointed at (the sandbox, in a rehearsal). Secrets
    go only into the child's environment, the one place they are accepted from."""
    env: dict[str, str] = {}
    for name, source in (
        ("online_service", settings.online_service),
        ("partnership", settings.partnership),
    ):
        for attribute in ("base_url", "fetch_base", *SECRETS):
            option = OPTIONS_BY_KEY.get(f"sources.{name}.{attribute}")
            value = getattr(source, attribute)
            if option is None or value is None:
                continue
            env[option.env] = value.reveal() if isinstance(value, Secret) else str(value)
    return env


SECRETS = ("username", "password", "client_id", "client_secret")


@dataclass(frozen=True)
class CommandResult:
    """How one command ended."""

    argv: tuple[str, ...]
    shown: str  # the command line as the operator reads it
    exit_code: int
    duration_s: float
    log: Path
    tail: tuple[str, ...]
    timed_out: bool = False


def fill(text: str, fields: Mapping[str, str], *, quote: bool) -> str:
    """Fill ``{name}`` placeholders (validated beforehand); shell-quote them if asked."""
    for name in set(command_fields(text)):
        value = fields[name]
        text = text.replace("{" + name + "}", shlex.quote(value) if quote else value)
    return text


def argv_of(action: str, text: str, fields: Mapping[str, str]) -> tuple[tuple[str, ...], str]:
    """The argv and the shown command line of a ``run:`` or ``shell:`` text."""
    if action == "run":
        words = [fill(word, fields, quote=False) for word in shlex.split(text)]
        return (sys.executable, "-m", "transfer", *words[1:]), shlex.join(words)
    line = fill(text, fields, quote=True)
    return ("/bin/sh", "-c", line), line


def run_command(
    action: str,
    text: str,
    context: StepContext,
    step_id: str,
    log: Path,
    timeout_s: float | None = None,
) -> CommandResult:
    """Run the command to its end (or its timeout). Its output (stdout and stderr) is
    appended to ``log`` line by line as it comes, redacted, and each line is handed to
    ``context.output`` (the console, in ``transfer cutover run``)."""
    argv, shown = argv_of(action, text, context.fields())
    log.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    deadline = None if timeout_s is None else started + timeout_s
    timed_out = False
    with log.open("ab") as output:
        output.write(f"$ {redact(shown)}\n".encode())
        output.flush()
        lines = _Lines(output, step_id, context.output)
        process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=context.environment(step_id),
            start_new_session=True,  # so a timeout or Ctrl-C can stop its children too
        )
        assert process.stdout is not None
        try:
            with process.stdout, selectors.DefaultSelector() as selector:
                pipe = process.stdout.fileno()
                os.set_blocking(pipe, False)
                selector.register(pipe, selectors.EVENT_READ)
                try:
                    timed_out = _follow(process, selector, pipe, lines, deadline)
                except KeyboardInterrupt:
                    _stop(process, signal.SIGINT)
                    _follow(process, selector, pipe, lines, None)  # its last words, logged
                    raise
            code = process.wait()
        finally:
            lines.close()
    duration = time.monotonic() - started
    return CommandResult(argv, shown, code, duration, log, _tail(log), timed_out)


#: How long the executor waits for a child's output before it looks at the clock again.
POLL_S = 0.1
EOF = -1


def _follow(
    process: subprocess.Popen[bytes],
    selector: selectors.BaseSelector,
    pipe: int,
    lines: _Lines,
    deadline: float | None,
) -> bool:
    """Pass the child's output on as it comes until the child ends; True when it reached
    ``deadline`` and was stopped."""
    while process.poll() is None:
        if deadline is not None and time.monotonic() >= deadline:
            _stop(process, signal.SIGTERM)
            _follow(process, selector, pipe, lines, None)
            return True
        if not selector.get_map():
            time.sleep(POLL_S)  # the child closed its output but still runs
        elif selector.select(timeout=POLL_S) and lines.read(pipe) == EOF:
            selector.unregister(pipe)
    # What the child wrote before it ended; a grandchild that keeps the pipe open
    # (``sleep 60 &``) does not hold the step.
    while selector.get_map() and lines.read(pipe) > 0:
        pass
    return False


class _Lines:
    """A child's output, split into lines: each written to the step log (redacted) and
    handed to the output callback as it completes."""

    def __init__(
        self, log: BinaryIO, step_id: str, output: Callable[[str, str], None] | None
    ) -> None:
        self.log, self.step_id, self.output = log, step_id, output
        self.pending = b""

    def read(self, pipe: int) -> int:
        """Read what the pipe holds: the number of bytes, 0 when nothing is there yet,
        :data:`EOF` at the end of the output."""
        try:
            chunk = os.read(pipe, 65536)
        except BlockingIOError:
            return 0
        if not chunk:
            return EOF
        *complete, self.pending = (self.pending + chunk).split(b"\n")
        for raw in complete:
            self._line(raw)
        return len(chunk)

    def _line(self, raw: bytes) -> None:
        text = redact(raw.decode("utf-8", "replace"))
        self.log.write(text.encode() + b"\n")
        self.log.flush()
        if self.output is not None:
            try:
                self.output(self.step_id, text.rstrip("\r"))
            except OSError:
                # The console's reader went away (`| tee` stopped): the step goes on, its
                # log still gets every line; the executor's next line reports the pipe.
                self.output = None

    def close(self) -> None:
        if self.pending:
            self._line(self.pending)
            self.pending = b""


def _stop(process: subprocess.Popen[bytes], signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signum)


def _tail(log: Path) -> tuple[str, ...]:
    lines = log.read_bytes().decode("utf-8", "replace").splitlines()
    return tuple(redact(line) for line in lines[-TAIL_LINES:])


def unmet(
    condition: Precondition, context: StepContext, done: set[str], step: Step, log: Path
) -> str:
    """``""`` when the precondition holds, else why it does not."""
    if condition.kind == "after":
        return "" if condition.value in done else f"step {condition.value!r} is not done"
    if condition.kind == "env":
        return (
            ""
            if (os.environ.get(condition.value) or context.extra_env.get(condition.value))
            else f"{condition.value} is not set"
        )
    if condition.kind == "path":
        path = Path(fill(condition.value, context.fields(), quote=False))
        return "" if path.exists() else f"{path} does not exist"
    result = run_command("run", condition.value, context, step.id, log, step.timeout_s)
    if result.exit_code == 0:
        return ""
    return f"check `{result.shown}` exited {result.exit_code}"


def advice(condition: Precondition) -> str:
    """What makes an unmet precondition hold."""
    if condition.kind == "after":
        return f"finish step {condition.value!r} first"
    if condition.kind == "env":
        return f"set {condition.value} in the environment of `transfer cutover run`"
    if condition.kind == "path":
        return "create it (or fix the step's path precondition)"
    return f"make `{condition.value}` exit 0"
