"""The post-launch check over several checking processes: the same failures, counts and
reports as in one process, and a clean end when a worker dies or the operator stops it."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import time
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, delete, update
from sqlalchemy.orm import Session

from tests.cutover.test_post_launch import PDF, _fill
from transfer.cli import cli
from transfer.config import load_settings
from transfer.cutover import post_launch
from transfer.cutover.check_processes import CheckProcesses
from transfer.cutover.post_launch import PostLaunchResult, check_launch, post_launch_check
from transfer.cutover.target_site import serve_target_site
from transfer.cutover.url_check import Probe
from transfer.database import create_target_engine
from transfer.errors import CutoverError
from transfer.runs import Run
from transfer.schema.assets import Asset
from transfer.schema.content import ContentTranslation
from transfer.schema.redirects import Redirect

#: Redirects added to the small target: more than two batches of them.
MANY = 700


@pytest.fixture
def target(tmp_path: Path) -> tuple[Engine, Path]:
    """The small target of ``test_post_launch.py`` and :data:`MANY` redirects more: some
    to its pages, some to paths that are no page (several old addresses each), some off
    the site."""
    engine = create_target_engine(f"sqlite:///{tmp_path / 'target.db'}")
    media = _fill(engine, tmp_path / "media")
    with Session(engine) as session, session.begin():
        for number in range(MANY):
            new_path = (
                "/fi/uutiset/laki",
                "/sv/nyheter/lagen",
                f"/fi/ei-sivua-{number % 7}",  # no page: requested once, however many lead there
                "https://example.org/muualla",
                "/tiedostot/ohje.pdf",
            )[number % 5]
            host = ("kotoutuminen.fi", "kotouttaminen.fi", "integration.fi")[number % 3]
            session.add(
                Redirect(
                    old_host=host,
                    old_path=f"/web/vanha/{number}",
                    new_path=new_path,
                    status_code=301,
                    reason="moved",
                    source_system="online_service",
                    source_key=f"https://{host}/web/vanha/{number}",
                )
            )
    return engine, media


def _damage(engine: Engine, media: Path) -> None:
    """A page gone behind its redirects, a changed asset, redirects changed or gone."""
    with engine.begin() as connection:
        connection.execute(delete(ContentTranslation).where(ContentTranslation.language == "sv"))
        connection.execute(
            delete(Redirect).where(Redirect.old_path.in_([f"/web/vanha/{n}" for n in (5, 400)]))
        )
        connection.execute(
            update(Redirect)
            .where(Redirect.old_path.in_([f"/web/vanha/{n}" for n in (3, 301, 699)]))
            .values(new_path="/fi/muualle")
        )
    digest = hashlib.sha256(PDF).hexdigest()
    (media / digest[:2] / digest).write_bytes(b"corrupted")


def _both_ways(engine: Engine, site: Engine, media: Path) -> list[PostLaunchResult]:
    """The check of the site served from ``site`` against the target ``engine``, in this
    process and in two checking processes."""
    with serve_target_site(site, media) as base:
        return [
            post_launch_check(engine, base, old_base=base, concurrency=4, processes=processes)
            for processes in (1, 2)
        ]


def test_two_processes_find_what_one_finds_in_the_same_order(
    target: tuple[Engine, Path],
) -> None:
    engine, media = target
    alone, split = _both_ways(engine, engine, media)
    assert alone.failures == split.failures and alone.checked == split.checked
    assert split.checked == {"redirect": 4 + MANY, "page": 2, "asset": 1}
    # the paths that are no page: each of the 7 reported for every redirect to it
    assert len(split.failures) == MANY // 5
    assert alone.workers_cpu_s == 0.0 < split.workers_cpu_s


def test_two_processes_find_every_damage_one_finds_in_the_same_order(
    target: tuple[Engine, Path], tmp_path: Path
) -> None:
    engine, media = target
    # The site serves a damaged copy of the target: the check, reading the target, finds
    # what differs.
    engine.dispose()
    shutil.copy(tmp_path / "target.db", tmp_path / "deployed.db")
    deployed = create_target_engine(f"sqlite:///{tmp_path / 'deployed.db'}")
    _damage(deployed, media)
    alone, split = _both_ways(engine, deployed, media)
    assert split.failures == alone.failures and split.checked == alone.checked
    got = {(f.kind, f.expected, f.got) for f in split.failures}
    assert ("page", "HTTP 200", "HTTP 404") in got
    assert ("redirect", "HTTP 301", "HTTP 404") in got
    assert ("redirect", "target HTTP 200", "target HTTP 404") in got
    assert any(f.kind == "asset" and f.got.startswith("sha256 ") for f in split.failures)
    assert {f.url.rsplit("/", 1)[1] for f in split.failures if f.got == "Location /fi/muualle"} == {
        "3",
        "301",
        "699",
    }


def test_a_long_list_is_checked_in_processes_by_default_and_a_short_one_here(
    target: tuple[Engine, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    engine, media = target
    with serve_target_site(engine, media) as base:
        monkeypatch.setattr(post_launch, "POOL_MIN_PROBES", MANY + 10)
        short = post_launch_check(engine, base, old_base=base, concurrency=4)
        monkeypatch.setattr(post_launch, "POOL_MIN_PROBES", 100)
        long = post_launch_check(engine, base, old_base=base, concurrency=4)
    assert short.workers_cpu_s == 0.0
    assert (long.workers_cpu_s > 0.0) == ((os.cpu_count() or 1) > 1)
    assert long.failures == short.failures and long.checked == short.checked


class _EndsTheWorker(str):
    """Unpickled in a worker, ends it there (a worker killed)."""

    def __reduce__(self) -> tuple[Any, tuple[int]]:
        return (os._exit, (3,))


def test_a_worker_that_dies_ends_the_check_with_an_error_that_says_to_run_again() -> None:
    dying = Probe("page", _EndsTheWorker("http://127.0.0.1:9/"), None, 200)
    fine = Probe("page", "http://127.0.0.1:9/x", None, 200)
    with (
        CheckProcesses(2, 2, 1.0) as pool,
        pytest.raises(CutoverError, match="run `transfer post-launch-check` again"),
    ):
        list(pool.results([[fine, dying, fine, fine]], {}))


def test_a_batch_sent_after_a_worker_died_ends_the_check_with_the_same_error() -> None:
    dying = Probe("page", _EndsTheWorker("http://127.0.0.1:9/"), None, 200)
    fine = Probe("page", "http://127.0.0.1:9/x", None, 200)

    def batches(pool: CheckProcesses) -> Iterator[list[Probe]]:
        yield [fine, dying, fine, fine]
        for _ in range(600):  # until the pool knows (the next batch's submit then fails)
            if all(executor._broken for executor in pool._executors):
                break
            time.sleep(0.05)
        yield [fine, fine]

    with (
        CheckProcesses(2, 2, 1.0) as pool,
        pytest.raises(CutoverError, match="a checking process ended") as raised,
    ):
        list(pool.results(batches(pool), {}))
    assert isinstance(raised.value.__cause__, BrokenProcessPool)


def test_a_stopped_check_writes_no_report(
    target: tuple[Engine, Path], tmp_path: Path, workspace: Path
) -> None:
    _, media = target
    settings = load_settings(
        env={
            "TRANSFER_TARGET_URL": f"sqlite:///{tmp_path / 'target.db'}",
            "TRANSFER_LOAD_MEDIA_DIR": str(media),
            "TRANSFER_LOGS_DIR": str(tmp_path / "logs"),
        }
    )

    def interrupt(result: PostLaunchResult) -> None:
        if result.checked["redirect"]:
            raise KeyboardInterrupt  # Ctrl-C, amid the redirects

    with Run("post-launch-check", tmp_path / "logs") as run, pytest.raises(KeyboardInterrupt):
        check_launch(settings, run, base_url=None, progress=interrupt, processes=2)
    assert not run.artefact("post-launch.json").exists()
    assert not run.artefact("post-launch-failures.csv").exists()


def test_the_command_reports_the_same_with_one_or_two_processes(
    target: tuple[Engine, Path], tmp_path: Path, workspace: Path
) -> None:
    engine, media = target
    with engine.begin() as connection:
        connection.execute(delete(Asset))  # its redirects now lead to a 404
    env = {
        "TRANSFER_TARGET_URL": f"sqlite:///{tmp_path / 'target.db'}",
        "TRANSFER_LOAD_MEDIA_DIR": str(media),
    }
    runner = CliRunner()
    outputs = []
    for processes in ("1", "2"):
        ran = runner.invoke(
            cli, ["post-launch-check", "--processes", processes], env=env, catch_exceptions=False
        )
        assert ran.exit_code == 10, ran.output
        outputs.append(_same_port(ran.output.split("Error:")[1].split("where:")[0]))
    assert outputs[0] == outputs[1]
    assert f"{2 * (MANY // 5) + 1} of {MANY + 4 + 2} URL(s) failed" in outputs[0]
    runs = sorted((workspace / "logs").glob("*post-launch-check*"))
    assert len(runs) == 2
    reports = [
        [
            _same_port((folder / name).read_text(encoding="utf-8"))
            for name in ("post-launch.json", "post-launch-failures.csv")
        ]
        for folder in runs
    ]
    assert reports[0] == reports[1]
    # the header; the redirects to paths that are no page, and to the PDF gone
    assert reports[0][1].count("\n") == 1 + 2 * (MANY // 5) + 1


def _same_port(text: str) -> str:
    """The rehearsal site is served on a free port: the same site under another number."""
    return re.sub(r"http://127\.0\.0\.1:\d+", "http://rehearsal-site", text)
