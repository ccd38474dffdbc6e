"""How many responses per second the sandbox serves on its own (not a pass/fail test).

Serves the sandbox at the given scale in a process of its own (`transfer sandbox serve`),
and fetches every ground-truth page of the online service (and a sample of platform API
pages) from several client threads of this process over keep-alive connections, printing
responses/s. It first prints how long the Partnership platform's world takes to build (at
0.02 and at the given scale): a figure, never an assertion of the tests. The crawler
benchmarks are only meaningful while the responses/s are well above their pages/s.

    .venv/bin/python bench/sandbox_throughput.py [--scale 1] [--threads 8] [--seconds 10]
"""

from __future__ import annotations

import argparse
import http.client
import threading
import time
from urllib.parse import urlsplit

from transfer.sandbox import SandboxSettings
from transfer.sandbox.online import OnlineService
from transfer.sandbox.platform.build import build_world
from transfer.sandbox.process import serve_in_subprocess


def hammer(
    base: str,
    paths: list[str],
    stop_at: float,
    counts: list[int],
    index: int,
    headers: dict[str, str],
) -> None:
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    done = 0
    position = index
    while time.monotonic() < stop_at:
        path = paths[position % len(paths)]
        position += 7
        connection.request("GET", path, headers=headers)
        answer = connection.getresponse()
        answer.read()
        done += 1
    connection.close()
    counts[index] = done


def measure(
    base: str, paths: list[str], threads: int, seconds: float, headers: dict[str, str] | None = None
) -> float:
    counts = [0] * threads
    stop_at = time.monotonic() + seconds
    workers = [
        threading.Thread(target=hammer, args=(base, paths, stop_at, counts, n, headers or {}))
        for n in range(threads)
    ]
    started = time.monotonic()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(counts) / (time.monotonic() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=8.0)
    args = parser.parse_args()
    settings = SandboxSettings(scale=args.scale)
    for scale in sorted({0.02, args.scale}):
        started = time.process_time()
        build_world(SandboxSettings(scale=scale))
        print(f"platform world, scale {scale}: built in {time.process_time() - started:.2f} s CPU")
    with serve_in_subprocess(settings) as (online_url, platform_url):
        truth = OnlineService(settings).truth()
        pages = [urlsplit(page["url"]).path or "/" for page in truth["pages"]]
        print(f"sandbox scale {args.scale}: {len(pages)} online pages")
        measure(online_url, pages, args.threads, 1.0)  # warm the render caches
        rate = measure(online_url, pages, args.threads, args.seconds)
        print(
            f"online service: {rate:,.0f} responses/s ({args.threads} client threads, "
            f"keep-alive, HTML pages)"
        )
        import base64

        token = base64.b64encode(
            f"{settings.platform_username}:{settings.platform_password}".encode()
        ).decode()
        api = [
            "/o/headless-admin-user/v1.0/user-accounts?page=1&pageSize=20",
            "/o/headless-admin-user/v1.0/organizations?page=2&pageSize=20",
            "/o/headless-admin-user/v1.0/my-user-account/sites?pageSize=20",
        ]
        rate = measure(
            platform_url,
            api,
            args.threads,
            args.seconds / 2,
            {"Authorization": f"Basic {token}"},
        )
        print(f"platform API: {rate:,.0f} responses/s (20-item pages, Basic auth)")


if __name__ == "__main__":
    main()
