"""A small sandbox, crawled and exported once per session, for the map stage's whole-system
tests: each test copies the staging stores into a workspace of its own and maps them."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from transfer.config import Settings, load_settings
from transfer.extractors.partnership import extract_partnership
from transfer.runs import Run
from transfer.sandbox import SandboxSettings, serve_sandbox
from transfer.sandbox.rehearsal import sandbox_sources

MAPPINGS = Path(__file__).resolve().parents[2] / "mappings"
SCALE = 0.05


@dataclass(frozen=True)
class Staged:
    """Staging stores of both sources (``staging``) and the sandbox's platform truth."""

    staging: Path
    platform: dict[str, Any]

    def workspace(self, folder: Path) -> Path:
        """A fresh workspace under ``folder`` holding a copy of the staging stores."""
        shutil.copytree(self.staging, folder / "ws" / "staging")
        return folder / "ws"


def map_settings(
    folder: Path, *, mappings: Path = MAPPINGS, environment: str = "rehearsal"
) -> Settings:
    """Settings of a map run in ``folder`` (workspace ``folder/ws``, logs ``folder/logs``)."""
    return load_settings(
        env={
            "TRANSFER_WORKSPACE": str(folder / "ws"),
            "TRANSFER_LOGS_DIR": str(folder / "logs"),
            "TRANSFER_MAPPINGS_DIR": str(mappings),
            "TRANSFER_TARGET_ENVIRONMENT": environment,
        },
    )


def mappings_with_static_maps(folder: Path) -> Path:
    """A copy of the shipped mappings with two static maps that leave real values unknown:
    page languages other than Finnish (kept, and reported) and the member status
    ``Inactive`` (given the default, and reported)."""
    copy = folder / "mappings"
    shutil.copytree(MAPPINGS, copy)
    page = copy / "online_service" / "page.yml"
    text = page.read_text(encoding="utf-8")
    step = "      language:\n        - get: language\n"
    assert text.count(step) == 1
    page.write_text(
        text.replace(step, step + "        - static_map: {map: {fi: fi}, unknown: keep}\n"),
        encoding="utf-8",
    )
    member = copy / "partnership" / "member.yml"
    text = member.read_text(encoding="utf-8")
    statuses = "{Active: active, Inactive: inactive, active: active, inactive: inactive}"
    assert text.count(statuses) == 1
    member.write_text(text.replace(statuses, "{Active: active}"), encoding="utf-8")
    return copy


@pytest.fixture(scope="session")
def staged_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Staged]:
    """The sandbox at scale 0.05: online service crawled, platform exported."""
    from tests.extractors.crawl_helpers import crawl

    folder = tmp_path_factory.mktemp("staged-sandbox")
    with serve_sandbox(SandboxSettings(scale=SCALE)) as box:
        crawl(folder, box.online_url)
        settings = sandbox_sources(map_settings(folder), box)
        with Run("extract partnership", settings.logs_dir) as run:
            extract_partnership(settings, run)
        platform = box.truth()["platform"]
    yield Staged(folder / "ws" / "staging", platform)
