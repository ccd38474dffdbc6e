"""Run every benchmark and print its figures (`make bench`). Benchmarks never fail a build.

The benches of issue 21's targets print each figure beside its target: the crawl, the
verification, the load, `make demo` and, last, `make test` (`suite_time.py` runs the whole
suite: about 8 minutes). The load and verification benches run at the scales of
``--scales`` (``make bench BENCH_SCALES="1 10"``; scale 1 alone by default, because scale
10 of the load bench takes tens of minutes on a shared machine).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

BENCHES = [
    "sandbox_throughput.py",
    "crawl_throughput.py",
    "compare_scrapy.py",
    "verify_memory.py",
    "load_throughput.py",
    "demo_time.py",
    "suite_time.py",
]
#: The benches that take ``--scales``.
SCALED = {"verify_memory.py", "load_throughput.py"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", nargs="*", default=["1"])
    args = parser.parse_args()
    here = Path(__file__).parent
    for name in BENCHES:
        print(f"== {name}", flush=True)
        extra = ["--scales", *args.scales] if name in SCALED else []
        subprocess.run([sys.executable, str(here / name), *extra], check=False)


if __name__ == "__main__":
    main()
