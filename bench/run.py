"""Run every benchmark and print its figures (`make bench`). Benchmarks never fail a build."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCHES = [
    "sandbox_throughput.py",
    "crawl_throughput.py",
    "compare_scrapy.py",
    "verify_memory.py",
    "load_throughput.py",
]


def main() -> None:
    here = Path(__file__).parent
    for name in BENCHES:
        print(f"== {name}", flush=True)
        subprocess.run([sys.executable, str(here / name)], check=False)


if __name__ == "__main__":
    main()
