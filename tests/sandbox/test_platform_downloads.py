"""Document downloads through the portal servlet, and inline Base64 content."""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import parse_qs, urlsplit

import pytest

from transfer.sandbox.platform import Platform
from transfer.sandbox.platform.local import LocalClient, export_basic, request
from transfer.sandbox.settings import SandboxSettings

DELIVERY = "/o/headless-delivery/v1.0"


@pytest.fixture(scope="module")
def platform() -> Platform:
    return Platform(SandboxSettings(scale=0.02, epoch=1))


@pytest.fixture(scope="module")
def client(platform: Platform) -> LocalClient:
    return LocalClient(platform, export_basic(platform.settings))


def test_every_listed_file_downloads_with_the_truths_digest(
    platform: Platform, client: LocalClient
) -> None:
    truth = {f["id"]: f for f in platform.truth()["files"]}
    listed = [
        d
        for s in platform.truth()["workspaces"]
        for d in client.walk(f"{DELIVERY}/sites/{s['id']}/documents?flatten=true")
    ]
    assert sorted(d["id"] for d in listed) == sorted(truth)
    for document in listed:
        expected = truth[document["id"]]
        assert document["sizeInBytes"] == expected["size"]
        assert document["encodingFormat"] == expected["media_type"]
        if expected["size"] == 0:
            assert document["contentUrl"] == ""
            continue
        response = client.get(document["contentUrl"])
        if expected["missing"]:
            assert response.status == 404
            continue
        assert response.status == 200, document["contentUrl"]
        assert response.content_type == expected["media_type"]
        assert hashlib.sha256(response.body).hexdigest() == expected["sha256"]
        assert len(response.body) == expected["size"]
    assert any(f["missing"] for f in truth.values())


def test_without_credentials_the_download_redirects_to_sign_in(
    platform: Platform, client: LocalClient
) -> None:
    document = next(f for f in platform.truth()["files"] if f["size"] and not f["missing"])
    for headers in ({}, {"Authorization": "Bearer expired-or-unknown"}):
        response = platform.handle(request(document["content_url"], headers))
        assert response is not None
        assert response.status == 302
        location = dict(response.headers)["Location"]
        assert location.startswith("/c/portal/login?redirect=")
        assert parse_qs(urlsplit(location).query)["redirect"] == [document["content_url"]]
        page = LocalClient(platform).get(location)
        assert page.status == 200
        assert page.content_type.startswith("text/html")
        assert hashlib.sha256(page.body).hexdigest() != document["sha256"]


def test_content_url_has_liferays_form(platform: Platform) -> None:
    for document in platform.truth()["files"]:
        if not document["size"]:
            continue
        parts = urlsplit(document["content_url"])
        segments = parts.path.split("/")
        assert segments[1] == "documents"
        assert segments[2] == str(document["site_id"])
        assert segments[3] == str(document["folder_id"])
        query = parse_qs(parts.query)
        assert query["version"] == [document["version"]]
        assert query["download"] == ["true"]
        assert query["t"][0].isdigit()
        assert " " not in document["content_url"]


def test_replaced_file_keeps_its_old_version(platform: Platform, client: LocalClient) -> None:
    replaced = platform.truth()["changes"][0]["replaced"]
    document = next(f for f in platform.truth()["files"] if f["id"] == replaced[0])
    assert document["version"] == "1.1"
    old_url = document["content_url"].replace("version=1.1", "version=1.0")
    old = client.get(old_url)
    new = client.get(document["content_url"])
    assert old.status == new.status == 200
    assert hashlib.sha256(new.body).hexdigest() == document["sha256"]
    assert old.body != new.body
    assert client.get(document["content_url"].replace("version=1.1", "version=1.7")).status == 404


def test_nested_content_value_is_the_body_in_base64(
    platform: Platform, client: LocalClient
) -> None:
    for document in platform.truth()["files"][:8]:
        body = client.json(f"{DELIVERY}/documents/{document['id']}?nestedFields=contentValue")
        if document["missing"]:
            assert "contentValue" not in body
            continue
        data = base64.b64decode(body["contentValue"])
        assert hashlib.sha256(data).hexdigest() == document["sha256"]
        plain = client.json(f"{DELIVERY}/documents/{document['id']}")
        assert "contentValue" not in plain


def test_download_answers_carry_validators(platform: Platform, client: LocalClient) -> None:
    document = next(f for f in platform.truth()["files"] if f["size"] and not f["missing"])
    response = client.get(document["content_url"])
    assert response.etag and response.last_modified is not None
    disposition = dict(response.headers)["Content-Disposition"]
    assert disposition.startswith("attachment;")
