"""The rehearsal target site and the post-launch check, on a real SQLite target."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner
from sqlalchemy import Engine, delete, select, update
from sqlalchemy.orm import Session

from transfer.cli import cli
from transfer.cutover.post_launch import post_launch_check
from transfer.cutover.target_site import serve_target_site
from transfer.database import create_target_engine
from transfer.schema.assets import Asset
from transfer.schema.content import ContentItem, ContentKind, ContentTranslation
from transfer.schema.redirects import Redirect
from transfer.schema.versioning import upgrade

PDF = b"%PDF-1.4 rehearsal attachment\n"
OLD = "https://kotoutuminen.fi"


@pytest.fixture
def target(tmp_path: Path) -> tuple[Engine, Path]:
    engine = create_target_engine(f"sqlite:///{tmp_path / 'target.db'}")
    return engine, _fill(engine, tmp_path / "media")


def _fill(engine: Engine, media: Path) -> Path:
    """Two translations of one news item, a PDF and four redirects: the target's schema and
    rows, and the media folder with the PDF."""
    upgrade(engine)
    digest = hashlib.sha256(PDF).hexdigest()
    (media / digest[:2]).mkdir(parents=True)
    (media / digest[:2] / digest).write_bytes(PDF)
    with Session(engine) as session, session.begin():
        news = session.scalars(select(ContentKind).where(ContentKind.code == "news")).one()
        item = ContentItem(kind_id=news.id, source_system="online_service", source_key="g1")
        session.add(item)
        session.flush()
        for language, path, title in (
            ("fi", "/fi/uutiset/laki", "Uusi laki <voimaan>"),
            ("sv", "/sv/nyheter/lagen", "Den nya lagen"),
        ):
            session.add(
                ContentTranslation(
                    item_id=item.id,
                    language=language,
                    title=title,
                    body_html="<p>Sisältö</p>",
                    new_path=path,
                    old_url=f"{OLD}/{language}/-/x",
                    source_system="online_service",
                    source_key=f"{OLD}/{language}/-/x",
                )
            )
        session.add(
            Asset(
                sha256=digest,
                size_bytes=len(PDF),
                media_type="application/pdf",
                file_name="ohje.pdf",
                storage_path=f"{digest[:2]}/{digest}",
                source_url=f"{OLD}/documents/1/2/ohje.pdf",
                new_path="/tiedostot/ohje.pdf",
                source_system="online_service",
                source_key=f"{OLD}/documents/1/2/ohje.pdf",
            )
        )
        for host, old_path, new_path, reason in (
            ("kotoutuminen.fi", "/fi/-/x", "/fi/uutiset/laki", "moved"),
            ("kotouttaminen.fi", "/fi/-/x", "/fi/uutiset/laki", "legacy_host"),
            ("integration.fi", "/sv/-/x?_cur=2", "/sv/nyheter/lagen", "legacy_host"),
            ("kotoutuminen.fi", "/documents/1/2/ohje.pdf", "/tiedostot/ohje.pdf", "attachment"),
        ):
            session.add(
                Redirect(
                    old_host=host,
                    old_path=old_path,
                    new_path=new_path,
                    status_code=301,
                    reason=reason,
                    source_system="online_service",
                    source_key=f"https://{host}{old_path}",
                )
            )
    return media


def test_the_site_answers_pages_assets_and_old_hosts(target: tuple[Engine, Path]) -> None:
    engine, media = target
    with serve_target_site(engine, media) as base:
        page = requests.get(f"{base}/fi/uutiset/laki", timeout=5)
        assert page.status_code == 200
        assert "<h1>Uusi laki &lt;voimaan&gt;</h1>" in page.text  # the title stays text
        asset = requests.get(f"{base}/tiedostot/ohje.pdf", timeout=5)
        assert asset.content == PDF and asset.headers["Content-Type"] == "application/pdf"
        old = requests.get(
            f"{base}/sv/-/x?_cur=2",
            headers={"Host": "integration.fi"},
            allow_redirects=False,
            timeout=5,
        )
        assert (old.status_code, old.headers["Location"]) == (301, "/sv/nyheter/lagen")
        assert requests.get(f"{base}/ei-ole", timeout=5).status_code == 404


def test_a_kept_alive_connection_sees_each_change_in_the_target_at_once(
    target: tuple[Engine, Path],
) -> None:
    engine, media = target
    with serve_target_site(engine, media) as base, requests.Session() as client:
        page = client.get(f"{base}/fi/uutiset/laki", timeout=5)
        assert page.status_code == 200
        head = client.head(f"{base}/fi/uutiset/laki", timeout=5)
        assert head.status_code == 200 and head.content == b""
        assert head.headers["Content-Length"] == str(len(page.content))
        with engine.begin() as connection:
            connection.execute(
                update(Redirect)
                .where(Redirect.old_host == "integration.fi")
                .values(new_path="/sv/annan")
            )
            connection.execute(
                delete(ContentTranslation).where(ContentTranslation.language == "fi")
            )
        # the same connection (and so the same server thread) as before the change
        assert client.get(f"{base}/fi/uutiset/laki", timeout=5).status_code == 404
        old = client.get(
            f"{base}/sv/-/x?_cur=2",
            headers={"Host": "integration.fi"},
            allow_redirects=False,
            timeout=5,
        )
        assert old.headers["Location"] == "/sv/annan"


def test_the_site_and_the_check_on_either_engine(engine: Engine, tmp_path: Path) -> None:
    # The site runs its look-ups as the dialect's own SQL on the driver's cursor.
    media = _fill(engine, tmp_path / "media")
    with serve_target_site(engine, media) as base:
        clean = post_launch_check(engine, base, old_base=base, concurrency=2)
        with engine.begin() as connection:
            connection.execute(
                delete(ContentTranslation).where(ContentTranslation.language == "sv")
            )
        changed = post_launch_check(engine, base, old_base=base, concurrency=2)
    assert clean.failures == [] and clean.checked == {"redirect": 4, "page": 2, "asset": 1}
    found = {(f.kind, f.host, f.got) for f in changed.failures}
    assert found == {("redirect", "integration.fi", "target HTTP 404")}


def test_a_clean_target_passes_every_url(target: tuple[Engine, Path]) -> None:
    engine, media = target
    with serve_target_site(engine, media) as base:
        result = post_launch_check(engine, base, old_base=base, concurrency=4)
    assert result.failures == []
    assert result.checked == {"redirect": 4, "page": 2, "asset": 1}
    assert result.passed


def test_a_page_gone_behind_its_redirects_and_a_changed_asset_are_failures(
    target: tuple[Engine, Path],
) -> None:
    engine, media = target
    with engine.begin() as connection:
        connection.execute(delete(ContentTranslation).where(ContentTranslation.language == "sv"))
    digest = hashlib.sha256(PDF).hexdigest()
    (media / digest[:2] / digest).write_bytes(b"corrupted")
    with serve_target_site(engine, media) as base:
        result = post_launch_check(engine, base, old_base=base, concurrency=2)
    found = {(f.kind, f.host, f.got) for f in result.failures}
    changed = hashlib.sha256(b"corrupted").hexdigest()[:12]
    assert found == {
        ("redirect", "integration.fi", "target HTTP 404"),
        ("asset", None, f"sha256 {changed}…"),
    }
    assert result.checked == {"redirect": 4, "page": 1, "asset": 1}
    assert not result.passed


def test_a_wrong_location_and_a_missing_redirect_are_failures(
    target: tuple[Engine, Path], tmp_path: Path
) -> None:
    engine, media = target
    # The site serves a copy of the target in which one redirect is gone and one points
    # elsewhere: the check, reading the target, finds both.
    engine.dispose()
    shutil.copy(tmp_path / "target.db", tmp_path / "deployed.db")
    deployed = create_target_engine(f"sqlite:///{tmp_path / 'deployed.db'}")
    with deployed.begin() as connection:
        connection.execute(delete(Redirect).where(Redirect.old_host == "integration.fi"))
        connection.execute(
            update(Redirect)
            .where(Redirect.old_host == "kotouttaminen.fi")
            .values(new_path="/fi/vanha")
        )
    with serve_target_site(deployed, media) as base:
        result = post_launch_check(engine, base, old_base=base, concurrency=2)
    found = {(f.host, f.expected, f.got) for f in result.failures if f.kind == "redirect"}
    assert found == {
        ("kotouttaminen.fi", "Location /fi/uutiset/laki", "Location /fi/vanha"),
        ("integration.fi", "HTTP 301", "HTTP 404"),
    }


def test_the_command_checks_the_served_target_and_fails_with_exit_10(
    target: tuple[Engine, Path], tmp_path: Path, workspace: Path
) -> None:
    engine, media = target
    env = {
        "TRANSFER_TARGET_URL": f"sqlite:///{tmp_path / 'target.db'}",
        "TRANSFER_LOAD_MEDIA_DIR": str(media),
    }
    runner = CliRunner()
    passed = runner.invoke(cli, ["post-launch-check"], env=env, catch_exceptions=False)
    assert passed.exit_code == 0, passed.output
    assert "every URL answered as planned" in passed.output
    with engine.begin() as connection:
        connection.execute(delete(ContentTranslation).where(ContentTranslation.language == "sv"))
    failed = runner.invoke(cli, ["post-launch-check"], env=env, catch_exceptions=False)
    assert failed.exit_code == 10
    assert "1 of 6 URL(s) failed" in failed.output and "target HTTP 404" in failed.output
    # one run per invocation: the passing one's list is the header alone
    reports = [
        path.read_text(encoding="utf-8").splitlines()
        for path in (workspace / "logs").glob("*post-launch-check*/post-launch-failures.csv")
    ]
    assert sorted(len(lines) for lines in reports) == [1, 2]
    assert any("integration.fi" in line for lines in reports for line in lines)


def test_a_redirect_to_a_page_the_site_does_not_serve_is_reported_with_the_page(
    target: tuple[Engine, Path], tmp_path: Path
) -> None:
    engine, media = target
    # The target lists the Finnish page (so the check requests it as a page, and does not
    # follow the redirects that lead there); the deployed site lacks it.
    engine.dispose()
    shutil.copy(tmp_path / "target.db", tmp_path / "deployed.db")
    deployed = create_target_engine(f"sqlite:///{tmp_path / 'deployed.db'}")
    with deployed.begin() as connection:
        connection.execute(delete(ContentTranslation).where(ContentTranslation.language == "fi"))
    with serve_target_site(deployed, media) as base:
        result = post_launch_check(engine, base, old_base=base, concurrency=2)
    found = {(f.kind, f.host, f.expected, f.got) for f in result.failures}
    assert found == {
        ("page", None, "HTTP 200", "HTTP 404"),
        ("redirect", "kotoutuminen.fi", "target HTTP 200", "target HTTP 404"),
        ("redirect", "kotouttaminen.fi", "target HTTP 200", "target HTTP 404"),
    }
    assert result.checked == {"redirect": 4, "page": 2, "asset": 1}


def test_a_redirect_target_that_is_no_page_is_requested_once_and_reported(
    target: tuple[Engine, Path],
) -> None:
    engine, media = target
    # Both Finnish redirects lead to a path that is neither a page nor an asset.
    with engine.begin() as connection:
        connection.execute(
            update(Redirect)
            .where(Redirect.new_path == "/fi/uutiset/laki")
            .values(new_path="/fi/ei-sivua")
        )
    with serve_target_site(engine, media) as base:
        result = post_launch_check(engine, base, old_base=base, concurrency=2)
    found = {(f.kind, f.host, f.got) for f in result.failures}
    assert found == {
        ("redirect", "kotoutuminen.fi", "target HTTP 404"),
        ("redirect", "kotouttaminen.fi", "target HTTP 404"),
    }


def test_the_rehearsal_site_in_its_own_process_answers_and_stops(
    target: tuple[Engine, Path], tmp_path: Path
) -> None:
    from sqlalchemy import make_url

    from transfer.cutover.site_process import serve_target_site_process

    engine, media = target
    with serve_target_site_process(
        make_url(f"sqlite:///{tmp_path / 'target.db'}"), media, connections=2
    ) as base:
        result = post_launch_check(engine, base, old_base=base, concurrency=2)
    assert result.failures == [] and result.passed
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{base}/fi/uutiset/laki", timeout=5)


@pytest.mark.parametrize(
    "target",
    [
        "/fi/uutiset/laki",
        "/sv/-/x?_cur=2&delta=20",
        "/fi/hae?q=kotoutuminen ja työ",  # space and letters not allowed in a target
        "/documents/10/57/Opas%20(2024).pdf/ab-12?t=1",
        "/fi/a/./b/../c",  # dot segments: the manager removes them
        "/fi/sivu#osio",  # a fragment is never sent
        "/fi/sivu?",
        "/",
    ],
)
def test_the_checker_sends_each_request_line_as_the_pool_manager_does(target: str) -> None:
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from transfer.cutover.post_launch import _keep_alive_pool, _Requester

    seen: list[tuple[str, str | None]] = []

    class Recorder(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            seen.append((self.path, self.headers.get("Host")))
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    http = _keep_alive_pool(2, 5.0)
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}{target}"
        for host in (None, "kotoutuminen.fi"):
            headers = {"Host": host} if host else None
            assert http.request("GET", url, headers=headers, redirect=False).status == 204
            assert _Requester(http).get(url, host).status == 204
    finally:
        http.clear()
        server.shutdown()
        server.server_close()
    assert seen[0] == seen[1] and seen[2] == seen[3]
    assert seen[2][1] == "kotoutuminen.fi"
