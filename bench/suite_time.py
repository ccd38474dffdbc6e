"""Time `make test`: the whole suite, as CI runs it, beside the 8-minute target (issue 21).

Runs `make test` in the repository (the services it starts included) with its output in a
log file, then prints the wall time beside the target, the CPU time (user and system) of
the processes make waited for and how many cores they kept busy on average, how the
machine's cores spent the run (busy, idle, stolen by a virtual machine's hypervisor: the
PostgreSQL server and other daemons count only there), and pytest's own summary line. The
exit status is make's.

    python bench/suite_time.py [--workers N] [--log PATH]
"""

from __future__ import annotations

import argparse
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_S = 480.0
REPO = Path(__file__).resolve().parents[1]
#: pytest's last line: "==== 1444 passed in 419.54s (0:06:59) ====" (failures named first).
SUMMARY = re.compile(r"^=+ (?P<text>.*\d+ (?:passed|failed|error).*) =+$")


def _cpu_ticks() -> list[int] | None:
    """The machine's CPU time by state since boot (Linux ``/proc/stat``), None elsewhere."""
    try:
        first = Path("/proc/stat").read_text(encoding="ascii").splitlines()[0].split()
    except OSError:
        return None
    return [int(value) for value in first[1:]]


def _machine(before: list[int] | None, after: list[int] | None) -> str:
    """How the machine's cores spent the run: busy (any process, the suite's services
    too), idle, and stolen by the hypervisor of a virtual machine."""
    if before is None or after is None:
        return "machine's CPU states not available"
    spent = [b - a for a, b in zip(before, after, strict=True)]
    total = sum(spent) or 1
    idle, iowait = spent[3], spent[4]
    steal = spent[7] if len(spent) > 7 else 0
    busy = total - idle - iowait - steal
    return (
        f"machine: {busy / total:.0%} busy, {(idle + iowait) / total:.0%} idle, "
        f"{steal / total:.0%} stolen by the hypervisor"
    )


def _minutes(seconds: float) -> str:
    return f"{int(seconds // 60)}:{seconds % 60:04.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, help="pytest-xdist workers (make's default)")
    parser.add_argument("--log", type=Path, help="where make's output goes (a temporary file)")
    args = parser.parse_args()
    log = args.log or Path(tempfile.mkdtemp(prefix="suite-time-")) / "make-test.log"
    command = ["make", "test"]
    if args.workers is not None:
        command.append(f"TEST_WORKERS={args.workers}")
    print(f"{' '.join(command)}: output in {log}", flush=True)
    before, ticks = resource.getrusage(resource.RUSAGE_CHILDREN), _cpu_ticks()
    started = time.monotonic()
    with log.open("w", encoding="utf-8") as out:
        status = subprocess.run(command, cwd=REPO, stdout=out, stderr=subprocess.STDOUT).returncode
    wall = time.monotonic() - started
    after, machine = resource.getrusage(resource.RUSAGE_CHILDREN), _machine(ticks, _cpu_ticks())
    user, system = after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    summary = next((m["text"] for line in reversed(lines) if (m := SUMMARY.match(line))), None)
    verdict = "within" if wall <= TARGET_S else "MISSED"
    if status != 0:
        verdict += f"; but the suite FAILED (exit {status}), so the time does not count"
    print(f"make test: exit {status}; pytest: {summary or 'no summary line (see the log)'}")
    print(
        f"  wall {wall:.1f} s ({_minutes(wall)})  target {TARGET_S:.0f} s "
        f"({_minutes(TARGET_S)}): {verdict}"
    )
    print(
        f"  CPU of the processes make waited for: user {user:.0f} s, system {system:.0f} s, "
        f"{(user + system) / wall:.2f} cores busy on average"
    )
    print(f"  {machine}")
    sys.exit(status)


if __name__ == "__main__":
    main()
