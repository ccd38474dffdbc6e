"""Verification's peak memory at sandbox scale 1 and 10, and its time beside a plain read.

Synthetic data at the sandbox's shape (said in the output): per scale unit 1,500 translation
groups (a Finnish and an English news page each, 3,000 pages), 1,500 attachments with files
in a media store, 6,000 redirects and 2,500 members, loaded into a SQLite target by the
test world builder (tests/verification/world.py). Each measurement runs in a fresh child
process: peak RSS (ru_maxrss) of `verify`, the peak of Python allocations (tracemalloc, a
separate run since it slows Python down), and the wall time of `verify` beside the time of
simply streaming every KEHA table once (wall and CPU seconds of the process, the CPU of the
fidelity pass's worker processes added: the CPU ratio holds when other work shares the
machine). Verification shares its fidelity pass among the cores from 10,000 mapped records
up (`verify.shares`), so at scale 10 its wall time is less than its CPU time. The RSS
before `verify` starts (interpreter and libraries imported, Linux's /proc) is shown too,
and the seconds per check of the largest scale.

    .venv/bin/python bench/verify_memory.py [--scales 1 10]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent.parent))

from tests.verification.world import build_world, load_target
from transfer.database import create_target_engine

GROUPS, MEMBERS = 1500, 2500
#: Issue 21's targets: verify at most 3 times the plain read (at scale 10), peak memory of
#: the largest scale at most 1.5 times the smallest's.
TIME_TARGET, MEMORY_TARGET = 3.0, 1.5


def _verdict(ok: bool) -> str:
    return "OK" if ok else "MISSED"


def _rss_mb() -> float:
    """The current resident set size (Linux), 0 where /proc is missing."""
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:
        return 0.0
    line = next((line for line in status.splitlines() if line.startswith("VmRSS:")), "")
    return int(line.split()[1]) / 1024 if line else 0.0


def child(mode: str, root: Path) -> None:
    """Run in a child: one measurement, printed as JSON."""
    from transfer.verification import VerifyInputs, verify
    from transfer.verification.target import keha_tables, stream_rows

    engine = create_target_engine(f"sqlite:///{root / 'target.db'}")
    # No earlier runs to compare with (write_index lists the folder, so it must exist).
    (root / "logs-none").mkdir(exist_ok=True)
    result: dict[str, Any] = {"baseline_mb": _rss_mb()}
    cpu = time.process_time()
    if mode == "read":
        started, rows = time.perf_counter(), 0
        with engine.connect() as connection:
            for table in keha_tables():
                for _row in stream_rows(connection, table):
                    rows += 1
        result |= {"seconds": time.perf_counter() - started, "rows": rows}
    else:
        if mode == "tracemalloc":
            import tracemalloc

            tracemalloc.start()
        started = time.perf_counter()
        report = verify(
            VerifyInputs(
                engine=engine,
                mapped_store=root / "mapped" / "mapped.sqlite",
                staging_dir=root / "staging",
                media_dir=root / "media",
                out_dir=root / "logs" / mode,
                logs_dir=root / "logs-none",
                run_id=mode,
            )
        )
        result |= {
            "seconds": time.perf_counter() - started,
            "go": report.verdict.go,
            "timings": report.timings,
        }
        if mode == "tracemalloc":
            result["python_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
    # The fidelity pass's workers (verify.shares) report their own CPU time (the fork
    # server's start, about a second of imports, is in neither figure).
    workers_cpu = float(result.get("timings", {}).get("workers_cpu", 0.0))
    result["cpu_seconds"] = time.process_time() - cpu + workers_cpu
    result["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def measure(mode: str, root: Path) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(root)],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", type=float, nargs="*", default=[1.0, 10.0])
    parser.add_argument("--child", nargs=2, metavar=("MODE", "ROOT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    print("synthetic loaded target at the sandbox's shape (tests/verification/world.py), SQLite")
    print(
        f"{'scale':>5} {'records':>8} {'rows':>8} {'read s':>7} {'verify s':>8} "
        f"{'ratio':>6} {'peak RSS MB':>11} {'before MB':>9} {'py peak MB':>10}"
    )
    lines: list[str] = []
    peaks: list[float] = []
    seconds: list[tuple[float, float]] = []
    timings: dict[str, float] = {}
    for scale in args.scales:
        with tempfile.TemporaryDirectory(prefix="verify-bench-") as tmp:
            root = Path(tmp)
            groups, members = round(GROUPS * scale), round(MEMBERS * scale)
            world = build_world(root, groups=groups, members=members)
            engine = create_target_engine(f"sqlite:///{root / 'target.db'}")
            load_target(engine, world)
            engine.dispose()
            read = measure("read", root)
            plain = measure("verify", root)
            traced = measure("tracemalloc", root)
            peaks.append(plain["maxrss_mb"])
            seconds.append((read["seconds"], plain["seconds"]))
            timings = plain["timings"]
            print(
                f"{scale:>5g} {groups * 3 + members + 1:>8} {int(read['rows']):>8} "
                f"{read['seconds']:>7.2f} {plain['seconds']:>8.2f} "
                f"{plain['seconds'] / read['seconds']:>6.1f} {plain['maxrss_mb']:>11.1f} "
                f"{plain['baseline_mb']:>9.1f} {traced['python_peak_mb']:>10.1f}",
                flush=True,
            )
            ratio = plain["seconds"] / read["seconds"]
            cpu = plain["cpu_seconds"] / read["cpu_seconds"]
            shares = plain["timings"].get("shares", 1)
            lines.append(
                f"verify scale {scale:g}: {plain['seconds']:.1f} s = {ratio:.1f}x the plain read "
                f"{read['seconds']:.2f} s (target <= {TIME_TARGET:g}x at scale 10) "
                f"{_verdict(ratio <= TIME_TARGET)}; CPU {plain['cpu_seconds']:.1f} s = {cpu:.1f}x "
                f"the read's {read['cpu_seconds']:.2f} s {_verdict(cpu <= TIME_TARGET)}; "
                f"fidelity in {shares:g} share(s)"
                + (
                    f", workers {plain['timings']['workers_cpu']:.1f} s CPU (in the CPU "
                    f"figure), peak RSS {plain['timings']['workers_peak_mb']:.0f} MB"
                    if shares > 1
                    else ""
                )
            )
    print(
        "seconds per step at the largest scale: "
        + ", ".join(f"{k} {v:g}" for k, v in timings.items())
    )
    for line in lines:
        print(line)
    if len(peaks) > 1:
        growth = peaks[-1] / peaks[0]
        print(
            f"verify peak RSS scale {args.scales[-1]:g} / scale {args.scales[0]:g}: "
            f"{growth:.2f}x ({peaks[-1]:.0f} / {peaks[0]:.0f} MB; target <= {MEMORY_TARGET:g}x) "
            f"{_verdict(growth <= MEMORY_TARGET)}"
        )
        print(
            f"time, largest scale / smallest: verify {seconds[-1][1] / seconds[0][1]:.1f}x, "
            f"plain read {seconds[-1][0] / seconds[0][0]:.1f}x"
        )


if __name__ == "__main__":
    main()
