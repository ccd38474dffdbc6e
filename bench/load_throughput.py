"""Load throughput on SQLite and PostgreSQL (not a pass/fail test).

For scale 1 and 10: a full load of mapped records into an empty target (rows/s), beside a
raw SQLAlchemy Core bulk insert of the very same rows (one executemany per table, one
transaction: the practical ceiling) and the ratio; the time of a no-change re-load; and
the peak memory (max RSS) of the loading process. Each ratio is printed beside its target,
also by CPU seconds, the load's process and its media helper's (robust to a shared machine;
on PostgreSQL it leaves the server's work out). Each load runs in its own process, so the
memory is the loader's alone.

The mapped records are SYNTHETIC (tests/loaders/factory.py), shaped like the map stage's
output at the sandbox's sizes, because the map stage's real output of a sandbox at scale
10 takes too long to produce for a benchmark. Without TRANSFER_TEST_PG_URL the script
re-runs itself under tests/services/with-postgres.sh (a throw-away PostgreSQL).

    .venv/bin/python bench/load_throughput.py [--scales 1 10] [--engines sqlite postgresql]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


#: Issue 21's target: a load at least this share of the raw ceiling's rows/s.
TARGET = 0.35


def _verdict(ok: bool) -> str:
    return "OK" if ok else "MISSED"


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _engine(kind: str, folder: Path, name: str):  # type: ignore[no-untyped-def]
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from transfer.database import create_target_engine

    if kind == "sqlite":
        return create_target_engine(f"sqlite:///{folder / (name + '.db')}")
    url = make_url(os.environ["TRANSFER_TEST_PG_URL"]).set(
        password=os.environ["TRANSFER_TEST_PG_PASSWORD"]
    )
    schema = f"bench_{name}_{secrets.token_hex(3)}"
    with create_target_engine(url).begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    return create_target_engine(url, connect_args={"options": f"-csearch_path={schema}"})


def _rows(engine) -> int:  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select

    from transfer.schema import metadata

    with engine.connect() as connection:
        return sum(
            int(connection.execute(select(func.count()).select_from(t)).scalar_one())
            for t in metadata.sorted_tables
            if t.name != "content_kinds"
        )


def one(kind: str, workspace: Path) -> dict[str, float]:
    """Load ``workspace`` into a fresh target, re-load it, then the raw ceiling."""
    from sqlalchemy import select

    from transfer.loaders.options import LoadOptions
    from transfer.loaders.run import load_target
    from transfer.schema import metadata
    from transfer.schema.versioning import upgrade
    from transfer.workers import server_cpu_s

    baseline = _peak_mib()
    options = LoadOptions(
        mapped_store=workspace / "mapped" / "mapped.sqlite",
        blob_dir=workspace / "blobs",
        media_dir=workspace / f"media-{kind}",
    )
    engine = _engine(kind, workspace, "load")
    upgrade(engine)
    helper = server_cpu_s() or 0.0
    started, cpu = time.perf_counter(), time.process_time()
    result = load_target(engine, options, f"bench-{kind}-1", workspace / "logs")
    load_s = time.perf_counter() - started
    # The media helper (transfer.loaders.media) is a worker of the fork server: its CPU
    # counts there once it has ended, which it has when the load returns.
    load_cpu = time.process_time() - cpu + (server_cpu_s() or 0.0) - helper
    assert not result.stats.failures, result.stats.failures[:3]
    peak = _peak_mib()
    started = time.perf_counter()
    again = load_target(engine, options, f"bench-{kind}-2", workspace / "logs")
    reload_s = time.perf_counter() - started
    assert set(again.stats.actions) == {"unchanged"}, again.stats.actions
    rows = _rows(engine)
    # The ceiling: the same rows (ids and all) into an empty schema, one executemany per table.
    raw = _engine(kind, workspace, "raw")
    upgrade(raw)
    tables = [t for t in metadata.sorted_tables if t.name != "content_kinds"]
    with engine.connect() as source:
        copies = {t.name: [dict(r) for r in source.execute(select(t)).mappings()] for t in tables}
    started, cpu = time.perf_counter(), time.process_time()
    with raw.begin() as connection:
        for table in tables:
            if copies[table.name]:
                connection.execute(table.insert(), copies[table.name])
    raw_s = time.perf_counter() - started
    raw_cpu = time.process_time() - cpu
    return {
        "records": float(result.stats.seen),
        "rows": float(rows),
        "load_s": load_s,
        "reload_s": reload_s,
        "raw_s": raw_s,
        "load_cpu_s": load_cpu,
        "raw_cpu_s": raw_cpu,
        "baseline_mib": baseline,
        "peak_mib": peak,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", type=float, nargs="*", default=[1.0, 10.0])
    parser.add_argument("--engines", nargs="*", default=["sqlite", "postgresql"])
    parser.add_argument("--one", nargs=2, metavar=("ENGINE", "WORKSPACE"), help=argparse.SUPPRESS)
    parser.add_argument(
        "--prepare", nargs=2, metavar=("SCALE", "WORKSPACE"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one[0], Path(args.one[1]))))
        return
    if args.prepare:
        from tests.loaders.factory import write_workspace

        write_workspace(Path(args.prepare[1]), float(args.prepare[0]))
        return
    if "postgresql" in args.engines and not os.environ.get("TRANSFER_TEST_PG_URL"):
        script = ROOT / "tests" / "services" / "with-postgres.sh"
        os.execvp("bash", ["bash", str(script), sys.executable, *sys.argv])
    print("mapped records: SYNTHETIC (tests/loaders/factory.py, the sandbox's sizes per scale)")
    print(
        f"{'scale':>5} {'engine':>10} {'records':>8} {'rows':>8} {'load s':>7} {'rows/s':>8} "
        f"{'raw rows/s':>10} {'ratio':>6} {'re-load s':>9} {'peak MiB':>8}"
    )
    lines: list[str] = []
    for scale in args.scales:
        with tempfile.TemporaryDirectory() as folder:
            workspace = Path(folder)
            subprocess.run(
                [sys.executable, __file__, "--prepare", str(scale), str(workspace)], check=True
            )
            for kind in args.engines:
                out = subprocess.run(
                    [sys.executable, __file__, "--one", kind, str(workspace)],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
                f = json.loads(out.strip().splitlines()[-1])
                rate, raw = f["rows"] / f["load_s"], f["rows"] / f["raw_s"]
                print(
                    f"{scale:>5g} {kind:>10} {f['records']:>8.0f} {f['rows']:>8.0f} "
                    f"{f['load_s']:>7.1f} {rate:>8.0f} {raw:>10.0f} {rate / raw:>6.2f} "
                    f"{f['reload_s']:>9.1f} {f['peak_mib']:>8.0f}",
                    flush=True,
                )
                cpu = (f["rows"] / f["load_cpu_s"]) / (f["rows"] / f["raw_cpu_s"])
                lines.append(
                    f"load {kind} scale {scale:g}: {rate:,.0f} rows/s = {rate / raw:.2f} of "
                    f"ceiling {raw:,.0f} (target >= {TARGET:g}) {_verdict(rate / raw >= TARGET)}"
                    f"; by CPU (the load's process and its media helper) {cpu:.2f}"
                )
    for line in lines:
        print(line)
    print("peak MiB: max RSS of the loading process (interpreter and imports included)")


if __name__ == "__main__":
    main()
