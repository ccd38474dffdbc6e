"""Crawler throughput against the sandbox with added latency (not a pass/fail test).

For concurrency 1, 4 and 16, crawls the online service of a sandbox that adds 20 ms to
every response (served in its own process), and prints pages/s beside the latency bound
(concurrency / latency) and their ratio; then the time of an unchanged re-crawl beside
the first crawl's.

    .venv/bin/python bench/crawl_throughput.py [--scale 0.3] [--latency-ms 20]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent))

from tests.extractors.crawl_helpers import crawl
from transfer.sandbox import SandboxSettings
from transfer.sandbox.process import serve_in_subprocess


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
        f"{'ratio':>6}"
    )
    with serve_in_subprocess(settings, f"latency_ms={args.latency_ms}") as (online_url, _):
        first: dict[int, float] = {}
        for concurrency in args.concurrency:
            with tempfile.TemporaryDirectory() as folder:
                started = time.monotonic()
                result = crawl(Path(folder), online_url, concurrency=concurrency)
                elapsed = time.monotonic() - started
                first[concurrency] = elapsed
                done = result.stats.done
                rate = done / elapsed
                bound = concurrency / latency
                print(
                    f"{concurrency:>11} {done:>9} {elapsed:>8.1f} {rate:>8.1f} {bound:>7.0f} "
                    f"{rate / bound:>6.2f}"
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


if __name__ == "__main__":
    main()
