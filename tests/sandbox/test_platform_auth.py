"""Access rules of the platform replica: guests, Basic, OAuth2 tokens and their expiry,
sessions with p_auth."""

from __future__ import annotations

import json
import re

import pytest

from transfer.sandbox.platform import Platform
from transfer.sandbox.platform.local import LocalClient, basic, export_basic, request
from transfer.sandbox.settings import SandboxSettings

SETTINGS = SandboxSettings(scale=0.02, token_lifetime_s=600.0)
ADMIN = "/o/headless-admin-user/v1.0"
DELIVERY = "/o/headless-delivery/v1.0"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def platform(clock: FakeClock) -> Platform:
    return Platform(SETTINGS, clock=clock)


def _token(
    platform: Platform,
    form: str | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, object]]:
    body = (
        form
        if form is not None
        else (
            f"grant_type=client_credentials&client_id={SETTINGS.client_id}"
            f"&client_secret={SETTINGS.client_secret}"
        )
    )
    response = platform.handle(
        request("/o/oauth2/token", {**FORM, **(headers or {})}, "POST", body.encode())
    )
    assert response is not None
    return response.status, json.loads(response.body)


def test_no_credentials_is_403_problem(platform: Platform) -> None:
    response = LocalClient(platform).get(f"{ADMIN}/user-accounts")
    assert response.status == 403
    problem = json.loads(response.body)
    assert problem["status"] == "FORBIDDEN"
    assert "UserAccountResourceImpl#getUserAccountsPage" in problem["title"]


def test_basic_auth_works(platform: Platform) -> None:
    body = LocalClient(platform, export_basic(SETTINGS)).json(f"{ADMIN}/my-user-account")
    assert body["id"] == platform.world.export_id
    assert len(body["siteBriefs"]) >= len(platform.world.sites)


@pytest.mark.parametrize(
    "header",
    [
        basic(SETTINGS.platform_username, "wrong"),
        basic("someone@example.fi", SETTINGS.platform_password),
        {"Authorization": "Basic not-base64!"},
    ],
)
def test_wrong_basic_credentials_are_challenged_with_401(
    platform: Platform, header: dict[str, str]
) -> None:
    response = LocalClient(platform, header).get(f"{ADMIN}/user-accounts")
    assert response.status == 401
    assert ("WWW-Authenticate", 'Basic realm="PortalRealm"') in response.headers


def test_token_endpoint_issues_bearer_tokens(platform: Platform) -> None:
    status, body = _token(platform)
    assert status == 200
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 600
    assert "Liferay.Headless.Delivery.everything.read" in str(body["scope"])
    client = LocalClient(platform, {"Authorization": f"Bearer {body['access_token']}"})
    assert client.json(f"{ADMIN}/user-accounts")["totalCount"] == len(platform.world.members)
    # Client id and secret as Basic work too.
    status, _ = _token(
        platform, "grant_type=client_credentials", basic(SETTINGS.client_id, SETTINGS.client_secret)
    )
    assert status == 200


@pytest.mark.parametrize(
    ("form", "status", "error"),
    [
        (
            f"grant_type=client_credentials&client_id={SETTINGS.client_id}&client_secret=nope",
            401,
            "invalid_client",
        ),
        ("grant_type=client_credentials&client_id=other&client_secret=x", 401, "invalid_client"),
        (f"grant_type=password&client_id={SETTINGS.client_id}", 400, "unsupported_grant_type"),
        ("", 400, "invalid_request"),
    ],
)
def test_token_endpoint_refuses(platform: Platform, form: str, status: int, error: str) -> None:
    assert _token(platform, form) == (status, {"error": error})


def test_expired_token_gives_empty_pages_and_404_entities(
    platform: Platform, clock: FakeClock
) -> None:
    _, body = _token(platform)
    client = LocalClient(platform, {"Authorization": f"Bearer {body['access_token']}"})
    site = platform.world.workspaces()[0].id
    member = max(platform.world.members)
    lists = [
        f"{ADMIN}/user-accounts",
        f"{ADMIN}/organizations?flatten=true",
        f"{DELIVERY}/sites/{site}/documents?flatten=true",
        f"{ADMIN}/my-user-account/sites?page=2&pageSize=3",
    ]
    singles = [
        f"{ADMIN}/user-accounts/{member}",
        f"{ADMIN}/sites/{site}",
        f"{ADMIN}/my-user-account",
    ]
    clock.now += 599
    assert all(client.json(target)["totalCount"] > 0 for target in lists)
    clock.now += 2
    for target in lists:
        response = client.get(target)
        assert response.status == 200, target
        page = json.loads(response.body)
        assert (page["items"], page["totalCount"], page["lastPage"]) == ([], 0, 1)
    for target in singles:
        response = client.get(target)
        assert response.status == 404
        assert json.loads(response.body) == {"status": "NOT_FOUND", "title": None}
    # A token never issued behaves the same: no 401 anywhere.
    stranger = LocalClient(platform, {"Authorization": "Bearer 0123456789abcdef"})
    assert stranger.json(f"{ADMIN}/user-accounts")["items"] == []


def test_session_sign_in_and_p_auth(platform: Platform) -> None:
    client = LocalClient(platform)
    form = client.get("/c/portal/login?redirect=%2Fen%2F")
    assert form.status == 200
    cookie = dict(form.headers)["Set-Cookie"].split(";")[0]
    p_auth = re.search(r'name="p_auth" type="hidden" value="(\w+)"', form.body.decode())
    assert p_auth is not None
    bad = client.get(
        "/c/portal/login",
        {**FORM, "Cookie": cookie},
        "POST",
        f"login={SETTINGS.platform_username}&password=x&p_auth={p_auth[1]}".encode(),
    )
    assert bad.status == 200
    assert "epäonnistui" in bad.body.decode()
    good = client.get(
        "/c/portal/login",
        {**FORM, "Cookie": cookie},
        "POST",
        (
            f"login={SETTINGS.platform_username}&password="
            f"{SETTINGS.platform_password}&p_auth={p_auth[1]}&redirect=/en/"
        ).encode(),
    )
    assert good.status == 302
    headers = dict(good.headers)
    assert headers["Location"] == "/en/"
    session = headers["Set-Cookie"].split(";")[0]
    assert session != cookie  # a new session id on sign-in
    page = client.get("/en/", {"Cookie": session}).body.decode()
    token = re.search(r"Liferay.authToken = '(\w+)'", page)
    assert token is not None
    api = f"{ADMIN}/my-user-account"
    assert client.get(f"{api}?p_auth={token[1]}", {"Cookie": session}).status == 200
    assert client.get(api, {"Cookie": session, "X-CSRF-Token": token[1]}).status == 200
    assert client.get(api, {"Cookie": session}).status == 403  # no CSRF token
    assert client.get(f"{api}?p_auth={token[1]}", {"Cookie": cookie}).status == 403  # old id


def test_unknown_paths_and_methods(platform: Platform) -> None:
    client = LocalClient(platform, export_basic(SETTINGS))
    missing = client.get(f"{DELIVERY}/no-such-thing")
    assert missing.status == 404
    assert json.loads(missing.body)["status"] == "NOT_FOUND"
    assert client.get(f"{ADMIN}/user-accounts", method="POST").status == 405
    assert client.get(f"{ADMIN}/user-accounts/abc").status == 404
    assert client.get(f"{ADMIN}/user-accounts/1").status == 404


def test_other_replicas_hosts_are_declined(platform: Platform) -> None:
    assert platform.handle(request("/", {"Host": "kotoutuminen.fi"})) is None
    assert platform.handle(request("/", {"Host": "127.0.0.1:8081"})) is not None
