"""The redirect export, served by a real nginx: every old URL on every old host answers 301
with its new address; plus the Apache and CSV forms.

nginx is Debian's package (tests/services/install-nginx.sh, run by `make test`); the test
runs it in the foreground on a free loopback port with a generated configuration, its pid,
logs and temp files in tmp. Without nginx the test skips, under `make test`
(TRANSFER_TEST_REQUIRE_NGINX=1) it fails.
"""

from __future__ import annotations

import csv
import http.client
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, insert

from transfer.cli import cli
from transfer.cutover.redirect_export import (
    RedirectRow,
    export_redirects,
    read_redirects,
    render_nginx,
    request_target,
)
from transfer.schema.redirects import Redirect
from transfer.schema.versioning import upgrade

BASE = "https://kotoutuminen.fi"
HOSTS = ("kotoutuminen.fi", "kotouttaminen.fi", "integration.fi")
REQUIRE_NGINX = os.environ.get("TRANSFER_TEST_REQUIRE_NGINX") == "1"

#: (old host, old path, new path): every host, queries, and characters nginx could trip on.
ROWS = [
    *[(host, "/fi/vanha-sivu", "/fi/uusi-sivu") for host in HOSTS[:2]],
    ("integration.fi", "/fi/vanha-sivu", "/fi/toinen-sivu"),
    ("integration.fi", "/en/old-page/", "/en/new-page"),
    ("kotoutuminen.fi", "/fi/haku?q=kotoutuminen&page=2", "/fi/haku/kotoutuminen"),
    ("kotoutuminen.fi", "/fi/haku", "/fi/haku-uusi"),
    ("kotoutuminen.fi", '/documents/12/Tiedosto nimi "lainaus".pdf', "/tiedostot/tiedosto.pdf"),
    ("kotoutuminen.fi", "/fi/ääkköset", "/fi/aakkoset"),
    ("kotoutuminen.fi", "/fi/hinta$100;x{y}", "/fi/hinta$"),
    ("kotoutuminen.fi", "/fi/%C3%B6ljy", "/fi/oljy"),
    ("kotoutuminen.fi", "/fi/Iso", "/fi/iso"),
    ("kotoutuminen.fi", "/fi/iso", "/fi/iso"),
    ("kotouttaminen.fi", "/default", "/fi/oletus"),
    ("kotouttaminen.fi", "/~tilde", "https://kotoutuminen.fi/fi/tilde"),
]


def fill(engine: Engine, rows: list[tuple[str, str, str]]) -> None:
    upgrade(engine)
    with engine.begin() as connection:
        connection.execute(
            insert(Redirect),
            [
                {
                    "old_host": host,
                    "old_path": old,
                    "new_path": new,
                    "reason": "moved",
                    "source_system": "online_service",
                    "source_key": f"https://{host}{old}",
                }
                for host, old, new in rows
            ],
        )


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    if not found:
        if REQUIRE_NGINX:
            pytest.fail("TRANSFER_TEST_REQUIRE_NGINX=1 but nginx is not installed")
        pytest.skip("no nginx: run through `make test` (tests/services/install-nginx.sh)")
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def nginx(tmp_path: Path, sqlite_engine: Engine) -> Iterator[int]:
    """nginx serving the map exported from a target filled with ROWS; yields its port."""
    binary = nginx_binary()
    fill(sqlite_engine, ROWS)
    root = tmp_path / "nginx"
    root.mkdir()
    result = export_redirects(sqlite_engine, "nginx", root / "redirects.conf", BASE)
    map_file, server_file = result.files
    port = free_port()
    temp = "\n".join(
        f"  {name}_temp_path {root / name};" for name in ("client_body", "proxy", "fastcgi")
    )
    temp += "\n" + "\n".join(f"  {name}_temp_path {root / name};" for name in ("uwsgi", "scgi"))
    (root / "nginx.conf").write_text(
        f"""daemon off;
master_process off;
pid {root / "nginx.pid"};
error_log {root / "error.log"} warn;
events {{ worker_connections 64; }}
http {{
  access_log off;
{temp}
  include {map_file};
  server {{
    listen 127.0.0.1:{port};
    server_name _;
    include {server_file};
    location / {{ return 404; }}
  }}
}}
""",
        encoding="utf-8",
    )
    command = [binary, "-p", str(root), "-e", str(root / "error.log"), "-c", "nginx.conf"]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(200):
            if process.poll() is not None:
                pytest.fail(f"nginx exited: {(root / 'error.log').read_text()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def get(port: int, host: str, target: str) -> tuple[int, str | None]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", target, headers={"Host": host})
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Location")
    finally:
        connection.close()


def test_every_old_url_answers_301_on_nginx(nginx: int) -> None:
    expected = {(h, o): n for h, o, n in ROWS}
    for (host, old), new in expected.items():
        location = new if new.startswith("https://") else BASE + request_target(new)
        location = location.replace("$", "%24")  # $ would start an nginx variable
        status, got = get(nginx, host, request_target(old))
        assert (status, got) == (301, location), (host, old)
    # Host-aware: the same path leads elsewhere on integration.fi.
    assert get(nginx, "integration.fi", "/fi/vanha-sivu")[1] == BASE + "/fi/toinen-sivu"
    # A query that selects nothing falls back to the path's own redirect.
    assert get(nginx, "kotoutuminen.fi", "/fi/haku?t=123")[1] == BASE + "/fi/haku-uusi"
    # Unknown addresses and hosts are not redirected.
    assert get(nginx, "kotoutuminen.fi", "/fi/ei-ole")[0] == 404
    assert get(nginx, "example.org", "/fi/vanha-sivu")[0] == 404


def test_dollar_in_a_target_is_encoded() -> None:
    text, _, _ = render_nginx([RedirectRow("kotoutuminen.fi", "/a", "/b$c", 301)], BASE)
    assert '"https://kotoutuminen.fi/b%24c"' in text


def test_keys_differing_only_in_case_are_reported() -> None:
    rows = [
        RedirectRow("kotoutuminen.fi", "/fi/A", "/fi/one", 301),
        RedirectRow("kotoutuminen.fi", "/fi/a", "/fi/two", 301),
    ]
    text, _, conflicts = render_nginx(rows, BASE)
    assert len(conflicts) == 1 and "kotoutuminen.fi/fi/a" in conflicts[0]
    assert text.lower().count('"kotoutuminen.fi/fi/a"') == 1
    assert "/fi/one" in text and "/fi/two" not in text


def test_apache_and_csv(tmp_path: Path, sqlite_engine: Engine) -> None:
    fill(sqlite_engine, ROWS)
    apache = export_redirects(sqlite_engine, "apache", tmp_path / "map.txt", BASE)
    lines = [line for line in apache.files[0].read_text().splitlines() if not line.startswith("#")]
    assert "kotouttaminen.fi/fi/vanha-sivu https://kotoutuminen.fi/fi/uusi-sivu" in lines
    assert all(len(line.split(" ")) == 2 for line in lines)  # no spaces inside keys
    export_redirects(sqlite_engine, "csv", tmp_path / "map.csv", BASE)
    with (tmp_path / "map.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(read_redirects(sqlite_engine)) == len(ROWS)
    quoted = next(r for r in rows if "lainaus" in r["old_path"])
    assert quoted["old_url"].endswith("Tiedosto%20nimi%20%22lainaus%22.pdf")


def test_cli_export(workspace: Path) -> None:
    from transfer.database import create_target_engine

    engine = create_target_engine(f"sqlite:///{workspace / '.transfer' / 'target.db'}")
    fill(engine, ROWS[:3])
    engine.dispose()
    out = workspace / "out" / "redirects.conf"
    result = CliRunner().invoke(
        cli, ["redirects", "export", "--format", "nginx", "--out", str(out)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert "3 redirects written" in result.output
    assert (workspace / "out" / "redirects.server.conf").read_text().count("return 301") == 1
