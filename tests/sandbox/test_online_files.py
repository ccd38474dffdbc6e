"""Document Library files of the replica, determinism across processes, and the full scale."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from transfer.sandbox.online import OnlineService
from transfer.sandbox.settings import SandboxSettings
from transfer.sandbox.wire import Request, Response

HOST = "https://kotoutuminen.fi"
SIGNATURES = {
    "application/pdf": b"%PDF-",
    "image/png": b"\x89PNG\r\n\x1a\n",
    "image/jpeg": b"\xff\xd8\xff",
}


def get(service: OnlineService, url: str) -> Response:
    parts = urlsplit(url)
    raw = parts.path + (f"?{parts.query}" if parts.query else "")
    response = service.handle(
        Request("GET", unquote(parts.path), raw, parse_qs(parts.query), {"host": "kotoutuminen.fi"})
    )
    assert response is not None
    return response


@pytest.fixture(scope="module")
def service() -> OnlineService:
    return OnlineService(SandboxSettings(scale=0.02))


@pytest.fixture(scope="module")
def truth(service: OnlineService) -> dict:
    return service.truth()


def test_files_are_what_the_truth_says(service: OnlineService, truth: dict) -> None:
    media = set()
    for item in truth["attachments"]:
        response = get(service, item["href"])
        assert response.status == 200
        assert response.content_type == item["media_type"]
        assert len(response.body) == item["size"]
        assert hashlib.sha256(response.body).hexdigest() == item["sha256"]
        assert response.last_modified is not None
        assert int(response.last_modified.timestamp() * 1000) == item["t"]
        signature = SIGNATURES.get(item["media_type"])
        if signature:
            assert response.body.startswith(signature)
        else:
            assert zipfile.ZipFile(io.BytesIO(response.body)).testzip() is None
        media.add(item["media_type"].split("/")[-1])
        # any t, or none, serves the same current file
        assert get(service, item["url"]).body == response.body
        assert get(service, f"{item['url']}?t=1").body == response.body
    assert {"pdf", "png", "jpeg"} <= media and len(media) == 5
    assert any(item["large"] and item["size"] > 2_000_000 for item in truth["attachments"])
    assert any(" " in item["file_name"] and "%20" in item["url"] for item in truth["attachments"])
    assert any(len(item["referenced_by"]) > 1 for item in truth["attachments"])


def test_pdfs_hold_text_and_images_decode(service: OnlineService, truth: dict) -> None:
    pdf = next(
        item
        for item in truth["attachments"]
        if item["media_type"] == "application/pdf" and not item["large"]
    )
    body = get(service, pdf["href"]).body
    assert body.rstrip().endswith(b"%%EOF") and b"/Type /Page" in body
    image_module = pytest.importorskip("PIL.Image")
    for media in ("image/png", "image/jpeg"):
        item = next(i for i in truth["attachments"] if i["media_type"] == media)
        with image_module.open(io.BytesIO(get(service, item["href"]).body)) as image:
            image.load()
            assert image.size[0] >= 400


def test_bytes_are_identical_in_another_process(service: OnlineService, truth: dict) -> None:
    urls = [page["url"] for page in truth["pages"][:40]]
    urls += [item["href"] for item in truth["attachments"] if not item["large"]][:6]
    script = (
        "import hashlib, json, sys\n"
        "from urllib.parse import parse_qs, unquote, urlsplit\n"
        "from transfer.sandbox.online import OnlineService\n"
        "from transfer.sandbox.settings import SandboxSettings\n"
        "from transfer.sandbox.wire import Request\n"
        "service = OnlineService(SandboxSettings(scale=0.02))\n"
        "out = {}\n"
        "for url in json.load(sys.stdin):\n"
        "    p = urlsplit(url)\n"
        "    raw = p.path + ('?' + p.query if p.query else '')\n"
        "    r = service.handle(Request('GET', unquote(p.path), raw, parse_qs(p.query), {}))\n"
        "    out[url] = hashlib.sha256(r.body).hexdigest()\n"
        "print(json.dumps(out))\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    done = subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps(urls),
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    theirs = json.loads(done.stdout)
    ours = {url: hashlib.sha256(get(service, url).body).hexdigest() for url in urls}
    assert theirs == ours


def test_full_scale_counts_match_the_real_service() -> None:
    site = OnlineService(SandboxSettings(scale=1.0)).site
    by_lang: dict[str, int] = {}
    by_kind: dict[str, int] = {}
    for page in site.pages.values():
        by_lang[page.lang] = by_lang.get(page.lang, 0) + 1
        by_kind[page.kind] = by_kind.get(page.kind, 0) + 1
    targets = {"fi": 1500, "sv": 600, "en": 900, "fi-x-selko": 150}
    for lang, target in targets.items():
        assert abs(by_lang[lang] - target) <= target * 0.1, (lang, by_lang[lang])
    for kind, target in {"news": 700, "blog": 150, "event": 300}.items():
        assert abs(by_kind[kind] - target) <= target * 0.1, (kind, by_kind[kind])
    assert abs(len(site.attachments) - 800) <= 80
