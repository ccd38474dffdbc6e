"""The platform's public pages: three languages, hreflang alternates, Liferay furniture."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from transfer.sandbox.platform import Platform
from transfer.sandbox.platform.local import LocalClient
from transfer.sandbox.settings import PLATFORM_HOST, SandboxSettings


@pytest.fixture(scope="module")
def client() -> LocalClient:
    return LocalClient(Platform(SandboxSettings(scale=0.02)))


@pytest.fixture(scope="module")
def pages(client: LocalClient) -> list[dict[str, str]]:
    assert isinstance(client.replica, Platform)
    return list(client.replica.truth()["public_pages"])


def test_every_public_page_links_its_translations(
    client: LocalClient, pages: list[dict[str, str]]
) -> None:
    assert len(pages) == 9
    paths = {page["path"] for page in pages}
    for page in pages:
        response = client.get(page["path"])
        assert response.status == 200, page
        assert response.etag and response.last_modified is not None
        soup = BeautifulSoup(response.body, "lxml")
        assert soup.html is not None and soup.html["lang"] == page["language"]
        alternates = {
            str(link["hreflang"]): str(link["href"])
            for link in soup.find_all("link", rel="alternate")
        }
        assert set(alternates) == {"fi-FI", "sv-SE", "en-US", "x-default"}
        prefix = f"https://{PLATFORM_HOST}"
        assert {href.removeprefix(prefix) for href in alternates.values()} <= paths
        assert alternates[page["language"]] == prefix + page["path"]
        assert soup.select_one('a[href="#main-content"]') is not None
        assert soup.find(id="main-content") is not None
        assert soup.h1 is not None and soup.h1.get_text(strip=True)


def test_unknown_page_is_a_404_page(client: LocalClient) -> None:
    response = client.get("/no-such-page")
    assert response.status == 404
    assert response.content_type.startswith("text/html")


def test_language_roots_redirect_to_the_slash(client: LocalClient) -> None:
    response = client.get("/sv")
    assert response.status == 301
    assert dict(response.headers)["Location"] == "/sv/"


def test_robots_and_sitemap(client: LocalClient, pages: list[dict[str, str]]) -> None:
    robots = client.get("/robots.txt").body.decode()
    assert "Disallow: /o/" in robots
    sitemap = client.get("/sitemap.xml").body.decode()
    for page in pages:
        assert f"<loc>https://{PLATFORM_HOST}{page['path']}</loc>" in sitemap
