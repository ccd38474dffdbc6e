"""Crawler throughput against the sandbox with added latency (not a pass/fail test).

For concurrency 1, 4 and 16, crawls the online service of a sandbox that adds 20 ms to
every response (served in its own process), and prints pages/s beside the latency bound
(concurrency / latency) and their ratio, and the crawl's CPU time per page (its own process
and its parsing processes; the sandbox's not counted); then the time of an unchanged
re-crawl beside the first crawl's; then concurrency 16 with pages parsed in the crawl's own
process (as before the parsing pool) beside the pool, and the figure against its target
(issue 21: at least twice the 114 pages/s measured with one process).

    .venv/bin/python bench/crawl_throughput.py [--scale 0.3] [--latency-ms 20]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent))

from tests.extractors.crawl_helpers import crawl
from transfer.extractors.online_service import CrawlResult
from transfer.sandbox import SandboxSettings
from transfer.sandbox.process import serve_in_subprocess

#: pages/s at concurrency 16 with 20 ms added latency, one process (issue 21)
BEFORE_RATE = 114.0
TARGET_RATE = 2 * BEFORE_RATE


def timed_crawl(
    folder: Path, online_url: str, concurrency: int, parse_workers: int | None = None
) -> tuple[CrawlResult, float, float]:
    """The crawl, its seconds, and its CPU seconds (this process and the parsing processes)."""
    started, cpu = time.monotonic(), time.process_time()
    result = crawl(folder, online_url, parse_workers, concurrency=concurrency)
    elapsed, cpu = time.monotonic() - started, time.process_time() - cpu
    return result, elapsed, cpu + result.stats.parse_cpu_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=0.3)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, nargs="*", default=[1, 4, 16])
    args = parser.parse_args()
    latency = args.latency_ms / 1000
    settings = SandboxSettings(scale=args.scale)
    print(f"sandbox scale {args.scale}, {args.latency_ms:.0f} ms added to every response")
    print(
        f"{'concurrency':>11} {'requests':>9} {'seconds':>8} {'pages/s':>8} {'bound':>7} "
        f"{'ratio':>6} {'CPU ms/page':>11}"
    )
    with serve_in_subprocess(settings, f"latency_ms={args.latency_ms}") as (online_url, _):
        first: dict[int, float] = {}
        for concurrency in args.concurrency:
            with tempfile.TemporaryDirectory() as folder:
                result, elapsed, cpu = timed_crawl(Path(folder), online_url, concurrency)
                first[concurrency] = elapsed
                done = result.stats.done
                rate = done / elapsed
                bound = concurrency / latency
                print(
                    f"{concurrency:>11} {done:>9} {elapsed:>8.1f} {rate:>8.1f} {bound:>7.0f} "
                    f"{rate / bound:>6.2f} {cpu / done * 1000:>11.1f}"
                )
                if concurrency == 16:
                    pooled = (
                        rate,
                        cpu / done,
                        result.stats.parse_workers,
                        result.stats.parsed_inline,
                    )
                if concurrency == 4:
                    started = time.monotonic()
                    again = crawl(Path(folder), online_url, concurrency=concurrency)
                    recrawl = time.monotonic() - started
                    recrawl_line = (
                        f"unchanged re-crawl at concurrency 4: {recrawl:.1f} s beside "
                        f"{elapsed:.1f} s for the first crawl ({recrawl / elapsed:.2f}); "
                        f"{again.stats.fetched} bodies fetched, "
                        f"{again.stats.not_modified} answered 304, "
                        f"{again.stats.skipped_by_sitemap} skipped by sitemap lastmod"
                    )
        if 4 in first:
            print(recrawl_line)
        if 16 in first:
            with tempfile.TemporaryDirectory() as folder:
                alone, elapsed, cpu = timed_crawl(Path(folder), online_url, 16, parse_workers=1)
            rate, cpu_per_page, workers, inline = pooled
            print(
                f"concurrency 16, pages parsed in the crawl's own process: "
                f"{alone.stats.done / elapsed:.1f} pages/s, "
                f"{cpu / alone.stats.done * 1000:.1f} ms CPU/page; "
                f"with {workers} parsing processes: {rate:.1f} pages/s, "
                f"{cpu_per_page * 1000:.1f} ms CPU/page ({inline} pages parsed by the fetch "
                "threads while the workers were behind)"
            )
            verdict = "OK" if rate >= TARGET_RATE else "BELOW"
            print(
                f"crawl c=16 +{args.latency_ms:.0f}ms: {rate:.0f} pages/s "
                f"(target >= {TARGET_RATE:.0f}) {verdict}; {cpu_per_page * 1000:.1f} ms CPU/page "
                f"on {os.cpu_count()} cores"
            )


if __name__ == "__main__":
    main()
