"""Document downloads at the edge: a sign-in page or a redirect to it is never the file."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

import pytest
import responses

from tests.extractors.test_partnership_token import TOKEN, client, oauth, token
from transfer.extractors.partnership.auth import Authenticator, Credentials
from transfer.extractors.partnership.files import Downloader, looks_like_sign_in
from transfer.stores.blobs import BlobStore

BASE = "https://platform.test"
PATH = "/documents/101/0/Muistio.pdf/0a1b2c3d-0000-1111-2222-333344445555"
CONTENT_URL = f"{PATH}?version=1.0&t=1700000000000&download=true"
SIGN_IN = (
    b'<!DOCTYPE html><html><body><form action="/c/portal/login" method="post">'
    b'<input name="_com_liferay_login_web_portlet_LoginPortlet_password" '
    b'type="password" /></form></body></html>'
)
PDF = b"%PDF-1.7 a small file\n"


def document(
    content_url: str = CONTENT_URL, size: int = len(PDF), mime: str = "application/pdf"
) -> dict[str, object]:
    return {"id": 9, "contentUrl": content_url, "sizeInBytes": size, "encodingFormat": mime}


def downloader(tmp_path: Path, auth: Authenticator | None = None) -> Downloader:
    auth = auth or Authenticator(
        Credentials("basic", "user@example.test", "pw-x-123"), client(), BASE
    )
    return Downloader(
        client(),
        auth,
        BlobStore(tmp_path / "blobs"),
        BASE,
        "https://kumppanuusalusta.kotoutuminen.fi",
    )


@responses.activate
def test_a_file_is_streamed_owner_only_with_its_sha256(tmp_path: Path) -> None:
    responses.get(f"{BASE}{CONTENT_URL}", body=PDF, content_type="application/pdf")
    loader = downloader(tmp_path)
    outcome = loader.one(document())
    assert outcome.status == "ok" and outcome.sha256 == hashlib.sha256(PDF).hexdigest()
    path = loader.blobs.path(outcome.sha256)
    assert path.read_bytes() == PDF and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert responses.calls[0].request.headers["Authorization"].startswith("Basic ")


@responses.activate
def test_the_sign_in_page_is_a_failed_download_even_after_a_renewal(tmp_path: Path) -> None:
    responses.add(token("old-token"))
    responses.add(token("new-token"))
    for _ in range(2):
        responses.get(f"{BASE}{CONTENT_URL}", body=SIGN_IN, content_type="text/html")
    outcome = downloader(tmp_path, oauth()).one(document())
    assert outcome.status == "failed" and outcome.sha256 is None
    assert "sign-in page" in outcome.reason
    downloads = [c for c in responses.calls if c.request.method == "GET"]
    assert [c.request.headers["Authorization"] for c in downloads] == [
        "Bearer old-token",
        "Bearer new-token",
    ]


@responses.activate
def test_a_redirect_to_sign_in_is_retried_once_with_a_fresh_token(tmp_path: Path) -> None:
    responses.add(token("old-token"))
    responses.add(token("new-token"))
    responses.get(
        f"{BASE}{CONTENT_URL}",
        status=302,
        headers={"Location": "/c/portal/login?redirect=%2Fdocuments%2F101"},
    )
    responses.get(f"{BASE}{CONTENT_URL}", body=PDF, content_type="application/pdf")
    outcome = downloader(tmp_path, oauth()).one(document())
    assert outcome.status == "ok" and outcome.size == len(PDF)
    assert len([c for c in responses.calls if c.request.url == TOKEN]) == 2


@responses.activate
def test_redirects_and_html_pages_are_failures_with_reasons(tmp_path: Path) -> None:
    responses.get(
        f"{BASE}{CONTENT_URL}", status=302, headers={"Location": "/c/portal/login?redirect=x"}
    )
    loader = downloader(tmp_path)
    assert loader.one(document()).reason == "redirected to the sign-in page"
    responses.replace(
        responses.GET,
        f"{BASE}{CONTENT_URL}",
        body=b"<html><p>hello</p></html>",
        content_type="text/html",
    )
    assert "HTML page came instead of a application/pdf" in loader.one(document()).reason
    responses.replace(responses.GET, f"{BASE}{CONTENT_URL}", status=404)
    gone = loader.one(document())
    assert gone.http_status == 404 and "missing" in gone.reason and gone.status == "unavailable"


@pytest.mark.parametrize(
    ("content_url", "size", "status", "reason"),
    [
        ("", 0, "empty", "the file is empty"),
        ("", 120, "unavailable", "no download permission"),
        (f"https://elsewhere.example{CONTENT_URL}", 5, "unavailable", "another host"),
    ],
)
@responses.activate
def test_no_request_when_there_is_nothing_to_fetch_here(
    tmp_path: Path, content_url: str, size: int, status: str, reason: str
) -> None:
    outcome = downloader(tmp_path).one(document(content_url, size))
    assert outcome.status == status and reason in outcome.reason
    assert outcome.source_defect  # the platform cannot give it: running again cannot help
    assert not responses.calls  # credentials never go to another host


@responses.activate
def test_a_404_with_a_stale_token_is_asked_again_with_a_fresh_one(tmp_path: Path) -> None:
    responses.add(token("old-token"))
    responses.add(token("new-token"))
    responses.get(f"{BASE}{CONTENT_URL}", status=404)
    responses.get(f"{BASE}{CONTENT_URL}", body=PDF, content_type="application/pdf")
    loader = downloader(tmp_path, oauth())
    outcome = loader.one(document())
    assert outcome.status == "ok" and outcome.size == len(PDF)
    downloads = [c for c in responses.calls if c.request.method == "GET"]
    assert [c.request.headers["Authorization"] for c in downloads] == [
        "Bearer old-token",
        "Bearer new-token",
    ]
    assert loader.auth.renewals == {"first": 1, "not found instead of a file": 1}


@pytest.mark.parametrize(
    ("answers", "mode", "status", "defect", "gets"),
    [
        # still 404 with a fresh token: missing on the platform, a source defect
        ([404, 404], "oauth2", "unavailable", True, 2),
        ([410, 410], "oauth2", "unavailable", True, 2),
        # Basic credentials never go stale: one request
        ([404], "basic", "unavailable", True, 1),
        # we failed to fetch it: a failure, running again may help
        ([503, 503], "basic", "failed", False, 2),
        ([500, 500], "oauth2", "failed", False, 2),
    ],
)
@responses.activate
def test_source_defects_and_failures_are_told_apart(
    tmp_path: Path, answers: list[int], mode: str, status: str, defect: bool, gets: int
) -> None:
    responses.add(token("old-token"))
    responses.add(token("new-token"))
    for answer in answers:
        responses.get(f"{BASE}{CONTENT_URL}", status=answer)
    auth = oauth() if mode == "oauth2" else None
    outcome = downloader(tmp_path, auth).one(document())
    assert (outcome.status, outcome.source_defect) == (status, defect)
    assert len([c for c in responses.calls if c.request.method == "GET"]) == gets


def test_sign_in_page_detection() -> None:
    assert looks_like_sign_in(SIGN_IN)
    assert not looks_like_sign_in(b"<html><h1>Report</h1><p>text</p></html>")
