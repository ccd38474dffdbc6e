"""Reading what ``transfer sandbox serve`` prints while it serves (a child process's pipe)."""

from __future__ import annotations

import queue
import shlex
import subprocess
import threading
import time

#: The line ``transfer sandbox serve`` prints once it serves, after the ``export`` lines.
READY = "serving; Ctrl-C stops"


class Output:
    """The lines a child process prints, read on a thread so a wait can time out."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        stream = process.stdout
        assert stream is not None

        def pump() -> None:
            for line in stream:
                self.lines.put(line.rstrip("\n"))
            self.lines.put(None)

        threading.Thread(target=pump, daemon=True).start()

    def until(self, marker: str, timeout: float) -> list[str]:
        """Every line up to and including the first that equals ``marker``."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no {marker!r} in time; printed: {self.seen}") from None
            if line is None:
                raise AssertionError(f"output ended before {marker!r}; printed: {self.seen}")
            self.seen.append(line)
            if line == marker:
                return list(self.seen)


def exports(lines: list[str]) -> dict[str, str]:
    """``NAME=value`` of every ``export`` line, read the way a shell reads it."""
    found: dict[str, str] = {}
    for line in lines:
        if line.startswith("export "):
            for word in shlex.split(line)[1:]:
                name, _, value = word.partition("=")
                found[name] = value
    return found
