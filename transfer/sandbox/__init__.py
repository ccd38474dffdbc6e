"""The rehearsal sandbox: both source systems replayed on loopback.

``serve_sandbox(settings)`` starts the online-service replica and the Partnership-platform
replica, each on its own free loopback port, and yields a :class:`RunningSandbox` with their
addresses and ground truth. Everything served is a deterministic function of
:class:`~transfer.sandbox.settings.SandboxSettings`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from transfer.sandbox.faults import FaultPlan
from transfer.sandbox.server import ReplicaServer, start_server
from transfer.sandbox.settings import VARIANTS, Faults, SandboxSettings, parse_variants

__all__ = [
    "VARIANTS",
    "Faults",
    "RunningSandbox",
    "SandboxSettings",
    "parse_variants",
    "serve_sandbox",
    "truth_counts",
    "truth_counts_path",
    "write_served_truth",
    "write_truth",
]


@dataclass
class RunningSandbox:
    """Addresses, replicas and counters of a sandbox being served."""

    settings: SandboxSettings
    online: ReplicaServer
    platform: ReplicaServer

    @property
    def online_url(self) -> str:
        return self.online.url

    @property
    def platform_url(self) -> str:
        return self.platform.url

    def truth(self) -> dict[str, Any]:
        """Ground truth of everything served: ``{"online_service": …, "platform": …}``."""
        return {
            "settings": describe(self.settings),
            "online_service": self.online.replica.truth(),
            "platform": self.platform.replica.truth(),
        }

    def stats(self) -> dict[str, Any]:
        """Responses by status and injected faults by kind, per replica."""
        return {
            name: {"statuses": dict(server.statuses), "faults": dict(server.plan.injected)}
            for name, server in (("online_service", self.online), ("platform", self.platform))
        }


def describe(settings: SandboxSettings) -> dict[str, Any]:
    return {
        "seed": settings.seed,
        "scale": settings.scale,
        "epoch": settings.epoch,
        "variants": sorted(settings.variants),
        "now": settings.now.isoformat(),
    }


def build_replicas(settings: SandboxSettings) -> tuple[Any, Any]:
    """The two replicas for ``settings`` (imported here: each is a sizeable package)."""
    from transfer.sandbox.online import OnlineService
    from transfer.sandbox.platform import Platform

    return OnlineService(settings), Platform(settings)


@contextmanager
def serve_sandbox(
    settings: SandboxSettings | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    platform_port: int = 0,
) -> Iterator[RunningSandbox]:
    """Serve both replicas until the block ends; port 0 picks free ports."""
    settings = settings or SandboxSettings()
    online, platform = build_replicas(settings)
    # Separate fault plans: the two systems fail independently, as real hosts do.
    online_server, stop_online = start_server(
        online, FaultPlan(settings.faults, settings.seed), host, port
    )
    try:
        platform_server, stop_platform = start_server(
            platform, FaultPlan(settings.faults, settings.seed + 1), host, platform_port
        )
    except BaseException:
        stop_online()
        raise
    try:
        yield RunningSandbox(settings, online_server, platform_server)
    finally:
        stop_platform()
        stop_online()


def write_served_truth(running: RunningSandbox, path: Path) -> None:
    """Write the served sandbox's ground truth as JSON, whole or not at all (a process
    waiting for the file never reads half of it), and its counts beside it first
    (:func:`truth_counts_path`): a rehearsal reports those without loading the truth,
    which at scale 3 is 31 MB of JSON and would weigh on the toolkit's own memory."""
    path.parent.mkdir(parents=True, exist_ok=True)
    truth = running.truth()
    truth_counts_path(path).write_text(json.dumps(truth_counts(truth)), encoding="utf-8")
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(truth, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    partial.replace(path)


def truth_counts_path(truth: Path) -> Path:
    """Where :func:`write_served_truth` puts the counts of the truth at ``truth``."""
    return truth.with_name(truth.stem + "-counts.json")


def truth_counts(truth: dict[str, Any]) -> dict[str, dict[str, int]]:
    """Per source system, how many of each kind of thing the sandbox serves."""
    counts: dict[str, dict[str, int]] = {}
    for system in ("online_service", "platform"):
        part = truth.get(system, {})
        counts[system] = {
            name: len(value)
            for name, value in sorted(part.items())
            if isinstance(value, list) and name != "changes"
        }
    return counts


def write_truth(settings: SandboxSettings, path: Path) -> dict[str, int]:
    """Write the ground truth as JSON without serving; return a count per top-level part."""
    online, platform = build_replicas(settings)
    truth = {
        "settings": describe(settings),
        "online_service": online.truth(),
        "platform": platform.truth(),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(truth, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8"
    )
    return {key: len(value) for key, value in truth.items() if isinstance(value, dict)}
