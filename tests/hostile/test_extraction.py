"""Hostile pages, sitemaps and answers on loopback, through crawl, map, load and verify.

One small hostile site is crawled once (module fixture); each row names one hostile input,
what must come of it (a clear failure, or a reported warning), and checks that nothing was
lost: the text reaches the staged record and the target, and every repair or failure is
named in the staging store and the verification report.
"""

from __future__ import annotations

import gzip
import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.hostile.conftest import invoke
from tests.hostile.site import Answer, front, page, serving
from transfer.records import SourceRecord
from transfer.stores.staging import StagingStore

SITE = "https://kotoutuminen.fi"
MAPPINGS = Path(__file__).parents[2] / "mappings"
UUID = "0a1b2c3d-4e5f-6789-abcd-ef0123456789"
PDF = ("Content-Type", "application/pdf")
_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE urlset ['
    '<!ENTITY a "lollollollollollollollollollol">'
    + "".join(
        f'<!ENTITY {name} "{("&" + prev + ";") * 10}">'
        for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + ']><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    "<url><loc>https://kotoutuminen.fi/&i;</loc></url></urlset>"
)
_XXE = (
    '<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    "<url><loc>https://kotoutuminen.fi/xxe-&x;</loc></url></urlset>"
)


def _index(*paths: str) -> bytes:
    items = "".join(f"<sitemap><loc>{SITE}{path}</loc></sitemap>" for path in paths)
    return (
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{items}</sitemapindex>"
    ).encode()


XML = (("Content-Type", "application/xml"),)
PAGES: dict[str, Answer] = {
    "/syva": Answer(
        page("Syva", "<div>" * 100_000 + "pohja" + "</div>" * 100_000 + "<p>loppu</p>").encode()
    ),
    "/latin": Answer(page("Latin", "<p>Hyvää päivää</p>").encode("latin-1")),
    "/meta": Answer(
        page("Meta", "<p>Hyvää yötä</p>", head='<meta charset="iso-8859-1">').encode("latin-1")
    ),
    "/ohjaus": Answer(page("Ohjaus", "<p>a\x01b\x1bc</p>").encode()),
    "/nolla": Answer(page("Nolla", "<p>ab\x00cd</p>").encode()),
    "/xss": Answer(
        page("XSS", "<p>turva<script>alert('x')</script><img src=x onerror=alert(1)></p>").encode()
    ),
    "/ulos": Answer(b"", 302, (("Location", "https://evil.example/x"),)),
    "/iso": Answer(page("Iso", "<p>" + "a" * (10 * 1024 * 1024 + 10) + "</p>").encode()),
    "/pommi": Answer(
        gzip.compress(b"\0" * (40 * 1024 * 1024), compresslevel=9),
        headers=(("Content-Type", "text/html"), ("Content-Encoding", "gzip")),
    ),
    f"/documents/1/2/..%2F..%2F..%2Fevil.sh/{UUID}": Answer(b"%PDF-1.4 x", headers=(PDF,)),
    "/kieppi-a": Answer(b"", 301, (("Location", "/kieppi-b"),)),
    "/kieppi-b": Answer(b"", 301, (("Location", "/kieppi-a"),)),
    "/itse": Answer(b"", 302, (("Location", "/itse"),)),
    "/hidas": Answer(page("Hidas", "<p>tippuu</p>").encode(), drip_s=0.05),
    "/rikki": Answer(b"<h1>Internal Server Error</h1>", 500),
    "/sitemap.xml": Answer(
        _index("/sitemap.xml", "/sitemap-xxe.xml", "/sitemap-lol.xml"), 200, XML
    ),
    "/sitemap-xxe.xml": Answer(_XXE.encode(), 200, XML),
    "/sitemap-lol.xml": Answer(_LAUGHS.encode(), 200, XML),
}
LINKS = [
    *(path for path in PAGES if not path.startswith("/sitemap")),
    "http://169.254.169.254/latest/meta-data/",
    "http://[fe80::1]/admin",
    "/puuttuu",
]


@dataclass
class Outcome:
    folder: Path
    codes: dict[str, int]
    records: dict[str, SourceRecord]
    failures: dict[str, dict[str, Any]]
    aliases: dict[str, tuple[str, str, int | None]]
    requests: list[str]
    target: dict[str, dict[str, Any]]  # content_translations by old_url
    report: dict[str, Any]

    def warnings_of(self, path: str) -> list[str]:
        record = self.records[SITE + path]
        return [entry["code"] for entry in record.fields.get("_warnings", [])]

    def reported(self, path: str) -> list[str]:
        """Codes of the report's source warnings for the page at ``path``."""
        key = f"online_service:{SITE}{path}"
        return [
            problem["values"]["code"]
            for check in self.report["checks"]
            for problem in check["problems"]
            if problem["kind"] == "source_warning" and problem["key"] == key
        ]

    def body(self, path: str) -> str:
        return str(self.records[SITE + path].fields.get("body") or "")


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Outcome]:
    root = tmp_path_factory.mktemp("hostile-site")
    folder = root / "ws"
    folder.mkdir()
    answers = {"/": front(*LINKS), **PAGES}
    with pytest.MonkeyPatch.context() as patch, serving(answers) as (url, site):
        patch.chdir(folder)
        for name in list(os.environ):
            if name.startswith("TRANSFER_") and not name.startswith("TRANSFER_TEST_"):
                patch.delenv(name)
        env = {
            "TRANSFER_MAPPINGS_DIR": str(MAPPINGS),
            "TRANSFER_SOURCES_ONLINE_SERVICE_FETCH_BASE": url,
            "TRANSFER_HTTP_TIMEOUT_S": "5",
            "TRANSFER_HTTP_DEADLINE_S": "3",
            "TRANSFER_HTTP_MAX_ATTEMPTS": "2",
        }
        codes = {}
        for command in (
            ("schema", "upgrade"),
            ("extract", "online-service"),
            ("map",),
            ("load",),
            ("verify",),
        ):
            codes[command[0]], output = invoke(*command, env=env)
            assert "Traceback" not in output
        store = StagingStore(folder / ".transfer" / "staging" / "online_service.sqlite")
        try:
            records = {record.key: record for record in store.records()}
            failures = {failure["url"]: failure for failure in store.failures()}
            aliases = store.aliases()
        finally:
            store.close()
        with sqlite3.connect(folder / ".transfer" / "target.db") as db:
            db.row_factory = sqlite3.Row
            target = {
                row["old_url"]: dict(row)
                for row in db.execute("SELECT * FROM content_translations")
            }
        (report_path,) = folder.glob("logs/*-verify-*/report.json")
        yield Outcome(
            folder,
            codes,
            records,
            failures,
            aliases,
            list(site.requests),
            target,
            json.loads(report_path.read_text("utf-8")),
        )
    assert sorted(p.name for p in root.iterdir()) == ["ws"], "written outside the workspace"


def _deep(o: Outcome) -> None:
    assert "pohja" in o.body("/syva") and "loppu" in o.body("/syva")
    assert o.warnings_of("/syva") == ["deep-nesting"]
    assert o.reported("/syva") == ["deep-nesting"]
    assert "pohja" in o.target[SITE + "/syva"]["body_text"]


def _latin(o: Outcome) -> None:
    assert "Hyvää päivää" in o.body("/latin")
    assert o.records[SITE + "/latin"].fields["title"] == "Latin"
    assert o.warnings_of("/latin") == ["charset"]
    assert o.reported("/latin") == ["charset"]
    assert "Hyvää päivää" in o.target[SITE + "/latin"]["body_text"]


def _meta(o: Outcome) -> None:
    assert "Hyvää yötä" in o.body("/meta")
    assert o.warnings_of("/meta") == ["charset"]
    assert o.reported("/meta") == ["charset"]


def _controls(path: str, text: str) -> Callable[[Outcome], None]:
    def check(o: Outcome) -> None:
        assert text in o.body(path)
        assert o.warnings_of(path) == ["control-chars"]
        assert o.reported(path) == ["control-chars"]
        assert text in o.target[SITE + path]["body_text"]  # mapped and loaded, not failed

    return check


def _xss(o: Outcome) -> None:
    loaded = o.target[SITE + "/xss"]["body_html"]
    assert "turva" in loaded
    assert "<script" not in loaded and "onerror" not in loaded


def _off_scope(o: Outcome) -> None:
    assert o.aliases[SITE + "/ulos"][:2] == ("https://evil.example/x", "off-site redirect")
    assert not any("evil.example" in key for key in o.records)


def _link_local(o: Outcome) -> None:
    everything = [*o.records, *o.failures, *o.aliases, *o.requests]
    assert not any("169.254" in key or "fe80" in key for key in everything)


def _too_large(path: str) -> Callable[[Outcome], None]:
    def check(o: Outcome) -> None:
        assert o.failures[SITE + path]["reason"].startswith("too large")
        assert SITE + path not in o.records

    return check


def _traversal(o: Outcome) -> None:
    (record,) = [r for r in o.records.values() if r.kind == "attachment"]
    name = record.fields["file_name"]
    assert "/" not in name and ".." not in name and name.endswith("evil.sh")


def _loop(*paths: str) -> Callable[[Outcome], None]:
    def check(o: Outcome) -> None:
        for path in paths:
            reason = o.failures[SITE + path]["reason"]
            assert reason.startswith("redirect loop: "), reason
            assert all(f"{SITE}{p}" in reason for p in paths)
            assert SITE + path not in o.aliases
        assert o.codes["map"] == 0

    return check


def _drip(o: Outcome) -> None:
    failure = o.failures[SITE + "/hidas"]
    assert failure["reason"].startswith("timeout (deadline of 3 s passed)")
    assert failure["attempts"] == 2
    assert o.requests.count("/hidas") == 2


def _server_error(o: Outcome) -> None:
    assert o.failures[SITE + "/rikki"]["reason"] == "HTTP 500"
    assert o.codes["extract"] == 4  # failures are reported with the extract exit code


def _not_found(o: Outcome) -> None:
    assert o.failures[SITE + "/puuttuu"]["status"] == 404


def _xxe(o: Outcome) -> None:
    everything = " ".join([*o.records, *o.failures, *o.aliases, *o.requests])
    assert "root:" not in everything and "/bin/" not in everything


def _laughs(o: Outcome) -> None:
    assert not any("lollol" in key for key in [*o.records, *o.failures, *o.requests])


def _sitemap_loop(o: Outcome) -> None:
    assert o.requests.count("/sitemap.xml") == 1


@dataclass(frozen=True)
class Row:
    id: str
    input: str
    expect: str
    check: Callable[[Outcome], None]


ROWS = [
    Row("deep-nesting", "100,000 nested <div>", "text kept, warning deep-nesting", _deep),
    Row("wrong-charset", "Latin-1 sent as utf-8", "decoded, warning charset", _latin),
    Row("meta-charset", "utf-8 header, Latin-1 meta", "meta used, warning charset", _meta),
    Row(
        "control-chars", "\\x01 and \\x1b", "removed, warning, mapped", _controls("/ohjaus", "abc")
    ),
    Row("nul", "\\x00 in a body", "removed, warning, mapped", _controls("/nolla", "abcd")),
    Row("xss-body", "<script>, onerror", "cleaned in the target", _xss),
    Row("off-scope-redirect", "302 to another site", "alias, not followed", _off_scope),
    Row("ssrf-link-local", "links to 169.254/fe80", "never requested", _link_local),
    Row("size-cap", "10 MB + 10 bytes page", "failure 'too large'", _too_large("/iso")),
    Row("gzip-bomb", "40 MB of zeros gzipped", "failure 'too large'", _too_large("/pommi")),
    Row("traversal-name", "..%2F in a file name", "safe file name", _traversal),
    Row("redirect-loop", "a -> b -> a", "failures with the chain", _loop("/kieppi-a", "/kieppi-b")),
    Row("self-redirect", "a -> a", "failure with the chain", _loop("/itse")),
    Row("slow-drip", "one byte every 50 ms", "retried, then 'timeout (deadline)'", _drip),
    Row("server-error", "500 every time", "failure after retries, exit 4", _server_error),
    Row("not-found", "link to a 404", "broken link", _not_found),
    Row("xxe-sitemap", "external entity", "not resolved", _xxe),
    Row("billion-laughs-sitemap", "nested entities", "not expanded", _laughs),
    Row("sitemap-loop", "index lists itself", "read once", _sitemap_loop),
]


@pytest.mark.slow
@pytest.mark.timeout(600)
@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.id)
def test_hostile_input_is_a_clear_failure_or_a_reported_problem(outcome: Outcome, row: Row) -> None:
    row.check(outcome)
    assert outcome.codes["schema"] == 0 and outcome.codes["load"] == 0
    assert outcome.codes["verify"] in (0, 9)
