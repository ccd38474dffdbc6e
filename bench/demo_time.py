"""Time `make demo`: `transfer rehearse` (default scale) in a temporary workspace.

Prints the wall time beside the 4-minute target, the CPU time of every process it ran (the
machine may be shared: CPU time is the steadier figure), the time of each phase (dry-run
stages from the rehearsal's events, the cutover's steps from their run folders) and the
peak memory of the toolkit and of the sandbox, each in its own process.

    python bench/demo_time.py [--scale 1.0] [--keep]
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

TARGET_S = 240.0
REPO = Path(__file__).resolve().parents[1]


def _events(folder: Path) -> list[dict[str, object]]:
    path = folder / "events.jsonl"
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _at(event: dict[str, object]) -> float:
    return datetime.fromisoformat(str(event["time"])).timestamp()


def _span(folder: Path) -> float | None:
    events = _events(folder)
    return _at(events[-1]) - _at(events[0]) if events else None


def _dry_run_phases(folder: Path) -> list[tuple[str, float]]:
    """(phase, seconds) of the dry run: the sandbox's start, then each stage (the crawl and
    the export run at once: each has its own span, from its start to its end event)."""
    events = _events(folder)
    if not events:
        return []
    starts: dict[str, float] = {}
    ends: dict[str, float] = {}
    for event in events:
        fields = event.get("fields")
        if event["stage"] == "pipeline" and isinstance(fields, dict):
            name = str(fields["name"])
            if event["event"] == "stage started":
                starts[name] = _at(event)
            elif event["event"] in ("stage finished", "stage failed"):
                ends[name] = _at(event)
    if not starts:
        return []
    first = min(starts.values())
    phases = [("sandbox start and checks", first - _at(events[0]))]
    order = sorted(starts, key=lambda name: starts[name])
    for name, after in itertools.zip_longest(order, order[1:]):
        end = ends.get(name)
        if end is None:  # events of a version without "stage finished"
            end = starts[after] if after is not None else _at(events[-1])
        phases.append((name, end - starts[name]))
    return phases


def _line(label: str, seconds: float | None, note: str = "") -> str:
    shown = "-" if seconds is None else f"{seconds:7.1f} s"
    return f"  {label:<34} {shown:>10}  {note}".rstrip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="1.0")
    parser.add_argument("--keep", action="store_true", help="keep the temporary workspace")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="demo-time-"))
    logs = folder / "logs"
    command = [
        sys.executable,
        "-m",
        "transfer",
        "--workspace",
        str(folder / "ws"),
        "--logs-dir",
        str(logs),
        "rehearse",
        "--scale",
        args.scale,
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    # What `make demo` does before the rehearsal: the package's bytecode (see the Makefile).
    compiled_at = time.monotonic()
    subprocess.run([sys.executable, "-m", "compileall", "-q", "transfer"], cwd=REPO, check=True)
    compile_s = time.monotonic() - compiled_at
    started = time.monotonic()
    finished = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    wall = time.monotonic() - started + compile_s
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    output = finished.stdout + finished.stderr

    verdict = "within" if wall <= TARGET_S else "OVER"
    print(f"transfer rehearse --scale {args.scale}: exit {finished.returncode}, in {folder}")
    print(_line("total (wall)", wall, f"target {TARGET_S:.0f} s: {verdict}"))
    print(_line("  bytecode (compileall)", compile_s, "as make demo does first"))
    print(_line("total CPU, every process", cpu, f"{cpu / wall:.2f} cores busy on average"))
    runs = sorted(path for path in logs.glob("*") if path.is_dir()) if logs.is_dir() else []
    for run in runs:
        if run.name.split("-")[1:2] == ["rehearse"]:
            print(_line("dry run", _span(run)))
            for name, seconds in _dry_run_phases(run):
                print(_line(f"  {name}", seconds))
    for run in runs:
        if "-cutover-" in run.name:
            print(_line("rehearsed cutover", _span(run)))
    for run in runs:
        step = re.sub(r"^\d{8}T\d{6}Z-|-[0-9a-f]{4}$", "", run.name)
        if step not in ("rehearse",) and not step.startswith("cutover"):
            print(_line(f"  {step}", _span(run)))
    print("peak memory (resident):")
    for line in output.splitlines():
        if "peak memory" in line:
            print(f"  {line.strip()}")
    print(f"  largest single process: {after.ru_maxrss / 1024:,.0f} MB (ru_maxrss of children)")
    if finished.returncode != 0:
        print("the rehearsal failed; its last lines:")
        print("\n".join(output.splitlines()[-15:]))
    if not args.keep:
        subprocess.run(["rm", "-rf", str(folder)], check=False)


if __name__ == "__main__":
    main()
